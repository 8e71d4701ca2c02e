/**
 * Training recipes. Both are plain SGD in fixed point (no momentum: it would need a second
 * copy of every weight on chip).
 *
 * - `paper`: the paper's recipe (Section 4): batch 1000 (set by configs/presets/paper.yaml),
 *   one constant learning rate.
 * - `default`: trains well in few epochs: batch 100 and a learning rate decayed by
 *   `training.lrDecay` after every epoch.
 *
 * Both pick the learning rate from the trainable weight width when `training.learningRate` is
 * 0 (auto): BinaryConnect uses only the sign of a weight in its multiply-accumulates, so what
 * matters is the update measured in LSBs of the weight. With the weight range fixed at [-1, 1),
 * a w-bit weight has 2^(w-1) LSBs per unit; a learning rate that is good for 16 bits leaves a
 * 6-bit weight's updates below one LSB, where truncation drops them and the network stops
 * learning. The auto rate therefore grows as the weight narrows (measured in docs/TRAINING.md).
 */
import type { TrainingConfig } from '../config/schema.js';
import type { Rounding } from './subnet.js';

export interface Recipe {
  /** Learning rate for an epoch (1-based) of a weight of `bits` bits. */
  learningRate(bits: number, epoch: number): number;
  /** Initial weights uniform in this fraction of the full range. */
  initRange: number;
  rounding: Rounding;
}

/** Auto learning rate in units of the weight range [-1, 1), by weight width. */
export function autoLearningRate(bits: number): number {
  return AUTO_LR_16 * 2 ** (AUTO_LR_SLOPE * (16 - Math.min(16, bits)));
}
const AUTO_LR_16 = Number(process.env.LR16 ?? 3);
const AUTO_LR_SLOPE = Number(process.env.LRSLOPE ?? 0);

export function recipe(t: TrainingConfig): Recipe {
  const decay = t.recipe === 'paper' ? 1 : t.lrDecay;
  return {
    learningRate: (bits, epoch) => (t.learningRate > 0 ? t.learningRate : autoLearningRate(bits)) * decay ** (epoch - 1),
    initRange: Number(process.env.INIT ?? 0.25),
    rounding: (process.env.ROUND ?? 'toward-zero') as Rounding,
  };
}
