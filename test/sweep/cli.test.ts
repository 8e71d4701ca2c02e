/**
 * `rbnn-sim sweep` and `rbnn-sim merge` end to end (in this process, tiny data): files written,
 * storage mode's candidates and budgets, shards merged by the command, one-line errors with
 * exit code 2 and nothing written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import type { SweepResult } from '../../experiments/sweep/runner.js';
import { joined } from '../regex.js';

const tmp = mkdtempSync(join(tmpdir(), 'rbnn-sweep-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

const run = runCli;

const TINY = [
  '--set',
  'training.trainSamples=200',
  '--set',
  'training.validationSamples=100',
  '--set',
  'training.testSamples=100',
  '--set',
  'training.batch=50',
];
const read = (dir: string): SweepResult => JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepResult;

describe('rbnn-sim sweep', () => {
  it('hardware mode: presets x SRAM sizes, trained once per preset, with every output', async () => {
    const out = join(tmp, 'hw');
    const r = await run(
      'sweep',
      '--presets',
      'R3,B3',
      '--sram',
      '16KiB..256KiB:x4',
      '--epochs',
      '1',
      '--set',
      'model.maxIterations=2',
      ...TINY,
      '--cache',
      join(tmp, 'cache'),
      '-j',
      '1',
      '-o',
      out,
    );
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/6 points, 2 training runs \(2 trained, 0 from the cache\), in this process/);
    expect(r.out).toMatch(/R3 +16 KiB/);
    const res = read(out);
    expect(res.rows.map((x) => [x.workload, x.values['hardware.sram.capacity']])).toEqual([
      ['R3', '16 KiB'],
      ['R3', '64 KiB'],
      ['R3', '256 KiB'],
      ['B3', '16 KiB'],
      ['B3', '64 KiB'],
      ['B3', '256 KiB'],
    ]);
    expect(res.rows.map((x) => x.bitsPerWeight)).toEqual([6, 6, 6, 6, 6, 6]);
    const csv = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(7);
    expect(csv[0]).toMatch(
      joined(
        /^index,workload,hardware.sram.capacity,family,.*test_error_pct,.*energy_J,energy_per_sample_J,/,
        /.*cycles,seconds_s,dram_read_bytes,dram_write_bytes/,
      ),
    );
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(md).toContain('![Energy per training run vs SRAM capacity](energy-vs-sram.svg)');
    expect(md).toContain('## Pareto front');
    for (const f of ['energy-vs-sram.svg', 'dram-vs-sram.svg', 'error-vs-storage.svg', 'pareto-error-energy.svg']) {
      const svg = readFileSync(join(out, f), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toMatch(/ log scale\)/);
    }
    // Again: from the cache, the same files.
    const again = await run(
      'sweep',
      '--presets',
      'R3,B3',
      '--sram',
      '16KiB..256KiB:x4',
      '--epochs',
      '1',
      '--set',
      'model.maxIterations=2',
      ...TINY,
      '--cache',
      join(tmp, 'cache'),
      '-j',
      '1',
      '-o',
      join(tmp, 'hw2'),
      '--json',
    );
    expect(again.err).toMatch(/0 trained, 2 from the cache/);
    expect(JSON.parse(again.out)).toEqual(res);
    expect(readFileSync(join(tmp, 'hw2', 'summary.md'), 'utf8')).toBe(md);
  });

  it('storage mode --quick: candidates per budget, best per family', async () => {
    const out = join(tmp, 'storage');
    const r = await run(
      'sweep',
      '--mode',
      'storage',
      '--quick',
      '--budgets',
      '32KiB,64KiB,128KiB',
      '--rbnn',
      'hidden=50 bits=8 iterations=2',
      '--conventional',
      'hidden=50,100 bits=6',
      ...TINY,
      '--no-cache',
      '-j',
      '1',
      '-o',
      out,
      '-q',
    );
    expect(r.code).toBe(0);
    const res = read(out);
    expect(res.rows.map((x) => [x.workload, x.budgetBits! / 8192, x.bitsPerWeight])).toEqual([
      ['rbnn h0=50 n=8 k=2', 64, 4],
      ['conventional h=50 n=6', 32, 6],
      ['conventional h=100 n=6', 64, 6],
    ]);
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(md).toContain('## Best network per weight-storage budget');
    expect(md).toMatch(/\| 32 KiB \| - \| - \| - \| conventional h=50 n=6 \|/);
    expect(existsSync(join(out, 'error-vs-storage.svg'))).toBe(true);
  });

  it('shards merged by `rbnn-sim merge` equal the unsharded files', async () => {
    const args = [
      'sweep',
      '--presets',
      'R2,B2',
      '--sram',
      '32KiB..1MiB:x2',
      '--vary',
      'hardware.policy.frozen=recompute,cache',
      '--vary',
      'hardware.sram.banks=4,10',
      '--schedule-only',
      '-j',
      '1',
      '-q',
    ];
    expect((await run(...args, '-o', join(tmp, 'all'))).code).toBe(0);
    for (let i = 1; i <= 3; i++)
      expect((await run(...args, '--shard', `${i}/3`, '-o', join(tmp, `s${i}`))).code).toBe(0);
    const m = await run('merge', join(tmp, 's1'), join(tmp, 's2'), join(tmp, 's3'), '-o', join(tmp, 'merged'));
    expect(m.code).toBe(0);
    expect(m.err).toMatch(/48 of 48 points from 3 shards/);
    for (const f of ['sweep.json', 'sweep.csv', 'summary.md', 'energy-vs-sram.svg', 'dram-vs-sram.svg']) {
      expect(readFileSync(join(tmp, 'merged', f), 'utf8')).toBe(readFileSync(join(tmp, 'all', f), 'utf8'));
    }
    const partial = await run('merge', join(tmp, 's1'), join(tmp, 's3'), '-o', join(tmp, 'partial'));
    expect(partial.code).toBe(2);
    expect(partial.err).toMatch(
      /^rbnn-sim: merge: \d+ of 48 points are missing \(shards given: 1\/3, 3\/3 of 3\); pass --partial/,
    );
    expect(existsSync(join(tmp, 'partial'))).toBe(false);
    const other = await run(
      'sweep',
      '--presets',
      'R2',
      '--sram',
      '64KiB',
      '--schedule-only',
      '-q',
      '-o',
      join(tmp, 'other'),
    );
    expect(other.code).toBe(0);
    expect((await run('merge', join(tmp, 's1'), join(tmp, 'other'), '-o', join(tmp, 'x'))).err).toMatch(
      /is from another sweep/,
    );
  });

  it('a pool of worker threads gives the same rows as this process', async () => {
    // Workers need the built CLI or tsx: the CLI from source in a child process under tsx.
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const args = [
      'sweep',
      '--sram',
      '8KiB,64KiB',
      '--vary',
      'model.hidden=[6],[10]',
      '--epochs',
      '1',
      ...TINY,
      '--no-cache',
    ];
    const child = spawnSync(
      process.execPath,
      ['--import', tsx, join(root, 'test/traces/fixtures/cli.ts'), ...args, '-j', '2', '-o', join(tmp, 'pool')],
      { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } },
    );
    expect(child.status).toBe(0);
    expect(child.stderr).toMatch(
      /sweep: 4 points, 2 training runs \(2 trained, 0 from the cache, no cache\), 2 worker threads/,
    );
    expect((await run(...args, '-q', '-j', '1', '-o', join(tmp, 'inproc'))).code).toBe(0);
    expect(readFileSync(join(tmp, 'pool', 'sweep.json'), 'utf8')).toBe(
      readFileSync(join(tmp, 'inproc', 'sweep.json'), 'utf8'),
    );
    expect(read(join(tmp, 'pool')).rows).toHaveLength(4);
  });

  it('rejects bad input in one line, exit code 2, nothing written', async () => {
    const out = join(tmp, 'bad');
    for (const [argv, re] of [
      [['--sram', '32KiB..1MiB'], /needs a step/],
      [['--sram', '64KiB', '--vary', 'hardware.sram.bankz=2'], /unknown configuration path/],
      [['--presets', 'R2', '--shard', '0/2'], /--shard "0\/2"/],
      [['--presets', 'R2', '--workers', '0'], /--workers/],
      [['--set', 'training.epochs=0'], /training.epochs/],
    ] as const) {
      const r = await run('sweep', ...argv, '--schedule-only', '-o', out);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(out)).toBe(false);
  });
});
