/** The RBNN schedule on a small real-MNIST subset: what trains, what freezes, determinism. */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.js';
import { loadMnist } from '../../trainer/mnist/dataset.js';
import { trainOn } from '../../trainer/train.js';
import { enumerateSchedule } from '../../trainer/schedule.js';
import { OpRecorder } from '../../model/ops.js';
import type { Config } from '../../config/schema.js';

function smallConfig(overrides: Record<string, unknown> = {}): Config {
  return resolveConfig({
    overrides: {
      'model.hidden': [16],
      'model.bits': 8,
      'model.maxIterations': 3,
      'training.trainSamples': 2000,
      'training.validationSamples': 500,
      'training.testSamples': 500,
      'training.epochs': 2,
      'training.batch': 50,
      'training.evalBatch': 250,
      ...overrides,
    },
  });
}

function data(cfg: Config) {
  return loadMnist(cfg.data, {
    activationBits: cfg.model.activationBits,
    trainSamples: cfg.training.trainSamples,
    validationSamples: cfg.training.validationSamples,
    testSamples: cfg.training.testSamples,
  });
}

describe('RBNN training on an MNIST subset', () => {
  const cfg = smallConfig();
  const d = data(cfg);

  it('runs k iterations with n-k+1 trainable bits and n/k bits per weight, and learns', () => {
    const r = trainOn(cfg, d);
    expect(r.iterations.map((i) => i.trainableBits)).toEqual([8, 7, 6]);
    expect(r.iterations.map((i) => i.bitsPerWeight)).toEqual([8, 4, 8 / 3]);
    const W0 = 784 * 16 + 16 * 10;
    expect(r.iterations.every((i) => i.storageBits === 8 * W0)).toBe(true);
    expect(r.stopReason).toBe('max-iterations');
    expect(r.testError).toBeLessThan(0.3); // 10 classes: chance is 0.9
  });

  it('never changes a frozen sub-network after its iteration', () => {
    const atFreeze: Float64Array[][] = [];
    const r = trainOn(cfg, d, { onSubnetFrozen: (_k, net) => atFreeze.push(net.signs.map((s) => s.slice())) });
    expect(r.network.subnets).toHaveLength(3);
    r.network.subnets.forEach((net, i) => {
      expect(net.weights).toBeNull(); // binarized: only the sign plane is kept
      for (const [l, s] of net.signs.entries()) expect(s).toEqual(atFreeze[i]![l]);
    });
  });

  it('updates only S_k in iteration k, and runs forward through S_1..S_k', () => {
    const rec = new OpRecorder();
    trainOn(cfg, d, { observer: rec });
    for (const op of rec.ops) {
      if (op.kind === 'update' || op.kind === 'gradient') expect(op.subnet).toBe(op.where.iteration);
      if (op.kind === 'matmul' && op.phase === 'backward') expect(op.subnet).toBe(op.where.iteration);
      if (op.kind === 'matmul' && op.phase === 'forward') {
        expect(op.subnet).toBeLessThanOrEqual(op.where.iteration);
        expect(op.frozen).toBe(op.subnet < op.where.iteration);
      }
      if (op.kind === 'update') expect(op.weightBits).toBe(8 - op.where.iteration + 1);
    }
  });

  it('emits exactly the stream the schedule enumerator predicts', () => {
    const trained = new OpRecorder();
    trainOn(cfg, d, { observer: trained });
    const enumerated = new OpRecorder();
    enumerateSchedule(cfg, enumerated, { compress: false });
    expect(trained.ops).toEqual(enumerated.ops);
  });

  it('is deterministic: same seed, bit-identical weights and errors; another seed differs', () => {
    const a = trainOn(cfg, d);
    const b = trainOn(cfg, d);
    expect(b.iterations.map((i) => [i.validationError, i.testError, i.validationCurve])).toEqual(
      a.iterations.map((i) => [i.validationError, i.testError, i.validationCurve]),
    );
    for (const [i, net] of b.network.subnets.entries())
      for (const [l, s] of net.signs.entries()) expect(s).toEqual(a.network.subnets[i]!.signs[l]);
    const c = trainOn(smallConfig({ 'training.seed': 2 }), d);
    expect(c.network.subnets[0]!.signs[0]).not.toEqual(a.network.subnets[0]!.signs[0]);
  });

  it('feeds training.outputGain to the softmax: gain 1 is the default bit for bit, gain 2 trains other weights', () => {
    const base = trainOn(cfg, d);
    const one = trainOn(smallConfig({ 'training.outputGain': 1 }), d);
    const two = trainOn(smallConfig({ 'training.outputGain': 2 }), d);
    expect(one.iterations.map((i) => i.validationCurve)).toEqual(base.iterations.map((i) => i.validationCurve));
    for (const [i, net] of one.network.subnets.entries())
      for (const [l, s] of net.signs.entries()) expect(s).toEqual(base.network.subnets[i]!.signs[l]);
    expect(two.network.subnets[0]!.signs[1]).not.toEqual(base.network.subnets[0]!.signs[1]);
  });

  it('stops when validation stops improving (iteration patience)', () => {
    const r = trainOn(smallConfig({ 'model.maxIterations': 8, 'model.iterationPatience': 1, 'training.epochs': 1 }), d);
    expect(r.iterations.length).toBeLessThanOrEqual(8);
    if (r.iterations.length < 8) {
      expect(r.stopReason).toBe('no-improvement');
      const last = r.iterations.at(-1)!.validationError;
      expect(Math.min(...r.iterations.slice(0, -1).map((i) => i.validationError))).toBeLessThanOrEqual(last);
    }
  });
});

describe('conventional BinaryConnect', () => {
  it('trains one network with n bits per weight', () => {
    const cfg = smallConfig({ 'model.schedule': 'conventional', 'model.hidden': [32], 'model.bits': 6 });
    const r = trainOn(cfg, data(cfg));
    expect(r.iterations).toHaveLength(1);
    expect(r.bitsPerWeight).toBe(6);
    expect(r.stopReason).toBe('conventional');
    expect(r.testError).toBeLessThan(0.3);
  });
});
