/**
 * The two kinds of work of a sweep, run alike in this process or in a pool worker:
 *
 * - train: one training run on MNIST, observed by a StreamRecorder (no simulator: the hardware
 *   points are costed afterwards from the recorded stream);
 * - cost: one point: a fresh Simulator of the point's hardware fed with the replayed stream
 *   (or, schedule-only, the enumerated schedule), turned into a row.
 */
import type { Config } from '../config/schema.js';
import type { ProgressFn, TrainResult } from '../model/results.js';
import { Simulator } from '../sim/simulator.js';
import { enumerateSchedule } from '../trainer/schedule.js';
import { train } from '../trainer/train.js';
import type { TrainingRecord } from './run-store.js';
import type { Point } from './sweep/points.js';
import { rowFromReport, type SweepRow } from './sweep/row.js';
import { stableHash } from './stable-hash.js';
import { StreamRecorder, replayStream, type RecordedStream } from './stream.js';

/** Identifies a training configuration (model, training, data sections): the points sharing a run. */
export function trainingId(cfg: Config): string {
  return stableHash({ model: cfg.model, training: cfg.training, data: cfg.data }, 12);
}

/** Relative cost of a training run: weights of a sub-network x iterations x epochs x samples. */
export function trainingWeight(cfg: Config): number {
  const dims = [cfg.model.inputs, ...cfg.model.hidden, cfg.model.outputs];
  let w0 = 0;
  for (let l = 0; l + 1 < dims.length; l++) w0 += dims[l]! * dims[l + 1]!;
  const iterations = cfg.model.schedule === 'rbnn' ? Math.min(cfg.model.maxIterations, cfg.model.bits) : 1;
  return w0 * iterations * cfg.training.epochs * (cfg.training.trainSamples + cfg.training.validationSamples);
}

/** Trains `cfg`, recording its operation stream. */
/** A training run with its operation stream (what costing by replay needs). */
export type RecordedRun = TrainingRecord & { stream: RecordedStream };

export async function trainRecorded(cfg: Config, progress?: ProgressFn, signal?: AbortSignal): Promise<RecordedRun> {
  const rec = new StreamRecorder();
  const opts = { observer: rec, ...(progress ? { progress } : {}), ...(signal ? { signal } : {}) };
  const { network: _network, ...result } = await train(cfg, opts);
  return { result: result as TrainResult, stream: rec.stream() };
}

/** Costs one sweep point from a recorded training run, or (null) from its configured schedule. */
export function costSweepPoint(point: Point, cfg: Config, training: RecordedRun | null): SweepRow {
  const sim = new Simulator(cfg);
  if (training) replayStream(cfg, training.stream, sim);
  else enumerateSchedule(cfg, sim);
  const report = sim.report(training ? { training: training.result } : {});
  if (training && report.total.ops < training.stream.occurrences) {
    throw new Error(
      `replaying the stream of ${point.id} costed ${report.total.ops} ops, the run had ${training.stream.occurrences}`,
    );
  }
  return rowFromReport(point, cfg, report, training ? training.result : null, trainingId(cfg));
}
