/**
 * `rbnn-sim sweep --slurm` against a real Slurm (`npm run test:slurm`, not part of `npm test`: it
 * needs root). The cluster is a single node on this machine, brought up by
 * ../shared/slurm/slurm-local.sh beside the repository (SLURM_LOCAL_SH overrides the path) and
 * stopped after the tests (RBNN_SLURM_KEEP=1 keeps it).
 *
 * 1. A schedule-only sweep of 4 points as an array of 4 shards: the merge job completes and its
 *    outputs equal the unsharded sweep's byte for byte.
 * 2. Shard 3 fails (a file is in the way of its output folder): the merge job does not complete,
 *    `--wait`, `--slurm-status` and the merge step name shard 3 and its log; resubmitting only
 *    index 3 with the command the status prints finishes the sweep, again byte-identical.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../temp-dir.js';
import { runCli } from '../run-cli.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = process.env.SLURM_LOCAL_SH ?? resolve(ROOT, '../shared/slurm/slurm-local.sh');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CLI = join(ROOT, 'test/traces/fixtures/cli.ts');

const SWEEP = ['--presets', 'R2,B1', '--sram', '64KiB,256KiB', '--schedule-only'];

let env: NodeJS.ProcessEnv = {};

beforeAll(() => {
  if (!existsSync(SCRIPT)) throw new Error(`slurm-local.sh not found at ${SCRIPT} (set SLURM_LOCAL_SH)`);
  const out = execFileSync('bash', [SCRIPT, 'up'], { encoding: 'utf8' });
  const conf = /export SLURM_CONF=(\S+)/.exec(out)?.[1];
  if (!conf) throw new Error(`slurm-local.sh up did not say where slurm.conf is:\n${out}`);
  env = { ...process.env, SLURM_CONF: conf, FORCE_COLOR: '0' };
  process.env.SLURM_CONF = conf; // for the in-process CLI (--slurm-status, --slurm-merge)
}, 300_000);

afterAll(() => {
  if (process.env.RBNN_SLURM_KEEP !== '1' && existsSync(SCRIPT))
    execFileSync('bash', [SCRIPT, 'down'], { stdio: 'ignore' });
});

/** The CLI from source in a child process; resolves when it exits. */
function cli(args: string[], onStart?: () => void): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => {
      out += String(b);
    });
    child.stderr.on('data', (b) => {
      err += String(b);
    });
    onStart?.();
    child.on('close', (code) => done({ code, out, err }));
  });
}

const slurm = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', env });
const jobState = (id: string): string =>
  /JobState=(\w+)/.exec(slurm('scontrol', ['show', 'job', '-o', id]))?.[1] ?? '?';

/** Files of an output folder (not slurm/ and shards/) with their bytes. */
function outputs(dir: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const f of readdirSync(dir).sort()) if (statSync(join(dir, f)).isFile()) m.set(f, readFileSync(join(dir, f)));
  return m;
}

async function reference(tmp: string): Promise<Map<string, Buffer>> {
  const ref = join(tmp, 'unsharded');
  const r = await runCli('sweep', ...SWEEP, '--no-cache', '-o', ref, '-q');
  expect(r.code).toBe(0);
  const m = outputs(ref);
  expect([...m.keys()]).toEqual(['dram-vs-sram.svg', 'energy-vs-sram.svg', 'summary.md', 'sweep.csv', 'sweep.json']);
  return m;
}

