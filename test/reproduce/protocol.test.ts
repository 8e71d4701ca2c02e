/**
 * `reproduce --protocol paper` on a tiny data subset: each row's configuration gets the cap,
 * patience, decay and the RBNN iteration rule; learning rates come from earlier results; runs
 * stop early and are costed with the epochs they used; a reproduction interrupted after some
 * finished runs resumes from its run store to exactly the uninterrupted results; bad flags are
 * refused in one line.
 */
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  longestWait,
  reproduce,
  rowConfig,
  type ReproduceOptions,
  type ReproductionResult,
} from '../../experiments/reproduce/reproduce.js';
import {
  learningRatesFrom,
  learningRatesWithSources,
  paperProtocolSets,
  type PaperProtocol,
} from '../../experiments/reproduce/protocol.js';
import { costRun } from '../../experiments/reproduce/costs.js';
import { paperProtocolMarkdown } from '../../experiments/reproduce/protocol-report.js';
import { runCli } from '../run-cli.js';
import { makeTempDir } from '../temp-dir.js';

const dir = makeTempDir('rbnn-protocol-');
const paper: PaperProtocol = { cap: 6, patience: 2, lrDecay: 1 };
const sets = [
  'training.trainSamples=300',
  'training.validationSamples=100',
  'training.testSamples=100',
  'training.learningRate=21',
];

function options(store: string, onRun?: ReproduceOptions['onRun']): ReproduceOptions {
  return {
    rows: ['R3', 'B3'],
    seeds: [1, 2],
    lrGrid: [21],
    quick: true,
    budget: 1,
    sets,
    paper,
    jobs: 1,
    sramSizes: [],
    store,
    fresh: false,
    commandLine: 'test',
    ...(onRun ? { onRun } : {}),
  };
}

/** The runs in a run store folder (one file per run). */
const storedFiles = (store: string): string[] =>
  existsSync(join(store, 'training')) ? readdirSync(join(store, 'training')).filter((f) => f.endsWith('.json')) : [];

/** What must not depend on how the reproduction was run (timings and cache flags excluded). */
function outcome(r: ReproductionResult): unknown {
  return {
    claims: r.claims,
    rows: r.rows.map((x) => ({
      ...x,
      seeds: x.seeds.map(({ seconds: _s, cached: _c, ...s }) => s),
    })),
  };
}

