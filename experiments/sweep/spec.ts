/**
 * What a sweep runs, as plain JSON: the mode, the workloads (presets, or the candidate networks
 * of a storage-constrained sweep), the hardware axes, and the configuration layers common to
 * every point. The point list is a pure function of the spec (experiments/sweep/points.ts), so that
 * shards of one sweep, run anywhere, agree on it; `specHash` identifies a sweep in its outputs.
 */
import { stableHash } from '../stable-hash.js';
import type { Axis } from './axes.js';

export type SweepMode = 'hardware' | 'storage';

/** A family of candidate networks of a storage-constrained sweep (Figure 4 of the paper). */
export interface RbnnFamily {
  /** Hidden units of one sub-network (initial width h0). */
  hidden: number[];
  /** Weight slot widths n. */
  bits: number[];
  /** Iterations k per slot width: "auto" (8 -> 4, 12 -> 4, 16 -> 7, else ceil(n/3)) or one number. */
  iterations: 'auto' | number;
  /** Epochs per iteration. */
  epochs: number;
}

export interface ConventionalFamily {
  hidden: number[];
  bits: number[];
  /** Epochs in all. */
  epochs: number;
}

export interface SweepSpec {
  kind: 'rbnn-sim.sweep-spec';
  version: 1;
  mode: SweepMode;
  /**
   * Hardware mode: one workload per entry, each a preset or a combination "R2+paper" (presets
   * applied left to right). Storage mode: at most one entry, the base of every candidate ("paper").
   */
  presets: string[];
  /** Configuration layers common to all points, as --set strings (a --config file flattened first). */
  sets: string[];
  /** Hardware axes, outermost first (the SRAM axis first when given). */
  axes: Axis[];
  /** Storage mode: weight-storage budgets in bits (ascending) and the candidate families. */
  budgets: number[];
  rbnn: RbnnFamily | null;
  conventional: ConventionalFamily | null;
  /** Cost the configured schedule without training (no test error). */
  scheduleOnly: boolean;
  /** Keep at most this many points (hardware mode) or candidates per family (storage mode), evenly spread; 0: all. */
  sample: number;
  /** The command line that states this spec (for the summary). */
  command: string;
}

/** Short hash of a spec (what every shard of one sweep shares). */
export function specHash(spec: SweepSpec): string {
  return stableHash(spec, 16);
}

/** The paper's iteration choices per slot width (R2: 16 -> 7, R3: 12 -> 4), else about n/3. */
export function autoIterations(bits: number): number {
  if (bits === 16) return 7;
  if (bits === 12 || bits === 8) return 4;
  return Math.max(1, Math.min(bits, Math.ceil(bits / 3)));
}

/** Default candidate families of `--mode storage`. */
export const DEFAULT_RBNN: RbnnFamily = { hidden: [50, 100, 200], bits: [8, 12, 16], iterations: 'auto', epochs: 5 };
export const DEFAULT_CONVENTIONAL: ConventionalFamily = {
  hidden: [50, 100, 200, 400, 800],
  bits: [6, 8, 12],
  epochs: 20,
};
/** --quick: tiny families, one or two epochs. */
export const QUICK_RBNN: RbnnFamily = { hidden: [50, 100], bits: [8, 12], iterations: 'auto', epochs: 1 };
export const QUICK_CONVENTIONAL: ConventionalFamily = { hidden: [50, 100, 200], bits: [6, 12], epochs: 2 };
/** --quick: data subset (the sets a hardware-mode quick sweep also uses). */
export const QUICK_SETS = [
  'training.trainSamples=2000',
  'training.validationSamples=1000',
  'training.testSamples=1000',
];
