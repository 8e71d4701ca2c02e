/**
 * Issue 17's five classes of defect, each tested as a class on every command it applies to:
 * hangs on bad output locations (also in outputs-fuzz.test.ts), runtime crashes in plots,
 * non-finite or nonsense results, stack traces for user errors, and two runs into one folder.
 * Plus the saved-configuration and unit-printing items of the same issue.
 */
import { describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { runCli, spawnCli, tempDir } from './helpers.js';
import { lockFolder } from '../../io/lock.js';
import { extent, logDomain, logTicks } from '../../experiments/sweep/plot-axes.js';
import { sweepPlots, renderSvg } from '../../experiments/sweep/plots.js';
import type { SweepRow } from '../../experiments/sweep/row.js';
import { formatQuantity } from '../../config/units.js';
import { firstNonFinite } from '../../sim/finite.js';
import { joined } from '../regex.js';

vi.mock('../../experiments/sweep/plots.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../experiments/sweep/plots.js')>();
  return {
    ...real,
    // The plot named in RBNN_FAIL_PLOT fails to render (a stand-in for any runtime failure of vega).
    renderSvg: async (spec: Record<string, unknown>) => {
      const title = JSON.stringify((spec as { title?: unknown }).title ?? '');
      if (process.env.RBNN_FAIL_PLOT && title.includes(process.env.RBNN_FAIL_PLOT))
        throw new Error('renderer exploded');
      return real.renderSvg(spec);
    },
  };
});

const flags = (o: Record<string, unknown>): string[] =>
  Object.entries(o).flatMap(([k, v]) => ['--set', `${k}=${JSON.stringify(v)}`]);
const TOY = flags({
  'model.inputs': 6,
  'model.hidden': [4],
  'model.outputs': 3,
  'model.bits': 4,
  'model.maxIterations': 3,
  'training.trainSamples': 35,
  'training.batch': 10,
  'training.validationSamples': 20,
  'training.testSamples': 20,
});
const TINY = flags({
  'model.hidden': [4],
  'model.bits': 4,
  'model.maxIterations': 1,
  'training.trainSamples': 100,
  'training.batch': 50,
  'training.validationSamples': 100,
  'training.testSamples': 100,
  'training.evalBatch': 100,
});
const SWEEP = ['sweep', '--schedule-only', '--sram', '64KiB,128KiB', '--no-cache', '-j', '1', '-q'];

/** Exit 2, one line on stderr matching `re`, nothing on stdout. */
function refused(r: { code: number; out: string; err: string }, re: RegExp): void {
  expect(r.code, r.err).toBe(2);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(re);
}

