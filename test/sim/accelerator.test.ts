/**
 * The default accelerator and the policies, on the paper's networks (schedule-only costing:
 * identical to a trained run's costs when no early stopping cuts the schedule short).
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../config/errors.js';
import { Simulator } from '../../sim/simulator.js';
import { enumerateSchedule } from '../../trainer/schedule.js';
import type { SimReport } from '../../sim/report.js';
import { config, simulateSchedule } from './helpers.js';

const where = (r: SimReport, name: string) => r.placement.tensors.find((t) => t.name === name)!;
const planes = (r: SimReport) => r.placement.tensors.filter((t) => t.name.startsWith('weights.p'));

describe("the default accelerator tells the paper's story", () => {
  const r2 = simulateSchedule(config({}, 'R2'));
  const b1 = simulateSchedule(config({}, 'B1'));
  const b2 = simulateSchedule(config({}, 'B2'));

  it('RBNN R2 (155 KiB of weights) trains entirely on chip: weights, activations, errors, the mini-batch', () => {
    expect(r2.network!.weightStorageBits / 8 / 1024).toBeCloseTo(155.08, 2);
    for (const t of r2.placement.tensors) {
      expect({ name: t.name, location: t.location }).toEqual({
        name: t.name,
        location: t.name.startsWith('dataset.') ? 'dram' : 'sram',
      });
    }
    // The only DRAM traffic is the samples arriving: one 13-burst record per sample loaded.
    expect(r2.total.counts.dramWriteBytes).toBe(0);
    for (const p of ['forward', 'backward', 'gradient', 'update', 'evaluate'] as const)
      expect(r2.byPhase[p].counts.dramReadBytes).toBe(0);
    const loaded = r2.total.samples.train + r2.total.samples.evaluate;
    expect(r2.total.counts.dramReadBursts).toBe(loaded * 13);
  });

  it('B1 (930 KiB) keeps only its sign plane on chip and streams the other 11 planes in every update', () => {
    expect(planes(b1).map((p) => p.location)).toEqual(['sram', ...new Array(11).fill('dram')]);
    // Per batch and plane: layer 0 is 627,200 bits = 1225 bursts, layer 1 8,000 bits from a
    // burst boundary = 16 bursts; read and written back. 20 epochs x 500 batches.
    const perBatch = 11 * (1225 + 16);
    expect(b1.byPhase.update.counts.dramReadBursts).toBe(perBatch * 10_000);
    expect(b1.byPhase.update.counts.dramWriteBursts).toBe(perBatch * 10_000);
  });

  it('B2 (465 KiB) does not fit either', () => {
    expect(planes(b2).some((p) => p.location !== 'sram')).toBe(true);
    expect(b2.byPhase.update.counts.dramWriteBytes).toBeGreaterThan(0);
  });

  it('per training sample, R2 costs several times less energy than B1 and moves far less DRAM data', () => {
    const perSample = (r: SimReport) => r.energyPerTrainingSample!;
    expect(perSample(b1) / perSample(r2)).toBeGreaterThan(5);
    const dram = (r: SimReport) =>
      (r.total.counts.dramReadBytes + r.total.counts.dramWriteBytes) / r.total.samples.train;
    expect(dram(b1) / dram(r2)).toBeGreaterThan(10);
  });
});

describe('bit-serial costs', () => {
  it('iteration k updates n-k+1 bits: the update costs W0 x (n-k+1) lane-steps per batch', () => {
    const cfg = config({
      'training.trainSamples': 100,
      'training.validationSamples': 100,
      'training.testSamples': 100,
    });
    const w0 = 784 * 100 + 100 * 10;
    const sim = new Simulator(cfg);
    const seen = new Map<number, number>();
    enumerateSchedule(cfg, {
      op: (o) => {
        sim.op(o);
        if (o.kind === 'update')
          seen.set(o.where.iteration, (seen.get(o.where.iteration) ?? 0) + sim.costOf(o).counts.macSteps * o.repeat);
      },
    });
    for (let k = 1; k <= 7; k++) expect(seen.get(k)).toBe(w0 * (16 - k + 1));
  });

  it('serial weights make a sign-weight MAC one step; serial activations make it inBits steps', () => {
    const base = {
      'training.trainSamples': 100,
      'training.validationSamples': 100,
      'training.testSamples': 100,
      'model.maxIterations': 1,
    };
    const w = simulateSchedule(config({ ...base, 'hardware.mac.serialOperand': 'weight' }));
    const a = simulateSchedule(config({ ...base, 'hardware.mac.serialOperand': 'activation' }));
    // Plus the forward phase's element-wise work: 100 x 100 activations (1 step) and 100 x 10
    // softmax errors (1 + 16 steps) = 27,000 lane-steps.
    expect(w.byPhase.forward.counts.macSteps).toBe(100 * 79_400 + 27_000);
    expect(a.byPhase.forward.counts.macSteps).toBe(100 * 79_400 * 8 + 27_000);
  });
});

describe('policies', () => {
  const small = {
    'training.trainSamples': 1000,
    'training.validationSamples': 500,
    'training.testSamples': 500,
    'training.epochs': 3,
  };

  it('frozen = cache skips the frozen sub-networks after the first pass and pays a DRAM record per sample', () => {
    const rec = simulateSchedule(config({ ...small, 'hardware.policy.frozen': 'recompute' }));
    const cache = simulateSchedule(config({ ...small, 'hardware.policy.frozen': 'cache' }));
    expect(where(cache, 'frozen-cache.train').location).toBe('dram');
    expect(cache.byPhase.forward.counts.macSteps).toBeLessThan(rec.byPhase.forward.counts.macSteps);
    expect(cache.byPhase.evaluate.counts.macSteps).toBeLessThan(rec.byPhase.evaluate.counts.macSteps);
    // Writes: one burst per sample of each set in the first pass of iterations 2..7 (the 320-bit
    // record fits one 64-byte burst); nothing else is written to DRAM.
    expect(cache.total.counts.dramWriteBursts).toBe(6 * (1000 + 500 + 500));
    // Reads: iterations 3..7 read the previous sum in their first pass; every later pass of
    // iterations 2..7 reads it (2 more epochs of training and validation).
    const cacheReads = 5 * (1000 + 500 + 500) + 6 * 2 * (1000 + 500);
    expect(cache.total.counts.dramReadBursts - rec.total.counts.dramReadBursts).toBe(cacheReads);
    expect(cache.byIteration[0]).toEqual(rec.byIteration[0]);
  });

  it('gradients = dram writes the W0 x 32-bit gradient once per batch and the update reads it back', () => {
    const fused = simulateSchedule(config({ ...small, 'hardware.policy.gradients': 'fused' }));
    const dram = simulateSchedule(config({ ...small, 'hardware.policy.gradients': 'dram' }));
    const sram = simulateSchedule(config({ ...small, 'hardware.policy.gradients': 'sram' }));
    // 78,400 x 32 bits = 4900 bursts, then 1000 x 32 bits from a burst boundary = 63 bursts.
    const batches = 7 * 3 * 10;
    expect(dram.byPhase.gradient.counts.dramWriteBursts).toBe(4963 * batches);
    expect(dram.byPhase.update.counts.dramReadBursts).toBe(4963 * batches);
    expect(fused.byPhase.gradient.counts.dramWriteBursts).toBe(0);
    const traffic = (r: SimReport) => r.total.counts.dramReadBytes + r.total.counts.dramWriteBytes;
    expect(traffic(sram)).toBeLessThan(traffic(dram));
    expect(traffic(sram)).toBeGreaterThan(traffic(fused)); // 310 KiB of gradients do not fit next to R2
    expect(where(sram, 'gradients').location).toBe('split');
  });

  it('without overlap every operation takes the sum of its bounds, so the run is longer', () => {
    const on = simulateSchedule(config({ ...small, 'hardware.policy.overlap': true }));
    const off = simulateSchedule(config({ ...small, 'hardware.policy.overlap': false }));
    expect(off.total.cycles.total).toBe(
      off.total.cycles.compute + off.total.cycles.sram + off.total.cycles.dram + off.total.cycles.buffer,
    );
    expect(off.total.cycles.total).toBeGreaterThan(on.total.cycles.total);
    expect(off.total.energy.leakage).toBeGreaterThan(on.total.energy.leakage);
  });

  it('a high-performance SRAM leaks 58 nW per bit instead of 2.3 pW', () => {
    const ll = simulateSchedule(config({ ...small, 'hardware.sram.cellType': 'low-leakage' }));
    const hp = simulateSchedule(config({ ...small, 'hardware.sram.cellType': 'high-performance' }));
    expect(hp.energyTable.leakagePower).toBeCloseTo(320 * 8192 * 58e-9, 12);
    expect(ll.energyTable.leakagePower).toBeCloseTo(320 * 8192 * 2.3e-12, 15);
    expect(hp.total.energy.leakage / ll.total.energy.leakage).toBeGreaterThan(58e-9 / 2.3e-12 / 2);
  });

  it("SRAM energy per access follows the scaling law through Horowitz's points", () => {
    const at = (capacity: string, banks: number, wire = '0 pJ') =>
      new Simulator(
        config({
          'hardware.sram.capacity': capacity,
          'hardware.sram.banks': banks,
          'hardware.sram.wireEnergy': wire,
        }),
      ).table.entries['sram.read'].energy;
    const near = (x: number, y: number) => expect(Math.abs(x / y - 1)).toBeLessThan(1e-3);
    near(at('8 KiB', 1), 10e-12);
    near(at('1 MiB', 1), 100e-12);
    near(at('32 KiB', 1), 19.3e-12);
    expect(at('320 KiB', 10)).toBeCloseTo(at('32 KiB', 1), 18);
    // One bank is the anchored macro: no H-tree beyond it.
    expect(at('32 KiB', 1, '0.1 pJ')).toBeCloseTo(at('32 KiB', 1), 18);
  });

  it('banking is not free: the H-tree to the banks grows with the SRAM and its bank count', () => {
    const sim = (banks: number, wire = '0.1 pJ') =>
      new Simulator(
        config({
          'hardware.sram.capacity': '320 KiB',
          'hardware.sram.banks': banks,
          'hardware.sram.wireEnergy': wire,
        }),
      );
    const at = (banks: number, wire?: string) => sim(banks, wire).table.entries['sram.read'].energy;
    // 10 banks of 32 KiB: cells 2,621,440 x 0.346 um^2 = 0.907 mm^2, + 10 x 0.01 mm^2 of periphery: side 1.0035 mm;
    // one bank 0.1007 mm^2: side 0.3173 mm. Wire 0.6862 mm x 64 b x 0.1 pJ = 4.39 pJ on top of 19.31 pJ.
    expect(at(10) - at(10, '0 pJ')).toBeCloseTo(4.392e-12, 14);
    // 1024 banks of 320 B: held at the 8 KiB anchor (10 pJ), plus a 3.2 mm H-tree: dearer than 10 banks.
    expect(at(1024, '0 pJ')).toBeCloseTo(10e-12, 20);
    expect(at(1024)).toBeGreaterThan(at(10));
    // Banks below the smallest anchor are extrapolated, and the report says so.
    expect(sim(1024).table.notes.join(' ')).toMatch(/below the smallest anchored bank size/);
    expect(sim(10).table.notes).toEqual([]);
  });
});

describe('bad hardware configurations are user errors', () => {
  it("rejects accumulators narrower than the model's", () => {
    const cfg = config({ 'model.accumulatorBits': 40 });
    const sim = new Simulator(cfg);
    expect(() => enumerateSchedule(cfg, sim)).toThrow(UserError);
  });

  it('rejects words and bursts that are not whole bytes, and an SRAM smaller than one word per bank', () => {
    expect(() => new Simulator(config({ 'hardware.sram.wordWidth': '12 b' }))).toThrow(/whole number of bytes/);
    expect(() => new Simulator(config({ 'hardware.dram.burst': '20 b' }))).toThrow(UserError);
    expect(() => new Simulator(config({ 'hardware.sram.capacity': '64 b', 'hardware.sram.banks': 2 }))).toThrow(
      /cannot hold one/,
    );
  });
});