describe('reproduce --protocol paper', () => {
  it('configures every row: cap, patience, decay; the iteration rule for RBNN rows only', () => {
    const r3 = rowConfig('R3', { quick: false, sets: [], budget: 1, paper: { cap: 150, patience: 25, lrDecay: 0.95 } });
    expect(r3.training.epochs).toBe(150);
    expect(r3.training.epochPatience).toBe(25);
    expect(r3.training.lrDecay).toBe(0.95);
    expect(r3.model.iterationPatience).toBe(1);
    expect(r3.model.maxIterations).toBe(4);
    const b2 = rowConfig('B2', { quick: false, sets: [], budget: 1, paper: { cap: 150, patience: 25, lrDecay: 0.95 } });
    expect(b2.training.epochs).toBe(150);
    expect(b2.model.iterationPatience).toBe(0);
    expect(paperProtocolSets('B2', { cap: 3, patience: 1, lrDecay: 1 })).not.toContain('model.iterationPatience=1');
    // Without the protocol: the presets' equal epochs, no early stopping.
    const eq = rowConfig('R3', { quick: false, sets: [], budget: 1 });
    expect([eq.training.epochs, eq.training.epochPatience, eq.model.iterationPatience]).toEqual([5, 0, 0]);
  });

  it('measures the longest wait for a new best validation error', () => {
    expect(longestWait([0.5, 0.4, 0.45, 0.45, 0.3, 0.35])).toBe(3);
    expect(longestWait([0.5])).toBe(1);
    expect(longestWait([0.2, 0.3, 0.3])).toBe(1); // no later best: nothing waited for one
  });

  it("takes each row's learning rate from the first results.json that holds it", () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(
      a,
      JSON.stringify({ kind: 'rbnn-sim.reproduction', rows: [{ id: 'R3', learningRate: 13, lrDecay: 0.95 }] }),
    );
    writeFileSync(
      b,
      JSON.stringify({
        kind: 'rbnn-sim.reproduction',
        rows: [
          { id: 'R3', learningRate: 8, lrDecay: 0.8 },
          { id: 'B2', learningRate: 2, lrDecay: 0.8 },
        ],
      }),
    );
    expect(learningRatesFrom([a, b], ['R3', 'B2'])).toEqual({ R3: 13, B2: 2 });
    expect(learningRatesWithSources([a, b], ['R3'])).toEqual({
      R3: { learningRate: 13, file: a, lrDecay: 0.95 },
      B2: { learningRate: 2, file: b, lrDecay: 0.8 },
    });
    const c = join(dir, 'c.json');
    writeFileSync(c, JSON.stringify({ kind: 'rbnn-sim.reproduction', rows: [{ id: 'R3', learningRate: 13 }] }));
    expect(() => learningRatesFrom([c], ['R3'])).toThrow('row R3 has no learning rate and decay');
    expect(() => learningRatesFrom([a], ['R3', 'B2'])).toThrow('lrFrom: no learning rate for B2');
    expect(() => learningRatesFrom([join(dir, 'none.json')], ['R3'])).toThrow('does not exist');
  });

  it(
    'stops trainings early, costs each run with the epochs it used, and resumes an interrupted reproduction ' +
      'exactly',
    async () => {
      const whole = await reproduce(options(join(dir, 'whole')));
      const its = whole.rows.flatMap((x) => x.seeds.flatMap((s) => s.iterations));
      expect(its.some((i) => i.epochsRun < paper.cap)).toBe(true);
      for (const i of its) expect(i.epochsRun === paper.cap || i.epochsRun === i.bestEpoch + paper.patience).toBe(true);
      // A seed's cost is the schedule with its epochs, not the cap's.
      const r3 = whole.rows.find((x) => x.id === 'R3')!;
      const s1 = r3.seeds[0]!;
      const cfg = rowConfig('R3', options(''), 21, 1);
      const direct = await costRun(
        cfg,
        whole.defaultSramBits,
        'recompute',
        s1.iterations.map((i) => i.epochsRun),
      );
      expect(s1.cost!.energy).toBe(direct.energy);
      const atCap = await costRun(cfg, whole.defaultSramBits, 'recompute');
      expect(atCap.energy).toBeGreaterThan(direct.energy);
      // The row's cost is the mean over its seeds.
      const mean = r3.seeds.reduce((s, x) => s + x.cost!.energy, 0) / r3.seeds.length;
      expect(
        r3.costs.find((c) => c.sramBits === whole.defaultSramBits && c.frozen === 'recompute')!.energy,
      ).toBeCloseTo(mean, 12);

      // Interrupted after two finished runs (the store keeps them), then run again.
      const store = join(dir, 'resumed');
      let seen = 0;
      await expect(
        reproduce(
          options(store, () => {
            if (++seen === 2) throw new Error('interrupted');
          }),
        ),
      ).rejects.toThrow('interrupted');
      // The run that was in progress stops too: nothing more reaches the store.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(storedFiles(store)).toHaveLength(2);
      const resumed = await reproduce(options(store));
      expect(resumed.timing.runsCached).toBe(2);
      expect(resumed.timing.runsTrained).toBe(whole.timing.runs - 2);
      expect(outcome(resumed)).toEqual(outcome(whole));
      // Its report: the protocol, the epochs used, the energies.
      const md = paperProtocolMarkdown(resumed, { assets: '.', figure: false, compare: null, floatRuns: [] });
      expect(md).toContain('**2 epochs**');
      expect(md).toContain(`| R3 | ${s1.iterations.map((i) => `${i.bestEpoch}/${i.epochsRun}`).join(', ')} |`);
    },
  );

  it('--store-only regenerates from the store without training, also runs of an older training code', async () => {
    const store = join(dir, 'store');
    const trained = await reproduce(options(store));
    const again = await reproduce({ ...options(store), storeOnly: true });
    expect([again.timing.runsTrained, again.timing.runsFromOlderCode]).toEqual([0, 0]);
    expect(outcome(again)).toEqual(outcome(trained));
    // As if trainer/ or model/ had changed since: no key matches any more.
    for (const f of storedFiles(store)) {
      const entry = JSON.parse(readFileSync(join(store, 'training', f), 'utf8')) as { key: string };
      writeFileSync(join(store, 'training', f), JSON.stringify({ ...entry, key: `${entry.key}-old` }));
      renameSync(join(store, 'training', f), join(store, 'training', f.replace('.json', '-old.json')));
    }
    const older = await reproduce({ ...options(store), storeOnly: true });
    expect([older.timing.runsTrained, older.timing.runsFromOlderCode]).toEqual([0, trained.timing.runs]);
    expect(outcome(older)).toEqual(outcome(trained));
    expect(paperProtocolMarkdown(older, { assets: '.', figure: false, compare: null, floatRuns: [] })).toContain(
      `of which ${trained.timing.runs} trained by an earlier version of trainer/ and model/`,
    );
    // A run that is not in the store at all is an error, not a training.
    await expect(reproduce({ ...options(store), seeds: [1, 2, 3], storeOnly: true })).rejects.toThrow(
      /--store-only: no run of .* seed=3/,
    );
    // --partial: each row with the seeds the store holds; a row with none is left out.
    const part = await reproduce({
      ...options(store),
      rows: ['R3', 'B2', 'B3'],
      seeds: [1, 2, 3],
      storeOnly: true,
      partial: true,
    });
    expect(part.rows.map((x) => [x.id, x.seeds.map((sd) => sd.seed)])).toEqual([
      ['R3', [1, 2]],
      ['B3', [1, 2]],
    ]);
    expect(part.rows.map((x) => x.testError)).toEqual(trained.rows.map((x) => x.testError));
    expect(part.claims.find((c) => c.id === 'storage-R3-B2')!.verdict).toBe('not run');
    const md = paperProtocolMarkdown(part, { assets: '.', figure: false, compare: null, floatRuns: [] });
    expect(md).toContain('R3 has seeds 1, 2 only');
    expect(md).toContain('**Rows not run:** R1, R2, B1, B2 (no finished run in the run store');
    expect(md).toMatch(/\| R3 \| [^|]+ \| [^|]+ \| - \|/); // seed 3's cell
    await expect(reproduce({ ...options(store), partial: true })).rejects.toThrow(
      '--partial applies to --store-only only',
    );
  });

  it('refuses bad protocol flags in one line, exit code 2, nothing written', async () => {
    const out = join(dir, 'bad', 'R.md');
    const base = ['reproduce', '--quick', '--quiet', '--rows', 'B3', '--seeds', '1', '--out', out];
    for (const [extra, msg] of [
      [['--protocol', 'fast'], /--protocol: expected equal-epochs or paper/],
      [['--protocol', 'paper', '--cap', '0'], /--cap: expected a whole number/],
      [['--protocol', 'paper', '--patience', '2.5'], /--patience: expected a whole number/],
      [['--protocol', 'paper', '--lr-decay', '1.5'], /--lr-decay: expected a number in \(0, 1\]/],
      [['--protocol', 'paper', '--budget', '2'], /--budget applies to --protocol equal-epochs only/],
      [['--lr-decay', '0.9'], /--lr-decay applies to --protocol paper only/],
      [['--compare', out], /--compare applies to --protocol paper only/],
      [['--protocol', 'paper', '--lr-from', join(dir, 'missing.json')], /--lr-from: .* does not exist/],
    ] as const) {
      const r = await runCli(...base, ...extra);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(msg);
    }
    expect(existsSync(out)).toBe(false);
  });
});
