/** `rbnn-sim trace` and the trace options other commands take (addTraceOptions / applyTraceArgs). */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { defaultConfig } from '../../config/load.js';
import { addTraceOptions } from '../../cli/trace-options.js';
import { applyTraceArgs } from '../../traces/args.js';
import { NODE_TSX, tempDir } from './helpers.js';

const CLI = path.join(import.meta.dirname, 'fixtures', 'cli.ts');
const SMALL = [
  '--set',
  'model.inputs=6',
  '--set',
  'model.hidden=[4]',
  '--set',
  'model.outputs=3',
  '--set',
  'model.bits=4',
  '--set',
  'model.maxIterations=3',
  '--set',
  'training.trainSamples=35',
  '--set',
  'training.batch=10',
  '--set',
  'training.validationSamples=20',
  '--set',
  'training.testSamples=20',
  '--set',
  'training.evalBatch=10',
  '--set',
  'hardware.sram.capacity="1 KiB"',
];

async function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const r = await runCli(...args);
  return { status: r.code, stdout: r.out, stderr: r.err };
}

describe('rbnn-sim trace', () => {
  it('--schedule-only writes a DRAMSim3 trace of the default window and a summary on stderr', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.trace');
    const r = await cli(['trace', '--schedule-only', '--format', 'dramsim3', '-o', file, ...SMALL]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^trace: \d+ dramsim3 events \(dram \d+ reads .* -> .*r\.trace, window epochs=1;batches=0/,
    );
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.pop()).toBe('0x0 READ 99999999999'); // the end line DRAMSim3 never injects
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.every((l) => /^0x[0-9a-f]+ (READ|WRITE) \d+$/.test(l))).toBe(true);
    // Beside it, the DRAMSim3 configuration of the modelled DRAM.
    expect(r.stderr).toMatch(/DRAMSim3 configuration -> .*r\.trace\.ini/);
    expect(fs.readdirSync(dir)).toEqual(['r.trace', 'r.trace.ini']);
  });

  it('infers csv from the file name, gzips .gz, and --json prints the counts', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.csv.gz');
    const r = await cli([
      'trace',
      '--schedule-only',
      '-w',
      'iterations=2;batches=1;phases=forward',
      '-o',
      file,
      '--json',
      ...SMALL,
    ]);
    expect(r.status).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats).toMatchObject({ format: 'csv', gzip: true, window: 'iterations=2;batches=1;phases=forward' });
    const text = spawnSync('gunzip', ['-c', file], { encoding: 'utf8' }).stdout;
    const rows = text.trim().split('\n').slice(1);
    expect(rows.length).toBe(stats.events);
    expect(rows.every((l) => /,forward,2,\d+,1$/.test(l))).toBe(true);
  });

  it.each([
    [['-w', 'batches=x', '-f', 'csv'], /^rbnn-sim: traces.window: bad part "batches=x": "x" is not a number or range/],
    [['-w', 'layers=1', '-f', 'csv'], /^rbnn-sim: traces.window: bad part "layers=1": unknown key "layers"/],
    [[], /^rbnn-sim: name a trace format: --format csv\|dramsim3\|ramulator/],
    [['-f', 'dramsim2'], /^rbnn-sim: .*dramsim2/],
  ])('bad options %j: exit 2, one line, no file left', async (args, re) => {
    const dir = tempDir();
    const r = await cli(['trace', '--schedule-only', '-o', path.join(dir, 'x.trace'), ...args, ...SMALL]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('to stdout (default configuration, every access): | head ends quietly with exit code 0', () => {
    const cmd =
      `${[...NODE_TSX, CLI].map((a) => JSON.stringify(a)).join(' ')} trace --schedule-only -f ramulator -w ` +
      `all -o - | head -n 2; echo "status=\${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^0x[0-9a-f]+ [RW]\n0x[0-9a-f]+ [RW]\nstatus=0\n$/);
    expect(r.stderr).toBe('');
  });

  it('trains on MNIST when not --schedule-only', async () => {
    const dir = tempDir();
    const file = path.join(dir, 't.csv');
    const r = await cli([
      'trace',
      '-o',
      file,
      '-w',
      'iterations=2;sets=test',
      '--set',
      'model.hidden=[8]',
      '--set',
      'model.maxIterations=2',
      '--set',
      'training.trainSamples=100',
      '--set',
      'training.validationSamples=50',
      '--set',
      'training.testSamples=60',
      '--set',
      'training.evalBatch=50',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const rows = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(rows.length).toBeGreaterThan(0);
    // the test pass of iteration 2 is epoch = epochs + 1 = 2, batches 0 and 1 (50 + 10 samples)
    expect(new Set(rows.map((c) => `${c[8]}/${c[9]}/${c[10]}`))).toEqual(new Set(['2/2/0', '2/2/1']));
  });
});

describe('trace options for other commands (run)', () => {
  it('addTraceOptions + applyTraceArgs put --trace-* flags into cfg.traces', async () => {
    const argv = await addTraceOptions(yargs([])).parseAsync([
      '--trace-format',
      'dramsim3',
      '--trace-window',
      'iterations=1',
      '--trace-file',
      'x.trace',
      '--trace-gzip',
      '--trace-cycles',
      'absolute',
    ]);
    const cfg = applyTraceArgs(defaultConfig(), argv);
    expect(cfg.traces).toEqual({
      format: 'dramsim3',
      file: 'x.trace',
      window: 'iterations=1',
      gzip: true,
      cycles: 'absolute',
    });
  });

  it('absent flags leave the configuration alone; a .csv file name alone asks for a CSV trace', async () => {
    const base = defaultConfig();
    expect(applyTraceArgs(base, await addTraceOptions(yargs([])).parseAsync([])).traces).toEqual(base.traces);
    expect(applyTraceArgs(base, { traceFile: 'a.csv.gz' }).traces.format).toBe('csv');
    expect(applyTraceArgs(base, { traceFile: 'a.trace' }).traces.format).toBe('none');
  });
});
