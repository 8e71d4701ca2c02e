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
export function emitEvaluation(
  em: OpEmitter,
  k: number,
  epoch: number,
  purpose: DataPurpose,
  samples: number,
  evalBatch: number,
  compress: boolean,
): void {
  const b = batchSizes(samples, evalBatch);
  if (compress) {
    if (b.full > 0) em.evalBatch({ iteration: k, epoch, batch: 0 }, purpose, evalBatch, b.full);
  } else {
    for (let i = 0; i < b.full; i++) em.evalBatch({ iteration: k, epoch, batch: i }, purpose, evalBatch);
  }
  if (b.last > 0) em.evalBatch({ iteration: k, epoch, batch: b.full }, purpose, b.last);
}

export interface EnumerateOptions {
  /** Compress identical batches into one op with `repeat` (default true). */
  compress?: boolean;
  /**
   * Epochs each iteration ran, as a trained run reports them (`iterations[].epochsRun`); its
   * length is the number of iterations run. Without it every planned iteration runs
   * `training.epochs` epochs: the enumerator cannot know where early stopping
   * (`training.epochPatience`, `model.iterationPatience`) would have stopped a trained run.
   */
  epochsPerIteration?: readonly number[];
}

/** Checks epochs per iteration against the plan; one line naming what is wrong. */
export function checkEpochsPerIteration(epochs: readonly number[], plannedIterations: number): void {
  if (epochs.length === 0) throw new RangeError('epochs per iteration: expected at least one iteration');
  if (epochs.length > plannedIterations) {
    throw new RangeError(
      `epochs per iteration: ${epochs.length} iterations given but the model plans ${plannedIterations}`,
    );
  }
  const bad = epochs.find((e) => !Number.isInteger(e) || e < 1);
  if (bad !== undefined) throw new RangeError(`epochs per iteration: expected whole numbers of at least 1, got ${bad}`);
}

/**
 * Emits the schedule's operation stream: per epoch the training batches and a validation pass;
 * per iteration a test pass at its end. Every epoch of every planned iteration runs unless
 * `epochsPerIteration` says how many a trained run used (then the stream equals that run's).
 */
export function enumerateSchedule(cfg: Config, obs: OpObserver, opts: EnumerateOptions = {}): void {
  const compress = opts.compress ?? true;
  const { topology, plan } = networkSpec(cfg.model);
  const t = cfg.training;
  const given = opts.epochsPerIteration;
  if (given) checkEpochsPerIteration(given, plan.iterations.length);
  const em = new OpEmitter(obs, topology, plan, cfg);
  em.runBegin();
  const iters = given ? given.length : plan.iterations.length;
  for (let k = 1; k <= iters; k++) {
    em.iterationBegin(k);
    const b = batchSizes(t.trainSamples, t.batch);
    const epochs = given ? given[k - 1]! : t.epochs;
    for (let e = 1; e <= epochs; e++) {
      if (compress) {
        if (b.full > 0) em.trainBatch({ iteration: k, epoch: e, batch: 0 }, t.batch, b.full);
      } else {
        for (let i = 0; i < b.full; i++) em.trainBatch({ iteration: k, epoch: e, batch: i }, t.batch);
      }
      if (b.last > 0) em.trainBatch({ iteration: k, epoch: e, batch: b.full }, b.last);
      emitEvaluation(em, k, e, 'validation', t.validationSamples, t.evalBatch, compress);
    }
    emitEvaluation(em, k, epochs + 1, 'test', t.testSamples, t.evalBatch, compress);
    em.iterationEnd(k, k === iters);
  }
}