describe('class 2: plots cope with zero, constant, huge and non-positive values', () => {
  it('log ticks and domains stay few and finite whatever the values', () => {
    expect(logTicks(0, 10, false)).toEqual([]);
    expect(logTicks(-5, 10, true)).toEqual([]);
    expect(logTicks(NaN, Infinity, false)).toEqual([]);
    const wide = logTicks(1e-280, 1e280, false);
    expect(wide.length).toBeGreaterThan(2);
    expect(wide.length).toBeLessThanOrEqual(13);
    expect(wide.every((x) => Number.isFinite(x) && x > 0)).toBe(true);
    expect(logTicks(2 ** -1000, 2 ** 1000, true).length).toBeLessThanOrEqual(13);
    expect(logTicks(1e-320, 1e308, false).every((x) => Number.isFinite(x) && x > 0)).toBe(true);
    expect(logTicks(5, 5, false)).toEqual([5]);
    const d = logDomain([1e280, 1.7e308]);
    expect(d.every(Number.isFinite)).toBe(true);
    expect(d[1]).toBeLessThan(1e300);
    expect(logDomain([0, -1, NaN])).toEqual([1, 10]);
    expect(logDomain([3, 3])[0]).toBeLessThan(3);
    expect(extent([2, -1, 7])).toEqual([-1, 7]);
  });

  const row = (i: number, sramKiB: number, energyJ: number, err: number | null = null): SweepRow =>
    ({
      index: i,
      id: `p${i}`,
      workload: 'R2',
      family: 'rbnn',
      budgetBits: null,
      values: { 'hardware.sram.capacity': `${sramKiB} KiB` },
      hidden: [100],
      finalHidden: [700],
      bits: 16,
      iterations: 7,
      epochs: 1,
      testError: err,
      validationError: err,
      bitsPerWeight: 2.28,
      weightStorageBits: 155 * 8192,
      sramBits: sramKiB * 8192,
      sramUsedBits: 0,
      onChip: true,
      weightsOnChip: 1,
      energyJ,
      energyPerSampleJ: null,
      dramReadBytes: energyJ > 0 ? 1000 : 0,
      dramWriteBytes: 0,
    }) as unknown as SweepRow;

  it.each([
    ['zero energies', [0, 0]],
    ['constant energies', [2, 2]],
    ['huge energies', [1e300, 1.5e308]],
    ['tiny energies', [1e-300, 5e-324]],
    ['negative and zero', [-1, 0]],
    ['one drawable point', [0, 3]],
  ])('every plot renders for %s', async (_, energies) => {
    const rows = energies.map((e, i) => row(i, 64 * 2 ** i, e, 0.05 + i * 0.01));
    const plots = sweepPlots(rows, 'test');
    for (const p of plots) {
      const svg = await renderSvg(p.spec);
      expect(svg).toMatch(/^<svg/);
    }
  });

  it('sweep and merge: a plot that fails costs a warning, never the data files', async () => {
    const root = tempDir();
    process.env.RBNN_FAIL_PLOT = 'Energy per training run vs SRAM capacity';
    try {
      const a = await runCli(...SWEEP, ...TOY, '-o', path.join(root, 's'));
      expect(a.code).toBe(0);
      expect(a.err).toMatch(
        /warning: plot energy-vs-sram\.svg not drawn \(renderer exploded\); the data files are complete/,
      );
      expect(fs.readdirSync(path.join(root, 's')).sort()).toEqual([
        'dram-vs-sram.svg',
        'summary.md',
        'sweep.csv',
        'sweep.json',
      ]);
      const m = await runCli('merge', path.join(root, 's'), '-q', '-o', path.join(root, 'm'));
      expect(m.code).toBe(0);
      expect(fs.readdirSync(path.join(root, 'm')).sort()).toEqual([
        'dram-vs-sram.svg',
        'summary.md',
        'sweep.csv',
        'sweep.json',
      ]);
    } finally {
      delete process.env.RBNN_FAIL_PLOT;
    }
  });
});

