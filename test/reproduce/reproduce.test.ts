/**
 * `rbnn-sim reproduce --quick` end to end on a small data subset: every Table 2 row is present
 * with its exact bits/weight, weight storage, iterations and operation counts, the claims are
 * checked, the files are written, and a second invocation resumes entirely from the run store.
 * Accuracy is not checked (a quick run trains tiny networks for one epoch).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.js';
import type { ReproductionResult } from '../../experiments/reproduce/reproduce.js';
import { budgetSets, quickSets, rowConfig } from '../../experiments/reproduce/reproduce.js';
import { ROW_IDS, PAPER_TABLE2 } from '../../experiments/reproduce/rows.js';

const dir = mkdtempSync(join(tmpdir(), 'rbnn-reproduce-'));
const out = join(dir, 'REPRODUCTION.md');
const assets = join(dir, 'reproduction');
const args = [
  'reproduce',
  '--quick',
  '--seeds',
  '1,2',
  '--out',
  out,
  '--quiet',
  '--sram',
  '128 KiB,1 MiB',
  '--set',
  'training.trainSamples=400',
  '--set',
  'training.validationSamples=200',
  '--set',
  'training.testSamples=200',
];

async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), stdout };
  } finally {
    spy.mockRestore();
  }
}

let first: { code: number; stdout: string };
let result: ReproductionResult;

beforeAll(async () => {
  first = await run(args);
  result = JSON.parse(readFileSync(join(assets, 'results.json'), 'utf8')) as ReproductionResult;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Hidden units of one sub-network in --quick: a tenth of the paper's. */
const quickHidden = (id: (typeof ROW_IDS)[number]): number =>
  Number(/model\.hidden=\[(\d+)\]/.exec(quickSets(id).join(' '))![1]);