async function waitUntil(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('sweep --slurm on a real Slurm', () => {
  it('an array of 4 shards and a merge job give the unsharded sweep byte for byte', async () => {
    const tmp = makeTempDir('rbnn-slurm-');
    const ref = await reference(tmp);
    const dir = join(tmp, 'run');
    const r = await cli([
      'sweep',
      ...SWEEP,
      '--slurm',
      '--shards',
      '4',
      '--cache',
      join(tmp, 'store'),
      '-o',
      dir,
      '--wait',
    ]);
    expect(r.err).toMatch(/submitted array job \d+ \(4 shards\) and merge job \d+/);
    expect(r.code).toBe(0);
    const [arrayJob, mergeJob] = r.out.trim().split(/\s+/);
    expect(jobState(mergeJob!)).toBe('COMPLETED'); // sbatch --wait is not trusted (exit 0 on a cancelled job)
    expect(readFileSync(join(dir, 'slurm/sweep.sbatch'), 'utf8')).toMatch(/#SBATCH --array=1-4\n/);
    const got = outputs(dir);
    expect([...got.keys()]).toEqual([...ref.keys()]);
    for (const [f, bytes] of ref) expect(got.get(f)!.equals(bytes), f).toBe(true);
    // Each shard ran one point, as its own array task.
    for (let i = 1; i <= 4; i++) {
      const shard = JSON.parse(readFileSync(join(dir, 'shards', String(i), 'sweep.json'), 'utf8')) as {
        rows: unknown[];
        shard: unknown;
      };
      expect(shard.shard).toEqual({ index: i, count: 4 });
      expect(shard.rows).toHaveLength(1);
      expect(readFileSync(join(dir, 'slurm/state', `${i}.started`), 'utf8')).toContain(`job ${arrayJob}_${i} `);
    }
    const st = await runCli('sweep', '--slurm-status', dir);
    expect(st.code).toBe(0);
    expect(st.out).toMatch(/^4 done$/m);
  });

  it('a failed shard fails the merge, named with its log; resubmitting only it finishes the sweep', async () => {
    const tmp = makeTempDir('rbnn-slurm-fail-');
    const ref = await reference(tmp);
    const dir = join(tmp, 'run');
    const plan = join(dir, 'slurm/plan.json');
    const blocker = join(dir, 'shards', '3');
    // One task at a time: shard 3 starts only after shards 1 and 2 ended, long after the file is in its way.
    const r = await cli(
      [
        'sweep',
        ...SWEEP,
        '--slurm',
        '--shards',
        '4',
        '--array-parallel',
        '1',
        '--cache',
        join(tmp, 'store'),
        '-o',
        dir,
        '--wait',
      ],
      () => {
        void waitUntil(
          () => existsSync(plan) && readFileSync(plan, 'utf8').includes('"merge"'),
          120_000,
          'the submission',
        ).then(() => {
          mkdirSync(dirname(blocker), { recursive: true });
          writeFileSync(blocker, 'in the way\n');
        });
      },
    );
    expect(r.code).toBe(1);
    const log = join(dir, 'slurm/logs/task-3.out');
    expect(r.err).toContain(`shard 3/4 failed (exit code 2), log ${log}`);
    expect(r.err).not.toMatch(/shard [124]\/4/);
    const mergeJob = r.out.trim().split(/\s+/)[1]!;
    expect(jobState(mergeJob)).not.toBe('COMPLETED');
    expect(readFileSync(log, 'utf8')).toMatch(/rbnn-sim: cannot write sweep outputs in .*shards\/3: /);
    expect(existsSync(join(dir, 'sweep.json'))).toBe(false);

    const st = await runCli('sweep', '--slurm-status', dir);
    expect(st.code).toBe(1);
    expect(st.out).toMatch(/^shard 3\/4 +failed +exit code 2 +log: .*task-3\.out$/m);
    expect(st.out).toMatch(/^3 done, 1 failed$/m);
    const merge = await runCli('sweep', '--slurm-merge', dir);
    expect(merge.code).toBe(2);
    expect(merge.err).toBe(`rbnn-sim: 1 of 4 shards did not finish: shard 3/4 failed (exit code 2), log ${log}\n`);

    // Resume: clear the cause, resubmit index 3 only with the printed command, wait for its merge.
    rmSync(blocker);
    const resubmit = /^resubmit them: (.*)$/m.exec(st.out)![1]!;
    expect(resubmit).toContain('--array=3 ');
    const ids = execFileSync('bash', ['-c', resubmit], { encoding: 'utf8', env }).trim().split(/\s+/);
    const newMerge = ids[ids.length - 1]!.split(';')[0]!;
    await waitUntil(
      () => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(jobState(newMerge)),
      240_000,
      'the new merge job',
    );
    expect(jobState(newMerge)).toBe('COMPLETED');
    const got = outputs(dir);
    for (const [f, bytes] of ref) expect(got.get(f)!.equals(bytes), f).toBe(true);
  });

  it("reproduce --slurm: one task per run, the merge job writes the local reproduction's results", async () => {
    const tmp = makeTempDir('rbnn-slurm-repro-');
    const flags = [
      'reproduce',
      '--quick',
      '--rows',
      'R3',
      '--seeds',
      '1,2',
      '--sram',
      '128 KiB',
      '--set',
      'training.trainSamples=400',
      '--set',
      'training.validationSamples=200',
      '--set',
      'training.testSamples=200',
    ];
    const local = await runCli(...flags, '-o', join(tmp, 'local/REPRODUCTION.md'), '-q');
    expect(local.code).toBe(0);
    const r = await cli([...flags, '-o', join(tmp, 'run/REPRODUCTION.md'), '--slurm', '--wait']);
    expect(r.err).toMatch(/submitted array job \d+ \(2 runs\) and merge job \d+/);
    expect(r.code).toBe(0);
    expect(jobState(r.out.trim().split(/\s+/)[1]!)).toBe('COMPLETED');
    const results = (d: string): Record<string, unknown> => {
      const x = JSON.parse(readFileSync(join(tmp, d, 'reproduction/results.json'), 'utf8')) as Record<
        string,
        unknown
      > & { rows: Array<{ seeds: Array<Record<string, unknown>> }> };
      for (const k of ['generatedAt', 'timing', 'commandLine']) delete x[k];
      for (const row of x.rows)
        for (const s of row.seeds) {
          delete s.seconds;
          delete s.cached;
        }
      return x;
    };
    expect(results('run')).toEqual(results('local'));
    expect(readFileSync(join(tmp, 'run/REPRODUCTION.md'), 'utf8')).toContain(
      '0 trained by this invocation, 2 taken from the run cache',
    );
  });
});
