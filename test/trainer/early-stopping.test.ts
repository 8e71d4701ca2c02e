/**
 * Early stopping per training (`training.epochPatience`, `training.epochs` the cap) on a tiny
 * real-MNIST subset: the kept weights are the best-validation epoch's, the training stops after
 * exactly `patience` epochs without a strictly lower validation error, and the schedule
 * enumerator given the epochs a run used emits that run's stream.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { OpRecorder } from '../../model/ops.js';
import { loadMnist } from '../../trainer/mnist/dataset.js';
import { checkEpochsPerIteration, enumerateSchedule } from '../../trainer/schedule.js';
import { trainOn } from '../../trainer/train.js';

function tiny(overrides: Record<string, unknown> = {}): Config {
  return resolveConfig({
    overrides: {
      'model.schedule': 'conventional',
      'model.maxIterations': 1,
      'model.hidden': [8],
      'model.bits': 6,
      'training.trainSamples': 300,
      'training.validationSamples': 100,
      'training.testSamples': 100,
      'training.batch': 50,
      'training.evalBatch': 100,
      'training.learningRate': 21,
      'training.lrDecay': 1,
      'training.epochs': 40,
      'training.epochPatience': 3,
      ...overrides,
    },
  });
}

const base = tiny();
const data = loadMnist(base.data, {
  activationBits: base.model.activationBits,
  trainSamples: 300,
  validationSamples: 100,
  testSamples: 100,
});

/** Where a training with this patience stops, read off a validation curve independently of the trainer. */
function stopEpoch(curve: number[], patience: number): { best: number; stop: number } {
  let best = Infinity;
  let bestEpoch = 0;
  for (let e = 1; e <= curve.length; e++) {
    if (curve[e - 1]! < best) {
      best = curve[e - 1]!;
      bestEpoch = e;
    } else if (e - bestEpoch >= patience) return { best: bestEpoch, stop: e };
  }
  return { best: bestEpoch, stop: curve.length };
}

describe('early stopping per training', () => {
  const patience = 3;
  const run = trainOn(base, data);
  const it0 = run.iterations[0]!;

  it('stops after exactly `patience` epochs without improvement, before the cap', () => {
    // The setting is chosen so that this tiny run plateaus well before its 40-epoch cap.
    expect(it0.epochsRun).toBeLessThan(40);
    expect(it0.epochsRun).toBe(it0.bestEpoch + patience);
    expect(it0.validationCurve).toHaveLength(it0.epochsRun);
    // No earlier run of `patience` epochs without a new best: the uncapped curve agrees.
    const free = trainOn(tiny({ 'training.epochPatience': 0, 'training.epochs': it0.epochsRun + 5 }), data);
    const curve = free.iterations[0]!.validationCurve;
    expect(curve.slice(0, it0.epochsRun)).toEqual(it0.validationCurve);
    expect(stopEpoch(curve, patience)).toEqual({ best: it0.bestEpoch, stop: it0.epochsRun });
  });

  it('keeps the best-validation epoch: the first epoch of the lowest validation error', () => {
    const c = it0.validationCurve;
    const min = Math.min(...c);
    expect(it0.validationError).toBe(min);
    expect(c.indexOf(min) + 1).toBe(it0.bestEpoch);
    // A tie with the best is no improvement: every later epoch is at least the best.
    for (const v of c.slice(it0.bestEpoch)) expect(v).toBeGreaterThanOrEqual(min);
  });

  it("keeps the best epoch's weights: identical to a run capped at that epoch", () => {
    const capped = trainOn(tiny({ 'training.epochPatience': 0, 'training.epochs': it0.bestEpoch }), data);
    expect(capped.iterations[0]!.validationError).toBe(it0.validationError);
    expect(capped.testError).toBe(run.testError);
    const a = run.network.subnets[0]!.signs;
    capped.network.subnets[0]!.signs.forEach((s, l) => {
      expect(s).toEqual(a[l]);
    });
  });

  it('applies to every RBNN iteration: each stops `patience` epochs after its own best, or at the cap', () => {
    const cfg = tiny({ 'model.schedule': 'rbnn', 'model.bits': 8, 'model.maxIterations': 3, 'training.epochs': 12 });
    const r = trainOn(cfg, data);
    expect(r.iterations).toHaveLength(3);
    for (const i of r.iterations) {
      expect(stopEpoch(i.validationCurve, patience)).toEqual({ best: i.bestEpoch, stop: i.epochsRun });
      expect(i.epochsRun === 12 || i.epochsRun === i.bestEpoch + patience).toBe(true);
    }
  });
});

describe('the schedule enumerator given the epochs a trained run used', () => {
  it('emits exactly the stream of an early-stopped RBNN run (epoch and iteration patience)', () => {
    const cfg = tiny({
      'model.schedule': 'rbnn',
      'model.bits': 8,
      'model.maxIterations': 6,
      'model.iterationPatience': 1,
      'training.epochs': 10,
      'training.epochPatience': 2,
      'training.trainSamples': 290,
    });
    const trained = new OpRecorder();
    const r = trainOn(cfg, data, { observer: trained });
    const epochs = r.iterations.map((i) => i.epochsRun);
    expect(epochs.some((e) => e < 10)).toBe(true); // early stopping happened
    const enumerated = new OpRecorder();
    enumerateSchedule(cfg, enumerated, { compress: false, epochsPerIteration: epochs });
    expect(trained.ops).toEqual(enumerated.ops);
    // Without the epochs it costs every planned epoch of every planned iteration: more ops.
    const full = new OpRecorder();
    enumerateSchedule(cfg, full, { compress: false });
    expect(full.ops.length).toBeGreaterThan(trained.ops.length);
  });

  it('refuses epochs that do not fit the plan, in one line', () => {
    expect(() => checkEpochsPerIteration([], 4)).toThrow('at least one iteration');
    expect(() => checkEpochsPerIteration([5, 5, 5, 5, 5], 4)).toThrow('5 iterations given but the model plans 4');
    expect(() => checkEpochsPerIteration([5, 0], 4)).toThrow('got 0');
    expect(() => checkEpochsPerIteration([2.5], 4)).toThrow('got 2.5');
    expect(() => checkEpochsPerIteration([1, 7, 3], 4)).not.toThrow();
  });
});
