/**
 * Sweeps against single runs: a sweep's rows equal `simulateRun` of the same points (trained and
 * schedule-only); sharded-and-merged equals unsharded; a cache hit gives identical rows; a corrupt
 * cache entry is reported and recomputed. Tiny MNIST subsets, in this process (workers: 1).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.js';
import { simulateRun } from '../../experiments/simulate.js';
import { RunStore } from '../../experiments/run-store.js';
import { expandPoints, pointConfig } from '../../experiments/sweep/points.js';
import { mergeResults } from '../../experiments/sweep/merge.js';
import { writeSweepOutputs } from '../../experiments/sweep/outputs.js';
import { rowFromReport, type SweepRow } from '../../experiments/sweep/row.js';
import { runSweep, type SweepResult } from '../../experiments/sweep/runner.js';
import type { SweepSpec } from '../../experiments/sweep/spec.js';
import { trainingId } from '../../experiments/work.js';
import { spec } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'rbnn-sweep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const noCache = new RunStore(null);

/** The rows of every point of `s`, each from its own simulateRun. */
async function singleRuns(s: SweepSpec): Promise<SweepRow[]> {
  const rows: SweepRow[] = [];
  for (const p of expandPoints(s)) {
    const cfg = resolveConfig({ ...(p.preset !== undefined ? { preset: p.preset } : {}), sets: p.sets });
    expect(pointConfig(p)).toEqual(cfg);
    const { report, training } = await simulateRun(cfg, { scheduleOnly: s.scheduleOnly });
    rows.push(rowFromReport(p, cfg, report, training ?? null, trainingId(cfg)));
  }
  return rows;
}

/** Random tiny schedules on a few SRAM sizes and bank counts (schedule-only). */
const tinySpec = fc
  .record({
    schedule: fc.constantFrom('rbnn', 'conventional'),
    hidden: fc.integer({ min: 2, max: 40 }),
    bits: fc.integer({ min: 2, max: 16 }),
    k: fc.integer({ min: 1, max: 16 }),
    train: fc.integer({ min: 1, max: 3000 }),
    batch: fc.integer({ min: 1, max: 400 }),
    evalSamples: fc.integer({ min: 1, max: 1500 }),
    evalBatch: fc.integer({ min: 1, max: 800 }),
    epochs: fc.integer({ min: 1, max: 3 }),
    srams: fc.uniqueArray(fc.integer({ min: 2, max: 512 }), { minLength: 1, maxLength: 3 }),
    banks: fc.uniqueArray(fc.constantFrom(1, 2, 4, 10), { minLength: 1, maxLength: 2 }),
    frozen: fc.constantFrom('recompute', 'cache'),
  })
  .map(
    (r): SweepSpec =>
      spec({
        scheduleOnly: true,
        sets: [
          `model.schedule=${r.schedule}`,
          `model.hidden=[${r.hidden}]`,
          `model.bits=${r.bits}`,
          `model.maxIterations=${r.schedule === 'rbnn' ? Math.min(r.k, r.bits) : 1}`,
          `training.trainSamples=${r.train}`,
          `training.batch=${r.batch}`,
          `training.validationSamples=${Math.min(r.evalSamples, 10000)}`,
          `training.testSamples=${r.evalSamples}`,
          `training.evalBatch=${r.evalBatch}`,
          `training.epochs=${r.epochs}`,
          `hardware.policy.frozen=${r.frozen}`,
        ],
        axes: [
          { path: 'hardware.sram.capacity', values: r.srams.map((k) => `${k} KiB`) },
          { path: 'hardware.sram.banks', values: r.banks },
        ],
      }),
  );

describe('sweep rows equal single runs', () => {
  it('schedule-only: random tiny schedules x SRAM sizes x banks', async () => {
    await fc.assert(
      fc.asyncProperty(tinySpec, async (s) => {
        const { result } = await runSweep(s, { workers: 1, store: noCache });
        expect(result.rows).toEqual(await singleRuns(s));
      }),
      { numRuns: 20 },
    );
  });

  it('trained on MNIST: an RBNN and a conventional network on three SRAM sizes', async () => {
    const s = spec({
      presets: [],
      axes: [{ path: 'hardware.sram.capacity', values: ['4 KiB', '24 KiB', '256 KiB'] }],
    });
    const s2 = {
      ...s,
      sets: [
        ...s.sets,
        'model.schedule=conventional',
        'model.maxIterations=1',
        'training.epochPatience=1',
        'training.epochs=3',
      ],
    };
    for (const x of [s, s2]) {
      const { result, stats } = await runSweep(x, { workers: 1, store: new RunStore(join(tmp, 'c1')) });
      expect(stats.trained).toBe(1);
      expect(result.rows.every((r) => r.testError !== null && r.testError < 0.9)).toBe(true);
      expect(result.rows).toEqual(await singleRuns(x));
    }
  });
});

