/** The report: terminal text, Markdown, JSON, report files, and the run/simulate commands. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { formatReportJson, formatReportMarkdown, formatReportText, writeReportFiles } from '../../sim/report-format.js';
import { config, simulateSchedule } from './helpers.js';

const SMALL = {
  'model.inputs': 6,
  'model.hidden': [4],
  'model.outputs': 3,
  'model.bits': 4,
  'model.maxIterations': 3,
  'training.trainSamples': 35,
  'training.batch': 10,
  'training.validationSamples': 20,
  'training.testSamples': 20,
  'training.evalBatch': 10,
  'hardware.sram.capacity': '1 KiB',
};
const SMALL_ARGS = Object.entries(SMALL).flatMap(([k, v]) => [
  '--set',
  `${k}=${typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v)}`,
]);

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rbnn-sim-report-'));
}

async function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const r = await runCli(...args);
  return { status: r.code, stdout: r.out, stderr: r.err };
}

describe('report rendering', () => {
  const report = simulateSchedule(config(SMALL));

  it(
    'prints a readable terminal report: energy by component and action, phases, iterations, time, traffic, ' +
      'placement',
    () => {
      const text = formatReportText(report);
      expect(text).toMatch(/^RBNN 6-4-3 per sub-network, 4-bit slots, 3 of 3 iterations; batch 10/);
      expect(text).toMatch(
        /Energy per training run: [\d.]+ [mun]?J \([\d.]+ [mnup]?J per training sample, evaluation passes included\)/,
      );
      for (const h of [
        'component       action',
        'By phase',
        'By iteration',
        'By layer',
        'Time: ',
        'Traffic',
        'Placement: ',
      ])
        expect(text).toContain(h);
      for (const a of [/SRAM +read/, /SRAM +leakage/, /DRAM +write/, /MAC array +step/, /operand buffer +read/])
        expect(text).toMatch(a);
      expect(text).toMatch(/ {2}bank 0 /);
    },
  );

  it('renders Markdown tables with one row per phase', () => {
    const md = formatReportMarkdown(report);
    expect(md.startsWith('# rbnn-sim report\n')).toBe(true);
    expect(md).toContain(
      '| phase | energy | share | cycles | share | DRAM read | DRAM written | DRAM background | MAC steps | lane use |',
    );
    for (const p of ['load', 'forward', 'backward', 'gradient', 'update', 'evaluate'])
      expect(md).toMatch(new RegExp(`^\\| ${p} \\|`, 'm'));
  });

  it('JSON round-trips to the same report', () => {
    expect(JSON.parse(formatReportJson(report))).toEqual(report);
  });

  it('writes report.json and report.md atomically, leaving no temporary files', () => {
    const dir = path.join(tempDir(), 'nested', 'out');
    const files = writeReportFiles(dir, report);
    expect(files.map((f) => path.basename(f))).toEqual(['report.json', 'report.md']);
    expect(fs.readdirSync(dir).sort()).toEqual(['report.json', 'report.md']);
    expect(JSON.parse(fs.readFileSync(files[0]!, 'utf8'))).toEqual(report);
  });
});

describe('rbnn-sim simulate / run', () => {
  it('simulate --schedule-only --json prints the report of the configured schedule', async () => {
    const r = await cli(['simulate', '--schedule-only', '--json', ...SMALL_ARGS]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(simulateSchedule(config(SMALL)));
  });

  it('--out writes the report files and names them on stderr', async () => {
    const dir = tempDir();
    const r = await cli(['simulate', '--schedule-only', '-o', dir, ...SMALL_ARGS]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Energy per training run');
    expect(r.stderr).toMatch(/^report: .*report\.json, .*report\.md\n$/);
    expect(fs.readdirSync(dir).sort()).toEqual(['report.json', 'report.md']);
  });

  it('a trace option on simulate writes the trace next to the report', async () => {
    const dir = tempDir();
    const file = path.join(dir, 't.csv');
    const r = await cli(['simulate', '--schedule-only', '--trace-file', file, '--json', ...SMALL_ARGS]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(r.stderr).toMatch(/^trace: /);
    const rows = fs.readFileSync(file, 'utf8').trim().split('\n').length - 1;
    // The default window: batch 0 of epoch 1 of every phase and iteration.
    expect(rows).toBe(
      report.traced.counts.sramReads +
        report.traced.counts.sramWrites +
        report.traced.counts.dramReadBursts +
        report.traced.counts.dramWriteBursts,
    );
  });

  it('bad hardware is a one-line user error (exit 2)', async () => {
    const r = await cli(['simulate', '--schedule-only', '--set', 'hardware.sram.wordWidth="12 b"']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^rbnn-sim: hardware\.sram\.wordWidth: expected a whole number of bytes/);
  });
});
