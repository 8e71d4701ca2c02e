/**
 * The operation stream of a training run, recorded compactly and replayed.
 *
 * A training run's stream is fully determined by the configuration (model and training
 * sections) and by what the trainer decided while it ran: how many epochs each iteration ran,
 * how many iterations, how many samples each batch held. The trainer emits every batch through
 * the OpEmitter (trainer/op-emitter.ts), each batch starting with a `load` op that carries the
 * iteration, epoch, batch, purpose and samples. So recording the `load` ops (run-length encoded:
 * consecutive batches of the same size merge) and the iteration boundaries is enough to emit the
 * exact stream again through an OpEmitter of the same configuration, without training.
 *
 * Replay with `compress` (the default) emits runs of identical batches as one op with `repeat`,
 * as the schedule enumerator does; costs scale linearly with repeat and the simulator's counters
 * are integers, so the report is identical (test/sweep/stream.test.ts checks both).
 */
import type { Config } from '../config/schema.js';
import type { DataPurpose, Op, OpObserver } from '../model/ops.js';
import { networkSpec } from '../model/network.js';
import { OpEmitter } from '../trainer/op-emitter.js';

/**
 * One entry of a recorded stream:
 *   ['iteration', k]                                      iteration-begin of k
 *   ['end', k, last]                                      iteration-end of k
 *   [purpose, k, epoch, firstBatch, samples, count]       `count` consecutive batches of `samples`
 */
export type StreamEvent =
  | ['iteration', number]
  | ['end', number, boolean]
  | [DataPurpose, number, number, number, number, number];

export interface RecordedStream {
  /** Costed ops of the original stream (repeat expanded), a check on replay. */
  occurrences: number;
  events: StreamEvent[];
}

/** An OpObserver that records a stream compactly (see the module comment). */
export class StreamRecorder implements OpObserver {
  readonly events: StreamEvent[] = [];
  occurrences = 0;
  private runs = 0;

  op(o: Op): void {
    switch (o.kind) {
      case 'run-begin':
        if (++this.runs > 1) throw new Error('StreamRecorder: a second run-begin');
        return;
      case 'iteration-begin':
        this.events.push(['iteration', o.where.iteration]);
        return;
      case 'iteration-end':
        this.events.push(['end', o.where.iteration, o.last]);
        return;
      case 'load': {
        this.occurrences += o.repeat;
        const w = o.where;
        const last = this.events[this.events.length - 1];
        if (
          last &&
          last.length === 6 &&
          last[0] === o.purpose &&
          last[1] === w.iteration &&
          last[2] === w.epoch &&
          last[4] === o.samples &&
          last[3] + last[5] === w.batch
        ) {
          last[5] += o.repeat;
        } else {
          this.events.push([o.purpose, w.iteration, w.epoch, w.batch, o.samples, o.repeat]);
        }
        return;
      }
      default:
        this.occurrences += o.repeat;
    }
  }

  stream(): RecordedStream {
    return { occurrences: this.occurrences, events: this.events.map((e) => [...e] as StreamEvent) };
  }
}

/** Emits the recorded stream of a run of `cfg` into `obs` (compressed: runs of batches as repeat). */
export function replayStream(
  cfg: Config,
  stream: RecordedStream,
  obs: OpObserver,
  opts: { compress?: boolean } = {},
): void {
  const compress = opts.compress ?? true;
  const { topology, plan } = networkSpec(cfg.model);
  const em = new OpEmitter(obs, topology, plan, cfg);
  em.runBegin();
  for (const e of stream.events) {
    if (e[0] === 'iteration') em.iterationBegin(e[1]);
    else if (e[0] === 'end') em.iterationEnd(e[1], e[2]);
    else {
      const [purpose, iteration, epoch, first, samples, count] = e;
      const emit = (batch: number, repeat: number): void => {
        const where = { iteration, epoch, batch };
        if (purpose === 'train') em.trainBatch(where, samples, repeat);
        else em.evalBatch(where, purpose, samples, repeat);
      };
      if (compress) emit(first, count);
      else for (let i = 0; i < count; i++) emit(first + i, 1);
    }
  }
}

/** Checks the shape of a stream read from a file (a cache entry); throws an Error saying what is wrong. */
export function checkStream(x: unknown): asserts x is RecordedStream {
  const s = x as RecordedStream;
  if (!s || typeof s !== 'object' || !Number.isSafeInteger(s.occurrences) || !Array.isArray(s.events))
    throw new Error('not a recorded stream');
  const int = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
  for (const e of s.events) {
    if (!Array.isArray(e)) throw new Error('a stream event is not a list');
    const ok =
      (e[0] === 'iteration' && e.length === 2 && int(e[1])) ||
      (e[0] === 'end' && e.length === 3 && int(e[1]) && typeof e[2] === 'boolean') ||
      (['train', 'validation', 'test'].includes(e[0] as string) && e.length === 6 && e.slice(1).every(int));
    if (!ok) throw new Error(`bad stream event ${JSON.stringify(e).slice(0, 80)}`);
  }
}
