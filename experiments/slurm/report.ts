/** What the `--slurm` runs of sweep and reproduce tell the user, as text a script can print too. */
import type { Submitted } from './submit.js';
import { statusText, taskStatuses } from './status.js';

/** The status of the array run in `dir` (`unit`: shard or run); failed: a task failed or did not run. */
export function slurmStatus(dir: string, unit: string): { text: string; failed: boolean } {
  const { plan, tasks } = taskStatuses(dir, { queue: true });
  return {
    text: statusText(unit, tasks, plan),
    failed: tasks.some((t) => t.state === 'failed' || t.state === 'not run'),
  };
}

/** Lines about a submission: the dry run's files and how to submit, or the jobs and how to watch them. */
export function submissionLines(sub: Submitted, dir: string, tasks: number, unit: string): string[] {
  if (sub.arrayJob === null) {
    const submit = `j=$(sbatch --parsable ${sub.taskScript}) && sbatch --dependency=afterok:$j ${sub.mergeScript}`;
    return [`wrote ${sub.files.join(', ')}`, `dry run, nothing submitted; to submit: ${submit}`];
  }
  const what = `${tasks} ${unit}${tasks === 1 ? '' : 's'}`;
  const command = unit === 'shard' ? 'sweep' : 'reproduce';
  return [
    `submitted array job ${sub.arrayJob} (${what}) and merge job ${sub.mergeJob} (after all succeed)`,
    `watch: squeue -j ${sub.arrayJob},${sub.mergeJob}    or: rbnn-sim ${command} --slurm-status ${dir}`,
  ];
}

/** How a Slurm job runs this same program: this node, its flags (a loader), this entry script. */
export function thisProcessCommand(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1]!];
}