describe('rbnn-sim reproduce --quick', () => {
  it('exits 0 and writes the report, the results and the run store (one file per run)', () => {
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/claims:/);
    for (const f of [out, join(assets, 'results.json')]) expect(existsSync(f), f).toBe(true);
    const keys = new Set(result.rows.flatMap((r) => r.seeds.map((s) => s.key)));
    for (const k of keys) expect(existsSync(join(assets, 'training', `${k}.json`)), k).toBe(true);
    if (existsSync(join(assets, 'figure4.svg')))
      expect(readFileSync(join(assets, 'figure4.svg'), 'utf8')).toMatch(/<svg/);
  });

  it('has every Table 2 row, in order, with every seed', () => {
    expect(result.kind).toBe('rbnn-sim.reproduction');
    expect(result.quick).toBe(true);
    expect(result.rows.map((r) => r.id)).toEqual([...ROW_IDS]);
    for (const r of result.rows) {
      expect(r.seeds.map((s) => s.seed)).toEqual([1, 2]);
      for (const s of r.seeds) {
        expect(s.testError).toBeGreaterThanOrEqual(0);
        expect(s.testError).toBeLessThanOrEqual(1);
      }
      expect(r.testError.n).toBe(2);
    }
  });

  it('has the exact bits/weight, storage, iterations and hidden units of each row', () => {
    for (const r of result.rows) {
      const p = PAPER_TABLE2[r.id];
      const h = quickHidden(r.id);
      const w0 = (784 + 10) * h;
      expect(r.model).toBe(p.model);
      expect(r.bits).toBe(p.bits);
      expect(r.iterations).toBe(p.iterations);
      expect(r.hiddenInitial).toBe(h);
      expect(r.hiddenFinal).toBe(h * p.iterations);
      expect(r.bitsPerWeight).toBe(p.bits / p.iterations);
      expect(r.storageBits).toBe(p.bits * w0);
      expect(r.weights).toBe(p.iterations * w0);
      expect(r.structureConsistent).toBe(true);
    }
    const r2 = result.rows.find((r) => r.id === 'R2')!;
    expect(r2.bitsPerWeight).toBe(16 / 7);
    expect(r2.bitsPerWeightFraction).toBe('16/7');
    // R3 and B3 hold exactly the same weight storage (12 x W0 = 6 x 2 W0).
    expect(result.rows.find((r) => r.id === 'R3')!.storageBits).toBe(
      result.rows.find((r) => r.id === 'B3')!.storageBits,
    );
  });

  it('counts k forward passes and one backward pass per training sample in iteration k', () => {
    for (const r of result.rows) {
      const h = quickHidden(r.id);
      const w0 = (784 + 10) * h;
      const ops = r.learningOps;
      expect(ops.w0).toBe(w0);
      expect(ops.iterations.map((i) => i.k)).toEqual(Array.from({ length: r.iterations }, (_, i) => i + 1));
      for (const it of ops.iterations) {
        expect(it.forward).toBe(it.k * w0);
        expect(it.frozenForward).toBe((it.k - 1) * w0);
        expect(it.gradient).toBe(w0);
        expect(it.backward).toBe(10 * h);
        expect(it.paperRule).toBe((it.k + 1) * w0);
      }
    }
  });

  it('costs every row on every SRAM size, the default included, with both frozen-network policies', () => {
    expect(result.sramSizes).toContain(result.defaultSramBits);
    expect(result.sramSizes).toHaveLength(3);
    for (const r of result.rows) {
      expect(r.costs).toHaveLength(result.sramSizes.length * 2);
      for (const c of r.costs) {
        expect(c.energy).toBeGreaterThan(0);
        expect(c.cycles).toBeGreaterThan(0);
      }
      if (r.model === 'conventional') {
        for (const s of result.sramSizes) {
          const [a, b] = (['recompute', 'cache'] as const).map(
            (f) => r.costs.find((c) => c.sramBits === s && c.frozen === f)!,
          );
          expect(b!.energy).toBe(a!.energy);
        }
      }
      expect(r.paperRecipeCost).toBeNull();
    }
  });

  it('checks every claim; R2 bits/weight holds', () => {
    expect(result.claims.map((c) => c.id)).toEqual([
      'bits-per-weight',
      'equal-storage',
      'storage-R3-B2',
      'storage-R1-B1',
      'equal-error-storage',
      'off-chip',
      'energy',
      'time',
    ]);
    expect(result.claims[0]!.verdict).toBe('holds');
    for (const c of result.claims) expect(c.verdict).not.toBe('not run');
  });

  it('prints the command line, seeds and every row in the Markdown report', () => {
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('rbnn-sim reproduce --quick --seeds 1,2 --lr 3');
    expect(md).toContain('**Seeds:** 1, 2');
    for (const id of ROW_IDS) expect(md).toContain(`| **${id}** |`);
    expect(md).toContain('16/7 = 2.2857');
    expect(md).toContain('## 5. Where we differ from the paper, and why');
  });

  it('resumes from the run store: a second invocation trains nothing, and retrains only a removed run', async () => {
    const again = await run(args);
    expect(again.code).toBe(0);
    const r2 = JSON.parse(readFileSync(join(assets, 'results.json'), 'utf8')) as ReproductionResult;
    expect(r2.timing.runsTrained).toBe(0);
    expect(r2.timing.runsCached).toBe(r2.timing.runs);
    expect(r2.rows.map((r) => r.testError.mean)).toEqual(result.rows.map((r) => r.testError.mean));

    // An interrupted reproduction: one finished run is missing from the store.
    const victim = r2.rows.find((r) => r.id === 'B2')!.seeds[1]!.key;
    rmSync(join(assets, 'training', `${victim}.json`));
    await run(args);
    const r3 = JSON.parse(readFileSync(join(assets, 'results.json'), 'utf8')) as ReproductionResult;
    expect(r3.timing.runsTrained).toBe(1);
    // Deterministic: the retrained run gives the same result.
    expect(r3.rows.map((r) => r.testError.mean)).toEqual(result.rows.map((r) => r.testError.mean));
  });

  it('rejects bad flags with a one-line error and writes nothing', async () => {
    const bad = join(dir, 'bad', 'REPRODUCTION.md');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect((await run(['reproduce', '--quick', '--rows', 'R9', '--out', bad])).code).toBe(2);
      expect((await run(['reproduce', '--quick', '--seeds', 'x', '--out', bad])).code).toBe(2);
      expect((await run(['reproduce', '--quick', '--budget', '0', '--out', bad])).code).toBe(2);
    } finally {
      err.mockRestore();
    }
    expect(existsSync(bad)).toBe(false);
  });
});

describe('reproduce --budget', () => {
  it("multiplies every row's epochs and roots its decay, so equal totals stay equal", () => {
    expect(budgetSets('R3', false, 1)).toEqual([]);
    const at = (id: 'R3' | 'B2' | 'B3', budget: number) => rowConfig(id, { quick: false, sets: [], budget }).training;
    const r3 = at('R3', 5);
    const b2 = at('B2', 5);
    expect(r3.epochs).toBe(5 * at('R3', 1).epochs);
    expect(b2.epochs).toBe(5 * at('B2', 1).epochs);
    expect(r3.epochs * 4).toBe(b2.epochs); // 4 iterations x 25 = 100
    // Each iteration still ends at the same fraction of its starting rate.
    expect(r3.lrDecay ** r3.epochs).toBeCloseTo(at('R3', 1).lrDecay ** at('R3', 1).epochs, 12);
    expect(b2.lrDecay ** b2.epochs).toBeCloseTo(at('B2', 1).lrDecay ** at('B2', 1).epochs, 12);
    expect(rowConfig('R3', { quick: false, sets: [], budget: 0.2 }).training.epochs).toBe(1);
    expect(() => budgetSets('R3', false, 1.5)).toThrow(/^budget: 1\.5 x R3's 5 epochs is not a whole number of epochs/);
    // A --set given by the user still wins over the budget.
    expect(rowConfig('B3', { quick: false, sets: ['training.epochs=7'], budget: 5 }).training.epochs).toBe(7);
  });
});
