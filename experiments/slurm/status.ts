/**
 * Where the tasks of an array run stand, without Slurm accounting (sacct needs slurmdbd, which
 * many clusters and every test setup lack): each task script records its start and exit code in
 * DIR/slurm/state/ (experiments/slurm/scripts.ts), and squeue tells the tasks still queued.
 *
 *   done      exit code 0 recorded
 *   pending / running (or another squeue state)   in the queue
 *   failed    a non-zero exit code; or started, no exit code and no longer queued (killed:
 *             time limit, memory, node failure, scancel)
 *   not run   neither started nor queued (cancelled before it started, or never submitted)
 */
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../../config/errors.js';
import { stateDir, taskLog } from './scripts.js';
import { readPlan, runSlurm, type PlanRecord } from './submit.js';

export type TaskState = 'done' | 'failed' | 'not run' | string;

export interface TaskStatus {
  index: number;
  state: TaskState;
  detail: string;
  log: string;
}

const read = (file: string): string | null => (existsSync(file) ? readFileSync(file, 'utf8').trim() : null);

/** Array task number -> squeue state (lower case) of the tasks of job name `name`; null: squeue not usable. */
export function queuedTasks(name: string): Map<number, string> | null {
  let out: string;
  try {
    out = runSlurm('squeue', ['-h', '-r', '-n', name, '-o', '%K %T']);
  } catch {
    return null;
  }
  const m = new Map<number, string>();
  for (const line of out.split('\n')) {
    const [k, state] = line.trim().split(/\s+/);
    if (k !== undefined && /^\d+$/.test(k) && state) m.set(Number(k), state.toLowerCase());
  }
  return m;
}

/** The status of every task of the run in `dir`; `queue`: ask squeue about the unfinished ones. */
export function taskStatuses(dir: string, opts: { queue: boolean }): { plan: PlanRecord; tasks: TaskStatus[] } {
  const plan = readPlan(dir);
  const queued = opts.queue ? queuedTasks(plan.taskJobName) : null;
  const tasks: TaskStatus[] = [];
  for (let i = 1; i <= plan.tasks; i++) {
    const log = taskLog(dir, i);
    const exit = read(`${stateDir(dir)}/${i}.exit`);
    const started = read(`${stateDir(dir)}/${i}.started`);
    const q = queued?.get(i);
    let state: TaskState;
    let detail = '';
    if (exit === '0') {
      state = 'done';
      detail = started ?? '';
    } else if (q !== undefined) {
      state = q;
      detail = started ?? '';
    } else if (exit !== null) {
      state = 'failed';
      detail = `exit code ${exit}`;
    } else if (started !== null) {
      state = 'failed';
      detail =
        'no exit code: killed (time limit, memory, node failure or scancel)' +
        (queued ? '' : ' or still running (squeue not available)');
    } else {
      state = queued ? 'not run' : 'not started';
      detail = queued
        ? 'not in the queue: cancelled before it started, or not submitted'
        : 'pending, or cancelled before it started (squeue not available)';
    }
    tasks.push({ index: i, state, detail, log });
  }
  return { plan, tasks };
}

/**
 * For the merge step: every task must be done. Otherwise one line naming each unfinished task
 * (`unit` i/N, its state, its log).
 */
export function requireAllDone(dir: string, unit: string): PlanRecord {
  const { plan, tasks } = taskStatuses(dir, { queue: false });
  const bad = tasks.filter((t) => t.state !== 'done');
  if (bad.length > 0) {
    const list = bad.map((t) => {
      const what = t.state === 'not started' ? 'did not run' : t.state;
      return (
        `${unit} ${t.index}/${plan.tasks} ${what} (${t.state === 'failed' ? t.detail : 'no exit code'}), log ` +
        `${t.log}`
      );
    });
    throw new UserError(`${bad.length} of ${plan.tasks} ${unit}s did not finish: ${list.join('; ')}`);
  }
  return plan;
}