describe('class 3: non-finite or nonsense results are refused, naming the quantity', () => {
  it('simulate, run, trace and sweep refuse an overflowed energy in one line; nothing is written', async () => {
    const root = tempDir();
    const huge = ['--set', 'hardware.sram.readEnergy=1e307 J'];
    const re = joined(
      /^rbnn-sim: (the simulation report|point \d+ \([^)]*\)): \S+ is (Infinity|NaN) \(a number overflowed\); /,
      /check hardware\.sram\.readEnergy = 1e\+307\n$/,
    );
    refused(await runCli('simulate', '--schedule-only', ...TOY, ...huge, '-q', '-o', path.join(root, 'a')), re);
    refused(await runCli('run', ...TINY, ...huge, '-q', '--no-checkpoint', '-o', path.join(root, 'b')), re);
    refused(
      await runCli('trace', '--schedule-only', '-f', 'csv', ...TOY, ...huge, '-q', '-o', path.join(root, 'c.csv')),
      re,
    );
    refused(await runCli(...SWEEP, ...TOY, ...huge, '-o', path.join(root, 'd')), re);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('every number of a report with extreme but representable settings is finite', async () => {
    const r = await runCli(
      'simulate',
      '--schedule-only',
      ...TOY,
      '--set',
      'hardware.sram.readEnergy=1e200 J',
      '--json',
      '-q',
    );
    expect(r.code).toBe(0);
    expect(firstNonFinite(JSON.parse(r.out))).toBeNull();
    expect(r.out).not.toMatch(/"(energy|joules)[A-Za-z]*": null/);
  });

  it('run, train and sweep refuse a network that does not fit the data, before training', async () => {
    for (const cmd of [
      ['run', '--no-checkpoint'],
      ['train', '--no-checkpoint'],
      ['sweep', '--sram', '64KiB', '--no-cache', '-j', '1'],
    ]) {
      refused(
        await runCli(...cmd, ...TINY, '--set', 'model.outputs=5', '-q'),
        /model\.outputs: expected at least 10, one per label of the data .*got 5\n$/,
      );
      refused(
        await runCli(...cmd, ...TINY, '--set', 'model.inputs=100', '-q'),
        /model\.inputs: expected 784, the features per sample of the data .*got 100\n$/,
      );
    }
  });

  it(
    'a batch larger than the training set is capped by it, for every command: same memory map, same ' + 'energy',
    async () => {
      const over = ['--set', 'training.batch=1000'];
      const exact = ['--set', 'training.batch=35'];
      const a = await runCli('simulate', '--schedule-only', ...TOY, ...over, '--json', '-q');
      const b = await runCli('simulate', '--schedule-only', ...TOY, ...exact, '--json', '-q');
      expect(a.code).toBe(0);
      expect(JSON.parse(a.out)).toEqual(JSON.parse(b.out));
      expect(
        YAML.parse((await runCli('config', '--set', 'training.batch=60000', '--set', 'training.trainSamples=2000')).out)
          .training.batch,
      ).toBe(2000);
      const t = await runCli('trace', '--schedule-only', '-f', 'csv', ...TOY, ...over, '-q', '-o', '-');
      const u = await runCli('trace', '--schedule-only', '-f', 'csv', ...TOY, ...exact, '-q', '-o', '-');
      expect(t.out).toBe(u.out);
    },
  );
});

describe('class 4: file-system errors are one line naming the path, exit 2', () => {
  it('sweep -o an existing file, and --cache a file: refused before any work', async () => {
    const root = tempDir();
    const file = path.join(root, 'file');
    fs.writeFileSync(file, 'x');
    refused(
      await runCli(...SWEEP, ...TOY, '-o', file),
      /^rbnn-sim: cannot write sweep outputs in .*file: it is a file, not a folder\n$/,
    );
    const training = ['sweep', '--sram', '64KiB', '-j', '1', '-q', ...TINY];
    const r = await runCli(...training, '--cache', file);
    refused(r, /^rbnn-sim: cannot write the training cache in .*file: it is a file, not a folder\n$/);
    expect(r.out).toBe('');
    expect(fs.readdirSync(root)).toEqual(['file']);
  });

  it('--gzip with a name not ending in .gz is refused; a .gz name is fine', async () => {
    const root = tempDir();
    const args = ['trace', '--schedule-only', '-f', 'ramulator', '--gzip', ...TOY, '-q'];
    refused(
      await runCli(...args, '-o', path.join(root, 'x.ram')),
      joined(
        /^rbnn-sim: traces\.gzip \(--gzip\): the trace file .*x\.ram would hold gzip under a plain name.*; /,
        /name it .*x\.ram\.gz\n$/,
      ),
    );
    expect(fs.readdirSync(root)).toEqual([]);
    expect((await runCli(...args, '-o', path.join(root, 'x.ram.gz'))).code).toBe(0);
    expect(fs.readFileSync(path.join(root, 'x.ram.gz')).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('-o /dev/null (a device) is written through by trace and never replaced', async () => {
    const before = fs.statSync('/dev/null');
    expect((await runCli('trace', '--schedule-only', '-f', 'csv', ...TOY, '-q', '-o', '/dev/null')).code).toBe(0);
    const after = fs.statSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.ino).toBe(before.ino);
  });
});

describe('class 5: one output folder, one command at a time', () => {
  it('every writing command refuses a folder another live command holds, naming it', async () => {
    const dir = tempDir();
    const lock = lockFolder(dir, 'rbnn-sim run');
    try {
      const re = joined(
        /^rbnn-sim: output folder .* is in use by rbnn-sim run \(pid \d+ on .*\); /,
        /wait for it to finish or choose another folder/,
      );
      refused(await runCli('simulate', '--schedule-only', ...TOY, '-q', '-o', dir), re);
      refused(await runCli('run', ...TINY, '-q', '-o', dir), re);
      refused(await runCli('train', ...TINY, '-q', '-o', dir), re);
      refused(await runCli(...SWEEP, ...TOY, '-o', dir), re);
      refused(await runCli('config', '-q', '-o', dir), re);
      const shard = tempDir();
      expect((await runCli(...SWEEP, ...TOY, '-o', shard)).code).toBe(0);
      refused(await runCli('merge', shard, '-q', '-o', dir), re);
      expect(fs.readdirSync(dir)).toEqual(['.rbnn-sim.lock']);
    } finally {
      lock.release();
    }
    // reproduce locks the folder of its assets (REPRO.md -> repro/), before any training
    const root = tempDir();
    const assets = path.join(root, 'repro');
    fs.mkdirSync(assets);
    const held = lockFolder(assets, 'rbnn-sim reproduce');
    try {
      const r = await runCli(
        'reproduce',
        '--quick',
        '--rows',
        'R3',
        '--seeds',
        '1',
        '-q',
        '-o',
        path.join(root, 'REPRO.md'),
      );
      refused(r, /^rbnn-sim: output folder .*repro is in use by rbnn-sim reproduce \(pid \d+ on /);
      expect(fs.readdirSync(root)).toEqual(['repro']);
    } finally {
      held.release();
    }
  });

  it('two runs into one folder at once: one complete result, one clear refusal', async () => {
    const root = tempDir();
    const out = path.join(root, 'same');
    const argv = ['run', ...TINY, '-q', '-o', out];
    const a = spawnCli(argv, root);
    const b = spawnCli(argv, root);
    const timer = setTimeout(() => {
      a.kill('SIGKILL');
      b.kill('SIGKILL');
    }, 100_000);
    const ends = await Promise.all([a.exited, b.exited]);
    clearTimeout(timer);
    expect(ends.map((e) => e.code).sort()).toEqual([0, 2]);
    const loser = ends[0]!.code === 2 ? a : b;
    const winner = loser === a ? b : a;
    expect(loser.stderrText()).toMatch(/^rbnn-sim: output folder .*same is in use by rbnn-sim run \(pid \d+ on /);
    expect(loser.stderrText().trimEnd().split('\n')).toHaveLength(1);
    expect(winner.stderrText()).toMatch(/^report: /);
    expect(fs.readdirSync(out).sort()).toEqual(['checkpoint', 'report.json', 'report.md']);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')).kind).toBe('rbnn-sim.report');
  }, 120_000);
});

describe('saved configurations and printed units', () => {
  it(
    'config --json and config -o DIR leave out output.dir and output.json; run --config of it prints ' + 'text',
    async () => {
      const dir = tempDir();
      const j = await runCli('config', '--json', '-o', dir, '--set', 'model.hidden=[200]');
      expect(j.code).toBe(0);
      const saved = JSON.parse(j.out);
      expect(saved.output).toEqual({ progress: true });
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'))).toEqual(saved);
      const y = await runCli('config', '-o', dir, '-q');
      expect(YAML.parse(fs.readFileSync(path.join(dir, 'config.yaml'), 'utf8')).output).toEqual({ progress: false });
      const again = await runCli(
        'simulate',
        '--schedule-only',
        '--config',
        path.join(dir, 'config.json'),
        ...TOY,
        '-q',
      );
      expect(again.code).toBe(0);
      expect(again.out).toMatch(/^RBNN /); // text, not JSON
      expect(again.err).toBe(''); // and no report files written anywhere
      expect(y.code).toBe(0);
    },
  );

  it('energies print with SI prefixes up to the largest; sizes documented in bits print in bits', async () => {
    expect(formatQuantity(1_280_000, 'J')).toBe('1.28 MJ');
    expect(formatQuantity(1280, 'J')).toBe('1.28 kJ');
    expect(formatQuantity(2.5e18, 'J')).toBe('2.5 EJ');
    expect(formatQuantity(3e-15, 'J')).toBe('0.003 pJ');
    expect(formatQuantity(4e3, 'W')).toBe('4 kW');
    const printed = YAML.parse((await runCli('config')).out);
    expect(printed.hardware.sram.wordWidth).toBe('64 b');
    expect(printed.hardware.dram.busWidth).toBe('32 b');
    expect(printed.hardware.sram.capacity).toBe('320 KiB');
  });
});
