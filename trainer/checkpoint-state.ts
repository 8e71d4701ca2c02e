/**
 * The state of a training run between two steps: everything needed to continue it exactly as if
 * it had never stopped (trainer/train.ts produces and consumes it; trainer/checkpoint.ts saves
 * it to disk). Typed arrays are the trainer's own copies: serialize them before the run goes on.
 */
import type { IterationResult, TrainResult } from '../model/results.js';

/**
 * Where the run continues. stage 'epoch': epoch `epoch` of iteration `iteration`, at training
 * batch `batch` (0: the epoch has not started and shuffles its order first; equal to the number
 * of batches: its validation pass is next). stage 'test': the epochs of `iteration` are done, its
 * test pass and freezing are next. stage 'done': the run has finished.
 */
export interface Position {
  iteration: number;
  epoch: number;
  batch: number;
  stage: 'epoch' | 'test' | 'done';
}

/** The sub-network being trained (absent between iterations). */
export interface CurrentIteration {
  /** Its trainable weights now, per layer. */
  weights: Int32Array[];
  /** Its best-validation weights so far (the initial ones before the first validation). */
  bestWeights: Int32Array[];
  /** Best validation error so far (Infinity before the first validation). */
  bestError: number;
  bestEpoch: number;
  /** Validation error after each epoch so far. */
  curve: number[];
  epochsRun: number;
  /** Epochs since the best validation error (epoch patience). */
  sinceBest: number;
  /** Wall-clock seconds spent in this iteration so far. */
  seconds: number;
  /** The shuffled order of the current epoch's training samples (mid-epoch only). */
  order: Int32Array | null;
}

/** A frozen sub-network: the sign plane of its weights, one bit per weight (1: negative). */
export interface FrozenSubnet {
  k: number;
  /** Bits of its weights while it trained (n-k+1). */
  weightBits: number;
  /** Per layer, ceil(weights / 8) bytes; bit i of the layer is byte i>>3, bit i&7 (LSB first). */
  negative: Uint8Array[];
}

export interface TrainState {
  next: Position;
  rng: [number, number, number, number];
  /** Progress units (batches) done so far. */
  progressDone: number;
  /** Wall-clock seconds of the run so far. */
  seconds: number;
  /** Results of the finished iterations. */
  results: IterationResult[];
  frozen: FrozenSubnet[];
  /** RBNN iteration patience: best validation error of any iteration so far, and iterations since it improved. */
  bestOverall: number;
  sinceImproved: number;
  stopReason: TrainResult['stopReason'];
  current: CurrentIteration | null;
}

/** What a stopped run has to show: the finished iterations, and where it stopped. */
export interface PartialTrainResult {
  incomplete: true;
  schedule: TrainResult['schedule'];
  dims: number[];
  bits: number;
  iterations: IterationResult[];
  seconds: number;
  /** Where a resumed run continues. */
  next: Position;
}

/** Thrown by train()/trainOn() when `shouldStop` (or `signal`) stopped the run between two batches. */
export class TrainingStopped extends Error {
  override readonly name = 'TrainingStopped';
  constructor(
    readonly state: TrainState,
    readonly partial: PartialTrainResult,
  ) {
    super(
      `training stopped at iteration ${state.next.iteration}, epoch ${state.next.epoch}, batch ${state.next.batch}`,
    );
  }
}

/** Packs signs (+1 / -1) into bits, 1 = negative. */
export function packNegative(signs: Float64Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(signs.length / 8));
  for (let i = 0; i < signs.length; i++) if (signs[i]! < 0) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

/** Weights whose signs are the packed ones: -1 where negative, 0 elsewhere (0 has sign +1). */
export function weightsFromNegative(bits: Uint8Array, count: number): Int32Array {
  const w = new Int32Array(count);
  for (let i = 0; i < count; i++) if ((bits[i >> 3]! >> (i & 7)) & 1) w[i] = -1;
  return w;
}
