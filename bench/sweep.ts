/**
 * Sweep benchmark (issue 6): wall time of a 64-point hardware-only sweep with a warm training
 * cache (target: under 5 s). 4 presets (R2, R3, B1, B2, each at its preset epochs) x 16 SRAM
 * sizes from 16 KiB to 2 MiB. The cache is warmed once, untimed, by training the four presets on
 * a data subset (2000/1000/1000 samples: the recorded streams have the same structure as full
 * runs, so costing them costs the same); then every timed sweep trains nothing and costs all 64
 * points by replaying the cached streams.
 *
 * Cases:
 * - runSweep in this process (workers 1): the costing itself;
 * - runSweep with a pool of 2 worker threads forced (when the built worker is available), pool start-up included;
 * - the same plus writing all outputs (CSV, JSON, Markdown, 4 SVG plots);
 * - the whole command as a user runs it, `node bin/rbnn-sim.js sweep ... -o DIR` (Node start-up included).
 *
 *   npm run bench -- --only sweep
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSweep, type SweepDefinition } from '../experiments/sweep/define.js';
import { RunStore, packageRoot } from '../experiments/run-store.js';
import { writeSweepOutputs } from '../experiments/sweep/outputs.js';
import { workerModule } from '../experiments/pool.js';
import { runSweep } from '../experiments/sweep/runner.js';
import { measure, summarize, type Benchmark, type Row } from './harness.js';

const DEFINITION: SweepDefinition = {
  presets: ['R2', 'R3', 'B1', 'B2'],
  axes: { 'hardware.sram.capacity': { from: '16 KiB', to: '2 MiB', steps: 16 } },
  set: { 'training.trainSamples': 2000, 'training.validationSamples': 1000, 'training.testSamples': 1000 },
};
const CLI_ARGS = [
  'sweep',
  '--presets',
  'R2,R3,B1,B2',
  '--sram',
  '16KiB..2MiB',
  '--steps',
  '16',
  '--set',
  'training.trainSamples=2000',
  '--set',
  'training.validationSamples=1000',
  '--set',
  'training.testSamples=1000',
  '-q',
];

export const sweepBenchmark: Benchmark = {
  name: 'sweep',
  description: '64-point hardware-only sweep (4 presets x 16 SRAM sizes) with a warm training cache',
  async run(): Promise<Row[]> {
    const dir = mkdtempSync(join(tmpdir(), 'rbnn-bench-sweep-'));
    try {
      const spec = defineSweep(DEFINITION);
      const cache = new RunStore(join(dir, 'cache'));
      const warm = performance.now();
      const first = await runSweep(spec, { workers: 2, store: cache });
      const warmMs = performance.now() - warm;
      const points = first.result.rows.length;
      const rows: Row[] = [];
      const note =
        `${points} points, ${first.stats.trainings} cached runs (warm-up training: ` +
        `${(warmMs / 1000).toFixed(1)} s, untimed)`;
      const inProcess = await measure(
        'sweep: 64 points, warm cache, this process',
        async () => {
          const r = await runSweep(spec, { workers: 1, store: cache });
          if (r.stats.trained !== 0) throw new Error('the cache was not warm');
        },
        { runs: 3 },
      );
      rows.push({ ...inProcess, note });
      if (workerModule()) {
        rows.push({
          ...(await measure(
            'sweep: 64 points, warm cache, 2 worker threads',
            () => runSweep(spec, { workers: 2, store: cache, poolMinPoints: 0 }),
            { runs: 3 },
          )),
          note: 'pool start-up included (the CLI uses a pool for costing alone from 256 points)',
        });
      }
      rows.push({
        ...(await measure(
          'sweep: 64 points, warm cache, + CSV/JSON/MD/4 SVG',
          async () => {
            const r = await runSweep(spec, { workers: 1, store: cache });
            await writeSweepOutputs(join(dir, 'out'), r.result);
          },
          { runs: 3 },
        )),
        note: 'outputs written atomically',
      });
      const bin = join(packageRoot(), 'bin', 'rbnn-sim.js');
      if (existsSync(join(packageRoot(), 'dist', 'cli', 'main.js'))) {
        const times: number[] = [];
        for (let i = -1; i < 3; i++) {
          const t0 = performance.now();
          const r = spawnSync(
            process.execPath,
            [bin, ...CLI_ARGS, '--cache', join(dir, 'cache'), '-o', join(dir, 'cli')],
            { encoding: 'utf8' },
          );
          if (r.status !== 0) throw new Error(`rbnn-sim sweep failed: ${r.stderr}`);
          if (i >= 0) times.push(performance.now() - t0);
        }
        rows.push(
          summarize(
            'rbnn-sim sweep ... -o DIR (whole command)',
            times,
            'node start-up, cache reads, costing, all outputs',
          ),
        );
      }
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
