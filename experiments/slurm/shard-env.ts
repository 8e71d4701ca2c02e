/**
 * The shard of a sweep a Slurm array task runs (`--shard auto`, the default inside an array job;
 * `--shard auto/N`: the array task ID is the shard number 1..N; resolveShard below).
 *
 * `auto` reads SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT: shard
 * ID - MIN + 1 of COUNT, so arrays numbered 0..N-1 and 1..N both work. It needs the array to be a
 * contiguous range (no step, no list): an array resubmitted for some indices only
 * (`sbatch --array=3,7`) has COUNT 2 and would be read wrongly, so it is refused; the scripts
 * `--slurm` writes use `auto/N` for that reason, which takes N from the command line.
 */
import { UserError } from '../../config/errors.js';
import type { Shard } from '../sweep/points.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Whether this process is a task of a Slurm job array. */
export function inArrayJob(env: Env = process.env): boolean {
  return env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_ID !== '';
}

function whole(env: Env, name: string, flag: string): number {
  const text = env[name];
  if (text === undefined || text === '') {
    throw new UserError(`${flag}: ${name} is not set (not a task of a Slurm job array); give --shard i/N`);
  }
  if (!/^\d+$/.test(text.trim())) throw new UserError(`${flag}: ${name}=${JSON.stringify(text)} is not a whole number`);
  return Number(text);
}

/** The shard of this array task (see the module comment); `count` given: `auto/count`. */
export function shardFromEnv(env: Env = process.env, count?: number): Shard {
  const flag = count === undefined ? '--shard auto' : `--shard auto/${count}`;
  const id = whole(env, 'SLURM_ARRAY_TASK_ID', flag);
  if (count !== undefined) {
    if (id < 1 || id > count) {
      throw new UserError(`${flag}: SLURM_ARRAY_TASK_ID=${id} is outside 1..${count} (number the array 1-${count})`);
    }
    return { index: id, count };
  }
  const min = whole(env, 'SLURM_ARRAY_TASK_MIN', flag);
  const n = whole(env, 'SLURM_ARRAY_TASK_COUNT', flag);
  const max = env.SLURM_ARRAY_TASK_MAX !== undefined ? whole(env, 'SLURM_ARRAY_TASK_MAX', flag) : min + n - 1;
  const step = env.SLURM_ARRAY_TASK_STEP !== undefined ? whole(env, 'SLURM_ARRAY_TASK_STEP', flag) : 1;
  if (n < 1 || max - min + 1 !== n || (n > 1 && step !== 1) || id < min || id > max) {
    throw new UserError(
      `${flag}: the array is not a contiguous range (SLURM_ARRAY_TASK_ID=${id}, MIN=${min}, ` +
        `MAX=${max}, COUNT=${n}, STEP=${step}); for an array of some indices of N shards use --shard auto/N`,
    );
  }
  return { index: id - min + 1, count: n };
}

/** "i/N" (1-based i). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count)
    throw new UserError(`--shard ${JSON.stringify(text)}: expected i/N with 1 <= i <= N, e.g. --shard 2/8`);
  return { index, count };
}

/**
 * `--shard` as given (undefined: absent) -> the shard to run, or undefined for the whole sweep:
 * i/N; auto (SLURM_ARRAY_TASK_ID/_MIN/_COUNT); auto/N (the task ID is i); absent inside a Slurm
 * array job: auto.
 */
export function resolveShard(text: string | undefined, env: Env = process.env): Shard | undefined {
  if (text === undefined) return inArrayJob(env) ? shardFromEnv(env) : undefined;
  const t = text.trim();
  if (t === 'auto') return shardFromEnv(env);
  const m = /^auto\s*\/\s*(\d+)$/.exec(t);
  if (!m) return parseShard(t);
  const count = Number(m[1]);
  if (count < 1) throw new UserError(`--shard ${t}: N must be at least 1`);
  return shardFromEnv(env, count);
}
