/** Flags of `--slurm` runs (sweep, reproduce) and what they turn into. */
import type { Argv } from 'yargs';
import { UserError } from '../config/errors.js';
import { slurmStatus, submissionLines, thisProcessCommand } from '../experiments/slurm/report.js';
import { flagsFor, namingFlagsSync } from './flag-errors.js';
import { bool, fileError, num, str } from './options.js';
import type { SbatchOptions } from '../experiments/slurm/scripts.js';
import { mergeOutcome } from '../experiments/slurm/status.js';
import type { Submitted } from '../experiments/slurm/submit.js';

export interface SlurmArgs {
  slurm?: boolean;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  arrayParallel?: number;
  sbatchArg?: string | string[];
  dryRun?: boolean;
  wait?: boolean;
  quiet?: boolean;
  slurmStatus?: string;
}

const G = 'Slurm (docs/CLUSTER.md):';
const SBATCH_FLAGS = flagsFor('partition time cpusPerTask arrayParallel', { extra: '--sbatch-arg' });

const D = {
  cpus: 'sbatch --cpus-per-task (each task uses that many workers)',
  sbatchArg: 'another sbatch option for both scripts, repeatable: --sbatch-arg=--account=abc',
  wait: 'with --slurm: wait for the merge job; exit 1 naming the failed tasks if it did not complete',
  status: 'report which tasks of the --slurm run in DIR are done, queued, failed',
};

export function withSlurmOptions<T>(y: Argv<T>, what: string): Argv<T & SlurmArgs> {
  const slurm = `run as a Slurm job array: write DIR/slurm/${what}.sbatch and merge.sbatch, submit both (needs -o DIR)`;
  return y.options({
    slurm: bool(slurm, { group: G }),
    partition: str('sbatch --partition', { group: G }),
    time: str('sbatch --time per task (minutes, HH:MM:SS, D-HH:MM)', { group: G }),
    'cpus-per-task': num(D.cpus, { group: G }),
    'array-parallel': num('at most this many array tasks at once (--array=1-N%K)', { group: G }),
    'sbatch-arg': str(D.sbatchArg, { group: G }),
    'dry-run': bool('with --slurm: write the scripts, submit nothing', { group: G }),
    wait: bool(D.wait, { group: G }),
    'slurm-status': str(D.status, { group: G }),
  }) as Argv<T & SlurmArgs>;
}

/** --slurm-status DIR: prints the table; exit code 1 when a task failed. */
export function printSlurmStatus(dir: string, unit: string): void {
  const { text, failed } = slurmStatus(dir, unit);
  process.stdout.write(text);
  process.exitCode = failed ? 1 : 0;
}

/** Flags that mean something only with --slurm. */
export function checkSlurmOnly(a: SlurmArgs): void {
  if (a.slurm) return;
  const given = { partition: a.partition, time: a.time, 'cpus-per-task': a.cpusPerTask };
  const more = { 'array-parallel': a.arrayParallel, 'sbatch-arg': a.sbatchArg, 'dry-run': a.dryRun, wait: a.wait };
  for (const [flag, v] of Object.entries({ ...given, ...more }))
    if (v !== undefined) throw new UserError(`--${flag} needs --slurm`);
}

/** What a submission needs from the flags, and how to tell the user about it afterwards. */
export function submit(a: SlurmArgs) {
  const sbatch: SbatchOptions = {
    ...(a.partition !== undefined ? { partition: a.partition } : {}),
    ...(a.time !== undefined ? { time: String(a.time) } : {}),
    ...(a.cpusPerTask !== undefined ? { cpusPerTask: a.cpusPerTask } : {}),
    ...(a.arrayParallel !== undefined ? { arrayParallel: a.arrayParallel } : {}),
    extra: a.sbatchArg === undefined ? [] : [a.sbatchArg].flat().map(String),
  };
  /** Prints the submission; with --wait waits for the merge job and returns the exit code. */
  const report = async (sub: Submitted, dir: string, tasks: number, unit: string): Promise<number> => {
    if (sub.arrayJob !== null) process.stdout.write(`${sub.arrayJob} ${sub.mergeJob}\n`);
    for (const line of submissionLines(sub, dir, tasks, unit)) if (!a.quiet) process.stderr.write(`${line}\n`);
    if (sub.arrayJob === null || !a.wait) return 0;
    const failure = await mergeOutcome(dir, sub.mergeJob!, unit);
    if (failure !== null) process.stderr.write(`rbnn-sim: ${failure}\n`);
    else if (!a.quiet) process.stderr.write(`merge job ${sub.mergeJob} completed; outputs in ${dir}\n`);
    return failure === null ? 0 : 1;
  };
  /** Writes (and submits) the array: sbatch option errors name the flags, file errors `what`. */
  const run = <T>(fn: () => T, what: string): T => fileError(() => namingFlagsSync(SBATCH_FLAGS, fn), what);
  return { options: { sbatch, rbnnSim: thisProcessCommand(), dryRun: a.dryRun === true }, run, report };
}
