/** What a training run reports, per iteration and in total. */

export interface IterationResult {
  /** Iteration k (1-based); conventional runs have one iteration. */
  k: number;
  /** Bits of the weight trained in this iteration (n-k+1). */
  trainableBits: number;
  /** Weights in the network after this iteration (k * W0). */
  weights: number;
  /** Weight storage in bits (n * W0; constant). */
  storageBits: number;
  /** n / k. */
  bitsPerWeight: number;
  epochsRun: number;
  /** Epoch (1-based) whose weights were kept (best validation error). */
  bestEpoch: number;
  /** Validation error of the kept weights, in [0, 1]. */
  validationError: number;
  /** Test error of the kept weights, in [0, 1]. */
  testError: number;
  /** Validation error after each epoch. */
  validationCurve: number[];
  /** Wall-clock seconds spent in this iteration. */
  seconds: number;
}

export interface TrainResult {
  schedule: 'rbnn' | 'conventional';
  dims: number[];
  bits: number;
  iterations: IterationResult[];
  /** Test error of the final network (the last kept iteration). */
  testError: number;
  validationError: number;
  bitsPerWeight: number;
  storageBits: number;
  weights: number;
  seconds: number;
  /** Why the schedule stopped. */
  stopReason: 'max-iterations' | 'no-bits-left' | 'min-trainable-bits' | 'no-improvement' | 'conventional';
}

/** Progress callback: units done out of total (batches), with a short label. */
export type ProgressFn = (done: number, total: number, label: string) => void;
