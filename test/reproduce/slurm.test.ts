/**
 * `rbnn-sim reproduce --slurm` without Slurm: --dry-run writes one array task per run (rows x
 * rates x seeds); the tasks run by hand as the array would (`--slurm-task i/N`) fill runs/ with
 * one file per run; the merge step refuses while a task has not finished, then writes the same
 * results as a local reproduction without training. (Against a real Slurm:
 * test/slurm/array.slurm-test.ts.)
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { makeTempDir } from '../temp-dir.js';
import type { ReproductionResult } from '../../experiments/reproduce/reproduce.js';
import { joined } from '../regex.js';

const FLAGS = [
  '--quick',
  '--rows',
  'R3,B3',
  '--seeds',
  '1,2',
  '--lr',
  '2,3',
  '--sram',
  '128 KiB',
  '--set',
  'training.trainSamples=400',
  '--set',
  'training.validationSamples=200',
  '--set',
  'training.testSamples=200',
];

/** results.json without what differs between invocations (time, the cache flags, the output path). */
function comparable(file: string): unknown {
  const r = JSON.parse(readFileSync(file, 'utf8')) as ReproductionResult & Record<string, unknown>;
  for (const k of ['generatedAt', 'timing', 'commandLine']) delete r[k];
  for (const row of r.rows)
    for (const s of row.seeds) {
      delete (s as Partial<typeof s>).seconds;
      delete (s as Partial<typeof s>).cached;
    }
  return r;
}

describe('reproduce --slurm', () => {
  it("one task per run; the merge step gives the local reproduction's results without training", async () => {
    const tmp = makeTempDir('rbnn-repro-slurm-');
    const out = join(tmp, 'run', 'REPRODUCTION.md');
    const assets = join(tmp, 'run', 'reproduction');
    const sub = await runCli('reproduce', ...FLAGS, '-o', out, '--slurm', '--dry-run', '--time', '2:00:00');
    expect(sub.code).toBe(0);
    const script = readFileSync(join(assets, 'slurm/reproduce.sbatch'), 'utf8');
    expect(script).toContain('#SBATCH --array=1-8\n'); // 2 rows x 2 rates x 2 seeds
    expect(script).toMatch(
      / reproduce --seeds 1,2 --lr 2,3 --quick .* --out \S+REPRODUCTION.md --slurm-task "\$i"\/8 \|\| code=\$\?\n/,
    );
    expect(readFileSync(join(assets, 'slurm/merge.sbatch'), 'utf8')).toMatch(/ --slurm-merge\n$/);

    for (let i = 1; i <= 8; i++) {
      const t = await runCli('reproduce', ...FLAGS, '-o', out, '--slurm-task', `${i}/8`);
      expect(t.code).toBe(0);
      expect(t.err).toMatch(new RegExp(`task ${i}/8: 1 run trained`));
      if (i !== 5) writeFileSync(join(assets, 'slurm/state', `${i}.exit`), '0\n');
    }
    expect(readdirSync(join(assets, 'training')).filter((f) => f.endsWith('.json'))).toHaveLength(8);
    // Again: the run is there, nothing trained.
    expect((await runCli('reproduce', ...FLAGS, '-o', out, '--slurm-task', '1/8')).err).toMatch(
      /task 1\/8: 0 runs trained/,
    );

    const early = await runCli('reproduce', ...FLAGS, '-o', out, '--slurm-merge');
    expect(early.code).toBe(2);
    expect(early.err).toMatch(
      joined(
        /^rbnn-sim: 1 of 8 runs did not finish: run 5\/8 did not run \(no exit code\), /,
        /log \S+reproduction\/slurm\/logs\/task-5\.out\n$/,
      ),
    );
    writeFileSync(join(assets, 'slurm/state/5.exit'), '0\n');
    const merged = await runCli('reproduce', ...FLAGS, '-o', out, '--slurm-merge', '-q');
    expect(merged.code).toBe(0);
    const res = JSON.parse(readFileSync(join(assets, 'results.json'), 'utf8')) as ReproductionResult;
    expect([res.timing.runsTrained, res.timing.runsCached]).toEqual([0, 6]); // 2 rows x (2 rates + 1 more seed)

    const local = join(tmp, 'local', 'REPRODUCTION.md');
    expect((await runCli('reproduce', ...FLAGS, '-o', local, '-q')).code).toBe(0);
    expect(comparable(join(assets, 'results.json'))).toEqual(
      comparable(join(tmp, 'local', 'reproduction', 'results.json')),
    );
  });
});
