/**
 * The training recipe: plain SGD in fixed point (no momentum: it would need a second copy of
 * every weight on chip), with the knobs of `training.*`:
 *
 * - default (configs/presets are not needed): batch 100, learning rate 3 decayed by 0.8 after
 *   every epoch, updates narrowed to the weight's LSB by rounding to nearest;
 * - `paper` (configs/presets/paper.yaml, combine as `--preset R2,paper`): the paper's Section 4:
 *   batch 1000, one constant learning rate, updates narrowed by truncation (toward zero).
 *
 * The learning rate is in units of the weight range [-1, 1) per unit of mean gradient, so it
 * means the same for every weight width; what the width changes is which updates survive the
 * narrowing to one LSB. Measurements behind the defaults are in docs/TRAINING.md.
 */
import type { TrainingConfig } from '../config/schema.js';
import type { Rounding } from './subnet.js';

export interface Recipe {
  /** Learning rate of an epoch (1-based). */
  learningRate(epoch: number): number;
  /** Gain of the softmax input (see outputScale in arith.ts). */
  outputGain: number;
  /** Initial weights are uniform in this fraction of the full range. */
  initRange: number;
  rounding: Rounding;
}

/**
 * Initial weights within a quarter of the range: far enough from zero that signs do not flip
 * on the first noisy updates, close enough that a consistent gradient flips them in a few.
 */
const INIT_RANGE = 0.25;

export function recipe(t: TrainingConfig): Recipe {
  return {
    learningRate: (epoch) => t.learningRate * t.lrDecay ** (epoch - 1),
    outputGain: t.outputGain,
    initRange: INIT_RANGE,
    rounding: t.rounding,
  };
}
