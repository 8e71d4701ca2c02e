/**
 * The training schedules (RBNN and conventional) as a sequence of epochs and batches, and the
 * enumerator that emits a whole schedule's operation stream without training
 * (`rbnn-sim simulate --schedule-only`). Identical batches are compressed into one op with
 * `repeat`, so a 7000-epoch schedule is a few hundred thousand ops.
 */
import type { Config } from '../config/schema.js';
import type { OpObserver, DataPurpose } from '../model/ops.js';
import { networkSpec } from '../model/network.js';
import { OpEmitter, batchSizes } from './op-emitter.js';

/** Emits the evaluation pass over one data set, compressing its full batches. */
export function emitEvaluation(em: OpEmitter, k: number, epoch: number, purpose: DataPurpose, samples: number, evalBatch: number, compress: boolean): void {
  const b = batchSizes(samples, evalBatch);
  if (compress) {
    if (b.full > 0) em.evalBatch({ iteration: k, epoch, batch: 0 }, purpose, evalBatch, b.full);
  } else {
    for (let i = 0; i < b.full; i++) em.evalBatch({ iteration: k, epoch, batch: i }, purpose, evalBatch);
  }
  if (b.last > 0) em.evalBatch({ iteration: k, epoch, batch: b.full }, purpose, b.last);
}

/**
 * Emits the full schedule's operation stream as if every epoch of every planned iteration ran
 * (no early stopping): per epoch the training batches and a validation pass; per iteration a
 * test pass at its end.
 */
export function enumerateSchedule(cfg: Config, obs: OpObserver, opts: { compress?: boolean } = {}): void {
  const compress = opts.compress ?? true;
  const { topology, plan } = networkSpec(cfg.model);
  const t = cfg.training;
  const em = new OpEmitter(obs, topology, plan, cfg);
  em.runBegin();
  const iters = plan.iterations.length;
  for (let k = 1; k <= iters; k++) {
    em.iterationBegin(k);
    const b = batchSizes(t.trainSamples, t.batch);
    for (let e = 1; e <= t.epochs; e++) {
      if (compress) {
        if (b.full > 0) em.trainBatch({ iteration: k, epoch: e, batch: 0 }, t.batch, b.full);
      } else {
        for (let i = 0; i < b.full; i++) em.trainBatch({ iteration: k, epoch: e, batch: i }, t.batch);
      }
      if (b.last > 0) em.trainBatch({ iteration: k, epoch: e, batch: b.full }, b.last);
      emitEvaluation(em, k, e, 'validation', t.validationSamples, t.evalBatch, compress);
    }
    emitEvaluation(em, k, t.epochs + 1, 'test', t.testSamples, t.evalBatch, compress);
    em.iterationEnd(k, k === iters);
  }
}