describe('the training cache', () => {
  it('a repeated sweep trains nothing and gives identical rows; a corrupt entry is recomputed', async () => {
    const dir = join(tmp, 'c2');
    const s = spec({
      axes: [{ path: 'hardware.sram.capacity', values: ['16 KiB', '128 KiB'] }],
      sets: [...spec().sets, 'training.seed=7'],
    });
    const first = await runSweep(s, { workers: 1, store: new RunStore(dir) });
    expect([first.stats.trained, first.stats.cacheHits]).toEqual([1, 0]);
    const second = await runSweep(s, { workers: 1, store: new RunStore(dir) });
    expect([second.stats.trained, second.stats.cacheHits]).toEqual([0, 1]);
    expect(second.result).toEqual(first.result);

    const [entry] = readdirSync(join(dir, 'training'));
    writeFileSync(join(dir, 'training', entry!), '{"kind": "rbnn-sim.training-cache", "version": 1, "key": "tru');
    const warnings: string[] = [];
    const third = await runSweep(s, { workers: 1, store: new RunStore(dir, (m) => warnings.push(m)) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/corrupt cache entry .*training again/);
    expect([third.stats.trained, third.stats.cacheHits]).toEqual([1, 0]);
    expect(third.result).toEqual(first.result);
    // Rewritten: the next run reads it again.
    expect((await runSweep(s, { workers: 1, store: new RunStore(dir) })).stats.cacheHits).toBe(1);
    // A hardware-only change never retrains.
    const hw = { ...s, axes: [{ path: 'hardware.sram.capacity', values: ['8 KiB', '64 KiB', '1 MiB'] }] };
    expect((await runSweep(hw, { workers: 1, store: new RunStore(dir) })).stats.trained).toBe(0);
  });
});

describe('shards', () => {
  it('sharded and merged equals unsharded (random schedules and shard counts)', async () => {
    await fc.assert(
      fc.asyncProperty(tinySpec, fc.integer({ min: 1, max: 5 }), async (s, n) => {
        const whole = await runSweep(s, { workers: 1, store: noCache });
        const parts: Array<{ name: string; result: SweepResult }> = [];
        for (let i = 1; i <= n; i++)
          parts.push({
            name: `s${i}`,
            result: (await runSweep(s, { workers: 1, store: noCache, shard: { index: i, count: n } })).result,
          });
        expect(mergeResults(parts).result).toEqual(whole.result);
        if (n > 1) expect(() => mergeResults(parts.slice(1))).toThrow(/missing/);
      }),
      { numRuns: 8 },
    );
  });

  it('trained shards merge into the same files, byte for byte', async () => {
    const s = spec({
      presets: [],
      sets: [...spec().sets, 'training.seed=3'],
      axes: [
        { path: 'hardware.sram.capacity', values: ['8 KiB', '64 KiB', '512 KiB'] },
        { path: 'model.hidden', values: [[6], [10]] },
      ],
    });
    const cache = new RunStore(join(tmp, 'c3'));
    const whole = await runSweep(s, { workers: 1, store: cache });
    const parts: Array<{ name: string; result: SweepResult }> = [];
    for (let i = 1; i <= 2; i++) {
      const part = await runSweep(s, { workers: 1, store: cache, shard: { index: i, count: 2 } });
      // Two training runs (hidden 6 and 10), one per shard.
      expect(new Set(part.result.rows.map((r) => r.trainingId)).size).toBe(1);
      parts.push({ name: `s${i}`, result: part.result });
    }
    const a = join(tmp, 'whole');
    const b = join(tmp, 'merged');
    const filesA = await writeSweepOutputs(a, whole.result);
    await writeSweepOutputs(b, mergeResults(parts).result);
    expect(filesA.map((f) => f.slice(a.length + 1)).sort()).toEqual([
      'dram-vs-sram.svg',
      'energy-vs-sram.svg',
      'error-vs-storage.svg',
      'pareto-error-energy.svg',
      'summary.md',
      'sweep.csv',
      'sweep.json',
    ]);
    for (const f of filesA) expect(readFileSync(join(b, f.slice(a.length + 1)), 'utf8')).toBe(readFileSync(f, 'utf8'));
  });
});

describe("the energy table's notes", () => {
  it('a point whose buffer banks are below the anchored size says so, in its row and in summary.md', async () => {
    const s = spec({
      scheduleOnly: true,
      axes: [
        { path: 'hardware.buffer.capacity', values: ['4 KiB'] },
        { path: 'hardware.buffer.banks', values: [4, 16] },
      ],
    });
    const { result } = await runSweep(s, { workers: 1, store: noCache });
    // 4 KiB in 16 banks: 256 B a bank, below the 384 B anchor; in 4 banks: 1 KiB, above it.
    expect(result.rows.map((r) => r.notes.length)).toEqual([0, 1]);
    expect(result.rows[1]!.notes[0]).toMatch(/operand buffer's banks \(256 B\) are below its anchored size \(384 B\)/);
    const dir = join(tmp, 'notes');
    await writeSweepOutputs(dir, result, { plots: false });
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('## Notes on the energy table');
    expect(md).toMatch(/below its anchored size \(384 B\).* \(point 1\)\.\n/);
  });
});