/** A status report: one line per task, a count, and what to resubmit. */
export function statusText(unit: string, tasks: TaskStatus[], plan: PlanRecord): string {
  const width = String(plan.tasks).length;
  const lines = tasks.map(
    (t) =>
      `${unit} ${String(t.index).padStart(width)}/${plan.tasks}  ${t.state.padEnd(9)}  ${t.detail}` +
      (t.state === 'done' ? '' : `  log: ${t.log}`),
  );
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  lines.push([...counts].map(([s, n]) => `${n} ${s}`).join(', '));
  const redo = tasks.filter((t) => t.state === 'failed' || t.state === 'not run').map((t) => t.index);
  if (redo.length > 0) {
    lines.push(
      `resubmit them: j=$(sbatch --parsable --array=${redo.join(',')} ${plan.taskScript})` +
        ` && sbatch --dependency=afterok:$j ${plan.mergeScript}`,
    );
  }
  const last = plan.jobs[plan.jobs.length - 1];
  if (last) lines.push(`jobs: array ${last.array}, merge ${last.merge}`);
  return `${lines.join('\n')}\n`;
}

/** `scontrol show job -o ID` as fields (JobState, Reason, ExitCode, ...); null: Slurm no longer knows it. */
export function jobFields(id: string): Record<string, string> | null {
  let out: string;
  try {
    out = runSlurm('scontrol', ['show', 'job', '-o', id]);
  } catch (e) {
    if (/Invalid job id/i.test((e as Error).message)) return null;
    throw e;
  }
  const first = out.split('\n')[0] ?? '';
  const f: Record<string, string> = {};
  for (const m of first.matchAll(/(\w+)=(\S*)/g)) if (!(m[1]! in f)) f[m[1]!] = m[2]!;
  return f;
}

const FINAL = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
]);

/**
 * Waits for job `id` to end. `sbatch --wait` is not used: on a job cancelled for a dependency
 * that can never be satisfied it exits 0. A job pending on such a dependency (clusters without
 * kill_invalid_depend keep it) counts as ended. Returns its final JobState and Reason; null
 * when Slurm forgot the job (MinJobAge) before we looked.
 */
export async function waitForJob(
  id: string,
  opts: { pollMs?: number } = {},
): Promise<{ state: string; reason: string } | null> {
  for (;;) {
    const f = jobFields(id);
    if (f === null) return null;
    const state = (f.JobState ?? '').toUpperCase();
    const reason = f.Reason ?? '';
    if (FINAL.has(state) || (state === 'PENDING' && /DependencyNeverSatisfied/i.test(reason))) return { state, reason };
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 2000));
  }
}

/**
 * Waits for the merge job `mergeJob` of the run in `dir`: null when it completed, else one line
 * naming every task that did not finish (`unit` i/N, state, log). A merge cancelled for a failed
 * task (kill_invalid_depend) ends before the rest of the array, which is let drain first.
 */
export async function mergeOutcome(
  dir: string,
  mergeJob: string,
  unit: string,
  opts: { pollMs?: number } = {},
): Promise<string | null> {
  const end = await waitForJob(mergeJob, opts);
  if (end?.state === 'COMPLETED') return null;
  const plan = readPlan(dir);
  for (let q = queuedTasks(plan.taskJobName); q !== null && q.size > 0; q = queuedTasks(plan.taskJobName)) {
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 2000));
  }
  const { tasks } = taskStatuses(dir, { queue: true });
  const bad = tasks
    .filter((t) => t.state !== 'done')
    .map((t) => `${unit} ${t.index}/${plan.tasks} ${t.state}${t.detail ? ` (${t.detail})` : ''}, log ${t.log}`);
  const how = end ? `${end.state} (${end.reason})` : 'unknown to Slurm';
  return `merge job ${mergeJob} ${how}: ${bad.length ? bad.join('; ') : `see ${dir}/slurm/logs/merge.out`}`;
}
