/**
 * Writing an array run's folder (DIR/slurm: the two scripts and plan.json) and submitting it:
 * the array with `sbatch --parsable`, then the merge step with --dependency=afterok on it.
 * Slurm's client commands are found on PATH (SBATCH, SQUEUE, SCONTROL override them).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../config/errors.js';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { makeDirs } from '../../io/dirs.js';
import {
  checkSbatchOptions,
  jobName,
  mergeLog,
  mergeScript,
  mergeScriptText,
  slurmDir,
  stateDir,
  taskLog,
  taskScript,
  taskScriptText,
  type ArrayPlan,
} from './scripts.js';

export const PLAN_FILE = 'plan.json';

/** What `--slurm` wrote and submitted, kept in DIR/slurm/plan.json. */
export interface PlanRecord {
  kind: 'rbnn-sim.slurm-plan';
  version: 1;
  what: string;
  id: string;
  tasks: number;
  taskScript: string;
  mergeScript: string;
  taskJobName: string;
  /** Submissions, oldest first (empty: written with --dry-run). */
  jobs: Array<{ array: string; merge: string; submittedAt: string }>;
}

export interface Submitted {
  files: string[];
  taskScript: string;
  mergeScript: string;
  arrayJob: string | null;
  mergeJob: string | null;
}

/** A Slurm client command (sbatch, squeue, scontrol), from PATH or its environment variable. */
export function slurmCommand(name: 'sbatch' | 'squeue' | 'scontrol'): string {
  return process.env[name.toUpperCase()] ?? name;
}

const SLURM_TIMEOUT_MS = 30_000;

/** Runs a Slurm client command; its failure becomes one line naming it. */
export function runSlurm(name: 'sbatch' | 'squeue' | 'scontrol', args: string[]): string {
  try {
    // Slurm's clients retry for a minute when the controller or its configuration is missing.
    return execFileSync(slurmCommand(name), args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: SLURM_TIMEOUT_MS,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string; status?: number };
    if (err.code === 'ETIMEDOUT')
      throw new UserError(`${name} ${args.join(' ')}: no answer in ${SLURM_TIMEOUT_MS / 1000} s`);
    if (err.code === 'ENOENT')
      throw new UserError(
        `${name} not found on PATH: run this on a Slurm login node (or --dry-run to write the scripts only)`,
      );
    const msg =
      String(err.stderr ?? '')
        .trim()
        .split('\n')
        .pop() || `exit code ${err.status}`;
    throw new UserError(`${name} ${args.join(' ')}: ${msg}`);
  }
}

export function readPlan(dir: string): PlanRecord {
  const file = join(slurmDir(dir), PLAN_FILE);
  if (!existsSync(file)) throw new UserError(`${dir}: no ${file} (not a folder written by --slurm)`);
  try {
    const p = JSON.parse(readFileSync(file, 'utf8')) as PlanRecord;
    if (p.kind !== 'rbnn-sim.slurm-plan' || p.version !== 1 || !Number.isInteger(p.tasks))
      throw new Error('not a plan of this version');
    return p;
  } catch (e) {
    throw new UserError(`${file}: not readable (${(e as Error).message.split('\n')[0]})`);
  }
}

/**
 * Writes DIR/slurm (scripts, plan.json, empty logs/ and state/) and, unless `dryRun`, submits the
 * array and the merge step. State of an earlier submission into DIR is removed first (its task
 * outputs are the caller's to clear), so the status never mixes two runs.
 */
export function submitArray(plan: ArrayPlan, opts: { dryRun: boolean }): Submitted {
  checkSbatchOptions(plan.sbatch);
  if (!Number.isInteger(plan.tasks) || plan.tasks < 1)
    throw new UserError(`expected at least one array task, got ${plan.tasks}`);
  const sd = slurmDir(plan.dir);
  makeDirs(join(sd, 'logs'));
  rmSync(stateDir(plan.dir), { recursive: true, force: true });
  makeDirs(stateDir(plan.dir));
  for (let i = 1; i <= plan.tasks; i++) rmSync(taskLog(plan.dir, i), { force: true });
  rmSync(mergeLog(plan.dir), { force: true });
  const tScript = taskScript(plan.dir, plan.what);
  const mScript = mergeScript(plan.dir);
  writeFileAtomic(tScript, taskScriptText(plan));
  writeFileAtomic(mScript, mergeScriptText(plan));
  chmodSync(tScript, 0o755);
  chmodSync(mScript, 0o755);
  const record: PlanRecord = {
    kind: 'rbnn-sim.slurm-plan',
    version: 1,
    what: plan.what,
    id: plan.id,
    tasks: plan.tasks,
    taskScript: tScript,
    mergeScript: mScript,
    taskJobName: jobName(plan, 'tasks'),
    jobs: [],
  };
  const planFile = join(sd, PLAN_FILE);
  const files = [tScript, mScript, planFile];
  if (opts.dryRun) {
    writeFileAtomic(planFile, `${JSON.stringify(record, null, 1)}\n`);
    return { files, taskScript: tScript, mergeScript: mScript, arrayJob: null, mergeJob: null };
  }
  const arrayJob = parsableId(runSlurm('sbatch', ['--parsable', tScript]));
  let mergeJob: string;
  try {
    mergeJob = parsableId(runSlurm('sbatch', ['--parsable', `--dependency=afterok:${arrayJob}`, mScript]));
  } catch (e) {
    throw new UserError(
      `${(e as Error).message} (the array job ${arrayJob} was submitted; cancel it with scancel ${arrayJob})`,
    );
  }
  record.jobs.push({ array: arrayJob, merge: mergeJob, submittedAt: new Date().toISOString() });
  writeFileAtomic(planFile, `${JSON.stringify(record, null, 1)}\n`);
  return { files, taskScript: tScript, mergeScript: mScript, arrayJob, mergeJob };
}

/** "123" or "123;cluster" (sbatch --parsable) -> "123". */
function parsableId(out: string): string {
  const id = out.trim().split(';')[0]!;
  if (!/^\d+$/.test(id)) throw new UserError(`sbatch --parsable printed ${JSON.stringify(out.trim())}, not a job id`);
  return id;
}
