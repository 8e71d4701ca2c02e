/** Shared by the sweep tests: tiny configurations and specs. */
import { resolveConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { Axis } from '../../experiments/sweep/axes.js';
import type { SweepSpec } from '../../experiments/sweep/spec.js';

/** --set strings of a tiny training run (a few hundred samples, 8 hidden units). */
export const TINY_SETS = [
  'model.hidden=[8]',
  'model.bits=4',
  'model.maxIterations=2',
  'training.trainSamples=300',
  'training.validationSamples=100',
  'training.testSamples=100',
  'training.batch=50',
  'training.evalBatch=50',
  'training.epochs=2',
];

export function tinyConfig(extra: string[] = []): Config {
  return resolveConfig({ sets: [...TINY_SETS, ...extra] });
}

export function spec(over: Partial<SweepSpec> & { axes?: Axis[] } = {}): SweepSpec {
  return {
    kind: 'rbnn-sim.sweep-spec',
    version: 1,
    mode: 'hardware',
    presets: [],
    sets: [...TINY_SETS],
    axes: [],
    budgets: [],
    rbnn: null,
    conventional: null,
    scheduleOnly: false,
    sample: 0,
    command: 'rbnn-sim sweep (test)',
    ...over,
  };
}
