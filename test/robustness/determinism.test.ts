/**
 * Determinism: the same configuration and seed give byte-identical reports (wall-clock seconds
 * aside) from run to run and whichever kernels train (plain TypeScript or WebAssembly). Across
 * worker counts: test/sweep/cli.test.ts ("a pool of worker threads gives the same rows as this
 * process") compares sweep.json from 2 worker threads and from this process byte for byte.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { simulateRun } from '../../experiments/simulate.js';
import { formatReportJson } from '../../sim/report-format.js';
import { runCli, smallConfig, smallFlags, tempDir, withoutWallClock } from './helpers.js';

describe('determinism', () => {
  it('`rbnn-sim run` twice: report.json identical, report.md identical but for the wall-clock line', async () => {
    const dir = tempDir();
    const flags = [...smallFlags({ 'hardware.policy.frozen': 'cache' }), '-q', '--json'];
    const a = await runCli('run', ...flags, '-o', path.join(dir, 'a'));
    const b = await runCli('run', ...flags, '-o', path.join(dir, 'b'));
    expect([a.code, b.code]).toEqual([0, 0]);
    const json = (d: string): string =>
      formatReportJson(withoutWallClock(JSON.parse(fs.readFileSync(path.join(dir, d, 'report.json'), 'utf8'))));
    expect(json('b')).toBe(json('a'));
    expect(formatReportJson(withoutWallClock(JSON.parse(b.out)))).toBe(
      formatReportJson(withoutWallClock(JSON.parse(a.out))),
    );
    const md = (d: string): string =>
      fs.readFileSync(path.join(dir, d, 'report.md'), 'utf8').replace(/trained in [^\n]*/, 'trained in <wall clock>');
    expect(md('b')).toBe(md('a'));
    // The wall clock is the only difference there is.
    const raw = (d: string) => JSON.parse(fs.readFileSync(path.join(dir, d, 'report.json'), 'utf8'));
    expect({ ...raw('b'), training: { ...raw('b').training, seconds: 0 } }).toEqual({
      ...raw('a'),
      training: { ...raw('a').training, seconds: 0 },
    });
  });

  it('the same report whichever kernels train; another seed gives another one', async () => {
    const cfg = smallConfig({ 'model.maxIterations': 2 });
    const before = process.env.RBNN_KERNELS;
    const report = async (kernels: string, seed = 1): Promise<string> => {
      process.env.RBNN_KERNELS = kernels;
      try {
        return formatReportJson(
          withoutWallClock((await simulateRun({ ...cfg, training: { ...cfg.training, seed } })).report),
        );
      } finally {
        if (before === undefined) delete process.env.RBNN_KERNELS;
        else process.env.RBNN_KERNELS = before;
      }
    };
    const wasm = await report('wasm');
    expect(await report('js')).toBe(wasm);
    expect(await report('wasm', 2)).not.toBe(wasm);
  });
});
