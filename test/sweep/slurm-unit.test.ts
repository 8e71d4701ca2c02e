/**
 * The Slurm pieces that need no Slurm: --shard auto from the array environment, the scripts
 * --slurm --dry-run writes, the status of tasks from their recorded exit codes, and the merge
 * step refusing unfinished shards. (Against a real Slurm: test/slurm/array.slurm-test.ts.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { shardFromEnv } from '../../experiments/slurm/shard-env.js';
import { resolveShard } from '../../experiments/slurm/shard-env.js';
import { shellWord, TASK_WORD } from '../../experiments/slurm/scripts.js';
import { makeTempDir } from '../temp-dir.js';
import { runCli } from '../run-cli.js';
import { joined } from '../regex.js';

const env = (
  id: number | string,
  min: number,
  count: number,
  extra: Record<string, string> = {},
): Record<string, string> => ({
  SLURM_ARRAY_TASK_ID: String(id),
  SLURM_ARRAY_TASK_MIN: String(min),
  SLURM_ARRAY_TASK_COUNT: String(count),
  SLURM_ARRAY_TASK_MAX: String(min + count - 1),
  SLURM_ARRAY_TASK_STEP: '1',
  ...extra,
});

describe('--shard auto', () => {
  it('shard ID - MIN + 1 of COUNT, for arrays starting anywhere', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 500 }), fc.nat(), (min, count, k) => {
        const id = min + (k % count);
        expect(shardFromEnv(env(id, min, count))).toEqual({ index: id - min + 1, count });
      }),
    );
    expect(resolveShard('auto', env(0, 0, 4))).toEqual({ index: 1, count: 4 });
    expect(resolveShard(undefined, env(4, 1, 4))).toEqual({ index: 4, count: 4 }); // the default in an array job
    expect(resolveShard(undefined, {})).toBeUndefined(); // elsewhere: the whole sweep
    expect(resolveShard('2/5', env(4, 1, 4))).toEqual({ index: 2, count: 5 }); // given: wins
    expect(resolveShard('auto/8', { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '1' })).toEqual({
      index: 3,
      count: 8,
    });
  });

  it('one clear line when the environment is missing or inconsistent', () => {
    expect(() => resolveShard('auto', {})).toThrow(
      /^--shard auto: SLURM_ARRAY_TASK_ID is not set \(not a task of a Slurm job array\); give --shard i\/N$/,
    );
    expect(() => resolveShard('auto', { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1' })).toThrow(
      /SLURM_ARRAY_TASK_COUNT is not set/,
    );
    expect(() => resolveShard('auto', env('x', 1, 4))).toThrow(/SLURM_ARRAY_TASK_ID="x" is not a whole number/);
    // sbatch --array=3,7 (a resubmission of two indices): COUNT 2, MIN 3, MAX 7.
    expect(() => resolveShard('auto', { ...env(7, 3, 2), SLURM_ARRAY_TASK_MAX: '7' })).toThrow(
      /not a contiguous range .*use --shard auto\/N/,
    );
    expect(() => resolveShard('auto', env(1, 0, 4, { SLURM_ARRAY_TASK_STEP: '2' }))).toThrow(/not a contiguous range/);
    expect(() => resolveShard('auto', env(9, 1, 4))).toThrow(/SLURM_ARRAY_TASK_ID=9/);
    expect(() => resolveShard('auto/4', env(0, 0, 4))).toThrow(
      /^--shard auto\/4: SLURM_ARRAY_TASK_ID=0 is outside 1..4 \(number the array 1-4\)$/,
    );
  });

  it('the CLI: --shard auto outside an array job is exit code 2 and one line', async () => {
    const saved = process.env.SLURM_ARRAY_TASK_ID;
    delete process.env.SLURM_ARRAY_TASK_ID;
    try {
      const r = await runCli(
        'sweep',
        '--presets',
        'R2',
        '--schedule-only',
        '--shard',
        'auto',
        '-o',
        join(makeTempDir('rbnn-auto-'), 'x'),
      );
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        'rbnn-sim: --shard auto: SLURM_ARRAY_TASK_ID is not set (not a task of a Slurm job array); give --shard i/N\n',
      );
    } finally {
      if (saved !== undefined) process.env.SLURM_ARRAY_TASK_ID = saved;
    }
  });
});

describe('sweep --slurm --dry-run', () => {
  it('writes the array and merge scripts, submits nothing; the merge step names unfinished shards', async () => {
    const dir = join(makeTempDir('rbnn-slurm-dry-'), 'run');
    const r = await runCli(
      'sweep',
      '--presets',
      'R2,B1',
      '--sram',
      '64KiB,256KiB',
      '--schedule-only',
      '--slurm',
      '--dry-run',
      '--shards',
      '3',
      '--partition',
      'gpu',
      '--time',
      '1:30:00',
      '--cpus-per-task',
      '2',
      '--array-parallel',
      '2',
      '--sbatch-arg=--account=abc',
      '--no-cache',
      '-o',
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      joined(
        /dry run, nothing submitted; to submit: j=\$\(sbatch --parsable .*\/slurm\/sweep.sbatch\) && /,
        /sbatch --dependency=afterok:\$j .*merge.sbatch/,
      ),
    );
    const array = readFileSync(join(dir, 'slurm/sweep.sbatch'), 'utf8');
    for (const line of [
      '#SBATCH --array=1-3%2',
      '#SBATCH --partition=gpu',
      '#SBATCH --time=1:30:00',
      '#SBATCH --cpus-per-task=2',
      '#SBATCH --account=abc',
      `#SBATCH --output=${dir}/slurm/logs/task-%a.out`,
    ])
      expect(array).toContain(`${line}\n`);
    expect(array).toMatch(
      joined(
        / sweep --spec \S+\/slurm\/spec\.json --shard auto\/3 -o \S+\/shards\/"\$i" /,
        /--no-cache --workers 2 --no-plots -q \|\| code=\$\?\n/,
      ),
    );
    const merge = readFileSync(join(dir, 'slurm/merge.sbatch'), 'utf8');
    expect(merge).toMatch(/\nexec \S+.* sweep --slurm-merge \S+\/run\n$/);
    expect(merge).not.toContain('--array');
    const spec = JSON.parse(readFileSync(join(dir, 'slurm/spec.json'), 'utf8')) as { command: string };
    expect(spec.command).toBe('rbnn-sim sweep --presets R2,B1 --sram 64KiB,256KiB --schedule-only');

    // Nothing ran: the status says so, and the merge step refuses with one line per shard.
    const st = await runCli('sweep', '--slurm-status', dir);
    expect(st.out).toMatch(/^shard 1\/3 +not (run|started) /m);
    const m = await runCli('sweep', '--slurm-merge', dir);
    expect(m.code).toBe(2);
    expect(m.err).toMatch(
      joined(
        /^rbnn-sim: 3 of 3 shards did not finish: shard 1\/3 did not (run|finish).*, /,
        /log \S+task-1\.out; shard 2\/3 .*; shard 3\/3 /,
      ),
    );

    // Shards run by hand with the spec (as the array would) make the merge step succeed.
    for (let i = 1; i <= 3; i++) {
      const s = await runCli(
        'sweep',
        '--spec',
        join(dir, 'slurm/spec.json'),
        '--shard',
        `${i}/3`,
        '-o',
        join(dir, 'shards', String(i)),
        '--no-plots',
        '-q',
      );
      expect(s.code).toBe(0);
      writeFileSync(join(dir, 'slurm/state', `${i}.exit`), i === 2 ? '1\n' : '0\n');
    }
    const bad = await runCli('sweep', '--slurm-merge', dir);
    expect(bad.err).toMatch(
      /^rbnn-sim: 1 of 3 shards did not finish: shard 2\/3 failed \(exit code 1\), log \S+task-2\.out\n$/,
    );
    writeFileSync(join(dir, 'slurm/state/2.exit'), '0\n');
    const ok = await runCli('sweep', '--slurm-merge', dir, '--no-plots');
    expect(ok.code).toBe(0);
    const ref = join(dir, 'ref');
    await runCli(
      'sweep',
      '--presets',
      'R2,B1',
      '--sram',
      '64KiB,256KiB',
      '--schedule-only',
      '--no-plots',
      '-o',
      ref,
      '-q',
    );
    for (const f of ['sweep.json', 'sweep.csv', 'summary.md'])
      expect(readFileSync(join(dir, f), 'utf8')).toBe(readFileSync(join(ref, f), 'utf8'));
  });

  it('refuses flags that need --slurm, and --slurm without --out', async () => {
    const base = ['sweep', '--presets', 'R2', '--schedule-only'];
    expect((await runCli(...base, '--partition', 'x')).err).toBe('rbnn-sim: --partition needs --slurm\n');
    expect((await runCli(...base, '--slurm')).err).toBe(
      'rbnn-sim: --slurm needs --out DIR (the scripts, logs, shards and merged outputs go there)\n',
    );
    const dir = join(makeTempDir('rbnn-slurm-bad-'), 'x');
    expect((await runCli(...base, '--slurm', '--dry-run', '--time', 'soon', '-o', dir)).err).toMatch(
      /^rbnn-sim: --time: expected a Slurm time limit/,
    );
    expect((await runCli(...base, '--slurm', '--dry-run', '--shards', '5', '-o', dir)).err).toBe(
      'rbnn-sim: --shards 5: the sweep has only 1 point\n',
    );
    expect((await runCli('sweep', '--spec', join(dir, 'none.json'))).err).toMatch(
      /^rbnn-sim: --spec \S+none\.json: not found\n$/,
    );
  });

  it('shell words: single quotes unless plain, the task number as "$i"', () => {
    expect(shellWord('/a/b.ts')).toBe('/a/b.ts');
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
    expect(shellWord('a b')).toBe(`'a b'`);
    expect(shellWord(`/x y/${TASK_WORD}`)).toBe(`'/x y/'"$i"`);
  });
});
