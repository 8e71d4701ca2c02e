/**
 * The two batch scripts of a job array run (a sweep's shards, a reproduction's training runs):
 *
 *   DIR/slurm/array.sbatch-like task script (sweep.sbatch, reproduce.sbatch): one task per array index
 *     1..N, its log in DIR/slurm/logs/task-<i>.out, its start and exit code in DIR/slurm/state/;
 *   DIR/slurm/merge.sbatch: the step that checks every task finished and writes the outputs,
 *     submitted with --dependency=afterok:<array job>.
 *
 * Commands are written as absolute paths (node, the rbnn-sim entry point, every file), single
 * quoted, so the scripts run the same code from any node of the cluster that sees the folder.
 */
import { UserError } from '../../config/errors.js';

export interface SbatchOptions {
  partition?: string;
  /** Time limit per task (Slurm's formats: minutes, MM:SS, HH:MM:SS, D-HH). */
  time?: string;
  cpusPerTask?: number;
  /** At most this many tasks at once (the %K of --array). */
  arrayParallel?: number;
  /** Further sbatch options, one per entry, e.g. "--account=abc" (both scripts). */
  extra?: string[];
}

export interface ArrayPlan {
  /** What runs: 'sweep' or 'reproduce' (names the scripts and the jobs). */
  what: string;
  /** The run folder DIR (absolute). */
  dir: string;
  /** Short identity of the run (a spec hash), in the job names. */
  id: string;
  tasks: number;
  /** The command of task i; the word TASK_WORD stands for the task number. */
  task: string[];
  /** The merge step's command. */
  merge: string[];
  /** Working folder of the jobs (absolute): where relative paths of the configuration point. */
  cwd: string;
  sbatch: SbatchOptions;
}

/** Stands for the array task number in ArrayPlan.task (written as "$i"). */
export const TASK_WORD = '\u0000TASK\u0000';

export const slurmDir = (dir: string): string => `${dir}/slurm`;
export const taskLog = (dir: string, i: number | string): string => `${slurmDir(dir)}/logs/task-${i}.out`;
export const mergeLog = (dir: string): string => `${slurmDir(dir)}/logs/merge.out`;
export const stateDir = (dir: string): string => `${slurmDir(dir)}/state`;
export const taskScript = (dir: string, what: string): string => `${slurmDir(dir)}/${what}.sbatch`;
export const mergeScript = (dir: string): string => `${slurmDir(dir)}/merge.sbatch`;
export const jobName = (plan: Pick<ArrayPlan, 'what' | 'id'>, step: 'tasks' | 'merge'): string =>
  `rbnn-sim-${plan.what}-${step === 'tasks' ? '' : 'merge-'}${plan.id}`;

/** A word for bash: single quoted unless plainly safe. */
export function shellWord(s: string): string {
  if (s === TASK_WORD) return '"$i"';
  if (s.includes(TASK_WORD))
    return s
      .split(TASK_WORD)
      .map((p) => (p === '' ? '' : shellWord(p)))
      .join('"$i"');
  return /^[\w./,:=+@%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Checks the sbatch options (one line naming the field on a mistake: time, cpusPerTask, extra, ...). */
export function checkSbatchOptions(o: SbatchOptions): void {
  const line = (field: string, v: string): void => {
    if (v.trim() === '' || /[\n\r]/.test(v))
      throw new UserError(`${field}: expected one line of text, got ${JSON.stringify(v)}`);
  };
  if (o.partition !== undefined) line('partition', o.partition);
  if (o.time !== undefined) {
    line('time', o.time);
    if (!/^(\d+-)?\d+(:\d+){0,2}$|^\d+-\d+$/.test(o.time.trim()) && !/^(infinite|unlimited)$/i.test(o.time.trim())) {
      throw new UserError(
        `time: expected a Slurm time limit (minutes, HH:MM:SS or D-HH:MM), got ${JSON.stringify(o.time)}`,
      );
    }
  }
  for (const [field, v] of [
    ['cpusPerTask', o.cpusPerTask],
    ['arrayParallel', o.arrayParallel],
  ] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1))
      throw new UserError(`${field}: expected a whole number >= 1, got ${v}`);
  }
  for (const a of o.extra ?? []) {
    line('extra', a);
    if (!a.startsWith('-'))
      throw new UserError(`extra: expected an sbatch option such as --account=abc, got ${JSON.stringify(a)}`);
  }
}

function commonHeader(plan: ArrayPlan, step: 'tasks' | 'merge', log: string): string[] {
  const o = plan.sbatch;
  return [
    `#SBATCH --job-name=${jobName(plan, step)}`,
    `#SBATCH --output=${log}`,
    `#SBATCH --chdir=${plan.cwd}`,
    ...(o.partition !== undefined ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.time !== undefined ? [`#SBATCH --time=${o.time.trim()}`] : []),
    ...(o.extra ?? []).map((a) => `#SBATCH ${a}`),
  ];
}

/** The array script: task i runs plan.task with i, recording its start and exit code. */
export function taskScriptText(plan: ArrayPlan): string {
  const o = plan.sbatch;
  const array = `1-${plan.tasks}${o.arrayParallel !== undefined ? `%${o.arrayParallel}` : ''}`;
  return [
    '#!/bin/bash',
    `# rbnn-sim ${plan.what} on Slurm, written by rbnn-sim ${plan.what} --slurm: array task i runs task i of ` +
      `${plan.tasks}.`,
    `# Rerun some tasks only: j=$(sbatch --parsable --array=3,7 ${taskScript(plan.dir, plan.what)})`,
    `#   then: sbatch --dependency=afterok:$j ${mergeScript(plan.dir)}     (see docs/CLUSTER.md)`,
    `#SBATCH --array=${array}`,
    ...commonHeader(plan, 'tasks', taskLog(plan.dir, '%a')),
    ...(o.cpusPerTask !== undefined ? [`#SBATCH --cpus-per-task=${o.cpusPerTask}`] : []),
    'set -u',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a template
    'i=${SLURM_ARRAY_TASK_ID:?not a task of a Slurm job array}',
    `state=${shellWord(stateDir(plan.dir))}`,
    'mkdir -p "$state"',
    'rm -f "$state/$i.exit"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a template
    'echo "job ${SLURM_ARRAY_JOB_ID:-?}_$i (${SLURM_JOB_ID:-?}) on $(hostname)' +
      ' since $(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$state/$i.started"',
    'code=0',
    `${plan.task.map(shellWord).join(' ')} || code=$?`,
    'echo "$code" >"$state/$i.exit"',
    'exit "$code"',
    '',
  ].join('\n');
}

/** The merge script (its dependency on the array is given when it is submitted). */
export function mergeScriptText(plan: ArrayPlan): string {
  return [
    '#!/bin/bash',
    `# rbnn-sim ${plan.what} on Slurm: checks that every task of the array finished and writes the outputs.`,
    `# Submitted with --dependency=afterok:<array job id>.`,
    ...commonHeader(plan, 'merge', mergeLog(plan.dir)),
    'set -u',
    `exec ${plan.merge.map(shellWord).join(' ')}`,
    '',
  ].join('\n');
}
