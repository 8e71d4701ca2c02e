/**
 * The operation stream: every operation the training schedule performs, described by its
 * shapes and precisions only (no values). The trainer emits it while it trains; the schedule
 * enumerator emits the same stream without training; the simulator costs a run from it alone.
 *
 * Conventions
 * - `iteration` k is 1-based (RBNN iteration k trains sub-network S_k); conventional runs have k = 1.
 * - `epoch` is 1-based within the iteration; `batch` is 0-based within the epoch
 *   (for evaluation ops: within the evaluation pass). Iteration-level ops use epoch 0, batch 0.
 * - `subnet` is 1-based. Layer l of a sub-network maps dims[l] -> dims[l+1] (dims from the topology).
 * - The test pass at the end of an iteration carries epoch = (epochs run) + 1.
 * - `repeat`: the op stands for `repeat` identical consecutive occurrences (batches 0..repeat-1
 *   counted from `batch`). The trainer always emits repeat = 1; the schedule enumerator may
 *   compress identical batches. Costs scale linearly with repeat.
 */

export type Phase = 'load' | 'forward' | 'backward' | 'gradient' | 'update' | 'evaluate';
export const PHASES: readonly Phase[] = ['load', 'forward', 'backward', 'gradient', 'update', 'evaluate'];

/** Bits per input feature and per label as samples arrive from off-chip memory (raw MNIST bytes). */
export const PIXEL_BITS = 8;
export const LABEL_BITS = 8;

export type DataPurpose = 'train' | 'validation' | 'test';

export interface Where {
  iteration: number;
  epoch: number;
  batch: number;
}

/** Emitted once at the start: what network the schedule trains, and its storage layout. */
export interface RunBeginOp {
  kind: 'run-begin';
  schedule: 'rbnn' | 'conventional';
  /** Layer widths of one sub-network (conventional: of the network), inputs first, outputs last. */
  dims: readonly number[];
  /** Weight slot width n (bits). */
  bits: number;
  /** Iterations the schedule plans (it may stop earlier; see iteration-end). */
  plannedIterations: number;
  activationBits: number;
  errorBits: number;
  accumulatorBits: number;
  /** Training mini-batch size and samples per epoch; evaluation batch and set sizes. */
  batch: number;
  trainSamples: number;
  evalBatch: number;
  validationSamples: number;
  testSamples: number;
}

/** Start of iteration k: S_k is trained with `trainableBits` = n-k+1 bits in planes k-1..n-1. */
export interface IterationBeginOp {
  kind: 'iteration-begin';
  where: Where;
  trainableBits: number;
  /** Sub-networks taking part in the forward pass (S_1..S_k). */
  subnets: number;
}

/** End of iteration k: S_k is binarized (keeps its sign plane k-1) and frozen. */
export interface IterationEndOp {
  kind: 'iteration-end';
  where: Where;
  /** Whether the schedule stops after this iteration. */
  last: boolean;
}

/** Samples (and labels) arrive from off-chip memory: `features` values of `bitsPerFeature` bits each. */
export interface LoadOp {
  kind: 'load';
  phase: 'load';
  where: Where;
  purpose: DataPurpose;
  samples: number;
  features: number;
  bitsPerFeature: number;
  labelBits: number;
  repeat: number;
}

/**
 * A layer's sign-weight matrix product on a mini-batch.
 * forward / evaluate: out[s][o] = sum_i in[s][i] * sign(w[i][o]), in = activations of dims[layer],
 *   out = pre-activations of dims[layer+1].
 * backward: err_in[s][i] = sum_o err_out[s][o] * sign(w[i][o]) for layer >= 1 (errors flow to dims[layer]).
 * Weights are read as their sign plane only (1 bit per weight).
 */
export interface MatmulOp {
  kind: 'matmul';
  phase: 'forward' | 'backward' | 'evaluate';
  where: Where;
  subnet: number;
  /** The sub-network is frozen (subnet < iteration): its weights are sign bits only. */
  frozen: boolean;
  layer: number;
  samples: number;
  /** Rows of the weight matrix (dims[layer]) and columns (dims[layer+1]). */
  rows: number;
  cols: number;
  /** Precision of the streamed operand (activations for forward, errors for backward). */
  inBits: number;
  /** Precision of the results as stored (pre-activations are narrowed to this). */
  outBits: number;
  accBits: number;
  /** For evaluate ops: which set is evaluated. */
  purpose?: DataPurpose;
  repeat: number;
}

/**
 * Element-wise work: hidden activation (tanh look-up) in forward/evaluate, its derivative times
 * the error in backward, softmax-cross-entropy error at the output (loss).
 */
export interface ElementwiseOp {
  kind: 'elementwise';
  phase: 'forward' | 'backward' | 'evaluate';
  fn: 'activation' | 'activation-derivative' | 'output-sum' | 'softmax-error' | 'argmax';
  where: Where;
  subnet: number;
  layer: number;
  samples: number;
  width: number;
  inBits: number;
  outBits: number;
  purpose?: DataPurpose;
  repeat: number;
}

/** Weight gradient of layer `layer` of the trained sub-network: outer products summed over the batch. */
export interface GradientOp {
  kind: 'gradient';
  phase: 'gradient';
  where: Where;
  subnet: number;
  layer: number;
  samples: number;
  rows: number;
  cols: number;
  actBits: number;
  errBits: number;
  accBits: number;
  repeat: number;
}

/** w <- saturate(w - lr * g), narrowed to `weightBits` bits (planes firstPlane..n-1 of each slot). */
export interface UpdateOp {
  kind: 'update';
  phase: 'update';
  where: Where;
  subnet: number;
  layer: number;
  weights: number;
  weightBits: number;
  firstPlane: number;
  gradBits: number;
  repeat: number;
}

export type CostedOp = LoadOp | MatmulOp | ElementwiseOp | GradientOp | UpdateOp;
export type Op = RunBeginOp | IterationBeginOp | IterationEndOp | CostedOp;

/** Receives the operation stream. */
export interface OpObserver {
  op(op: Op): void;
}

/** An observer that forwards to several. */
export function fanOut(...observers: OpObserver[]): OpObserver {
  return {
    op: (o) => {
      for (const obs of observers) obs.op(o);
    },
  };
}

/** An observer that keeps every op (for tests and small runs). */
export class OpRecorder implements OpObserver {
  readonly ops: Op[] = [];
  op(o: Op): void {
    this.ops.push(o);
  }
}
