/** Flags of `--slurm` runs (sweep, reproduce) and what they turn into. */
import type { Argv } from 'yargs';
import type { SbatchOptions } from '../experiments/slurm/scripts.js';
import type { Submitted } from '../experiments/slurm/submit.js';
import { mergeOutcome, statusText, taskStatuses } from '../experiments/slurm/status.js';
import { UserError } from '../config/errors.js';
import { inArrayJob, shardFromEnv, type Env } from '../experiments/slurm/shard-env.js';
import type { Shard } from '../experiments/sweep/points.js';
import { parseShard } from './sweep/args.js';

export interface SlurmArgs {
  slurm?: boolean;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  arrayParallel?: number;
  sbatchArg?: string | string[];
  dryRun?: boolean;
  wait?: boolean;
  slurmStatus?: string;
}

const G = 'Slurm (docs/CLUSTER.md):';

export function withSlurmOptions<T>(y: Argv<T>, what: string): Argv<T & SlurmArgs> {
  return y
    .option('slurm', {
      type: 'boolean',
      group: G,
      describe: `run as a Slurm job array: write DIR/slurm/${what}.sbatch and merge.sbatch, submit both (needs -o DIR)`,
    })
    .option('partition', { type: 'string', requiresArg: true, group: G, describe: 'sbatch --partition' })
    .option('time', {
      type: 'string',
      requiresArg: true,
      group: G,
      describe: 'sbatch --time per task (minutes, HH:MM:SS, D-HH:MM)',
    })
    .option('cpus-per-task', {
      type: 'number',
      requiresArg: true,
      group: G,
      describe: 'sbatch --cpus-per-task (each task uses that many workers)',
    })
    .option('array-parallel', {
      type: 'number',
      requiresArg: true,
      group: G,
      describe: 'at most this many array tasks at once (--array=1-N%K)',
    })
    .option('sbatch-arg', {
      type: 'string',
      requiresArg: true,
      group: G,
      describe: 'another sbatch option for both scripts, repeatable: --sbatch-arg=--account=abc',
    })
    .option('dry-run', { type: 'boolean', group: G, describe: 'with --slurm: write the scripts, submit nothing' })
    .option('wait', {
      type: 'boolean',
      group: G,
      describe: 'with --slurm: wait for the merge job; exit 1 naming the failed tasks if it did not complete',
    })
    .option('slurm-status', {
      type: 'string',
      requiresArg: true,
      group: G,
      describe: 'report which tasks of the --slurm run in DIR are done, queued, failed',
    }) as Argv<T & SlurmArgs>;
}

export function sbatchFromArgs(a: SlurmArgs): SbatchOptions {
  const extra = a.sbatchArg === undefined ? [] : [a.sbatchArg].flat().map(String);
  return {
    ...(a.partition !== undefined ? { partition: a.partition } : {}),
    ...(a.time !== undefined ? { time: String(a.time) } : {}),
    ...(a.cpusPerTask !== undefined ? { cpusPerTask: a.cpusPerTask } : {}),
    ...(a.arrayParallel !== undefined ? { arrayParallel: a.arrayParallel } : {}),
    extra,
  };
}

/** Flags that mean something only with --slurm. */
export function checkSlurmOnly(a: SlurmArgs): void {
  if (a.slurm) return;
  const given: Array<[string, unknown]> = [
    ['--partition', a.partition],
    ['--time', a.time],
    ['--cpus-per-task', a.cpusPerTask],
    ['--array-parallel', a.arrayParallel],
    ['--sbatch-arg', a.sbatchArg],
    ['--dry-run', a.dryRun],
    ['--wait', a.wait],
  ];
  for (const [flag, v] of given) if (v !== undefined) throw new UserError(`${flag} needs --slurm`);
}

/** How a Slurm job runs this same rbnn-sim: this node, its flags (a loader), this entry script. */
export function thisCommand(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1]!];
}

/** --slurm-status DIR: prints the table; exit code 1 when a task failed. */
export function printStatus(dir: string, unit: string): number {
  const { plan, tasks } = taskStatuses(dir, { queue: true });
  process.stdout.write(statusText(unit, tasks, plan));
  return tasks.some((t) => t.state === 'failed' || t.state === 'not run') ? 1 : 0;
}

/** Prints the submission; with --wait waits for the merge job and returns the exit code. */
export async function reportSubmission(
  sub: Submitted,
  dir: string,
  tasks: number,
  unit: string,
  wait: boolean,
  quiet: boolean,
): Promise<number> {
  const say = (s: string): void => {
    if (!quiet) process.stderr.write(`${s}\n`);
  };
  if (sub.arrayJob === null) {
    say(`wrote ${sub.files.join(', ')}`);
    say(
      `dry run, nothing submitted; to submit: j=$(sbatch --parsable ${sub.taskScript}) && sbatch --dependency=afterok:$j ${sub.mergeScript}`,
    );
    return 0;
  }
  process.stdout.write(`${sub.arrayJob} ${sub.mergeJob}\n`);
  say(
    `submitted array job ${sub.arrayJob} (${tasks} ${unit}${tasks === 1 ? '' : 's'}) and merge job ${sub.mergeJob} (after all succeed)`,
  );
  say(
    `watch: squeue -j ${sub.arrayJob},${sub.mergeJob}    or: rbnn-sim ${unit === 'shard' ? 'sweep' : 'reproduce'} --slurm-status ${dir}`,
  );
  if (!wait) return 0;
  const failure = await mergeOutcome(dir, sub.mergeJob!, unit);
  if (failure === null) {
    say(`merge job ${sub.mergeJob} completed; outputs in ${dir}`);
    return 0;
  }
  process.stderr.write(`rbnn-sim: ${failure}\n`);
  return 1;
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
  if (m) {
    const count = Number(m[1]);
    if (count < 1) throw new UserError(`--shard ${t}: N must be at least 1`);
    return shardFromEnv(env, count);
  }
  return parseShard(t);
}
