/**
 * A reproduction as a Slurm job array. `rbnn-sim reproduce ... --slurm` writes, in the folder of
 * the report's assets (docs/reproduction/ for docs/REPRODUCTION.md):
 *
 *   slurm/reproduce.sbatch  array 1..N, one training run per task: run i of the product
 *                           rows x learning rates x seeds, into the reproduction's run store
 *                           (training/, one file per run; experiments/run-store.ts)
 *   slurm/merge.sbatch      after all runs succeed: checks every task finished, then runs the
 *                           same `reproduce` command, which finds every run in the store (and
 *                           trains nothing) and writes the report, results.json and the figure
 *
 * The local reproduction tries the learning-rate grid on the first seed and then the chosen rate
 * on the other seeds, two waves; as one array it trains every rate on every seed, so that all
 * runs can start at once (rows x rates x seeds runs instead of rows x (rates + seeds - 1)). The
 * report uses the same runs a local reproduction would.
 *
 * Tasks obtain their runs through the store's claims (experiments/store/claim.ts), so two tasks,
 * or a resubmitted task, never train one run twice.
 */
import { resolve } from 'node:path';
import { UserError } from '../../config/errors.js';
import { rowConfig, type ReproduceOptions } from '../reproduce/reproduce.js';
import type { RowId } from '../reproduce/rows.js';
import { RunStore, trainingKey, trainingMaterial } from '../run-store.js';
import { stableHash } from '../stable-hash.js';
import { trainRecorded } from '../work.js';
import { TASK_WORD, type SbatchOptions } from './scripts.js';
import { requireAllDone } from './status.js';
import { submitArray, type Submitted } from './submit.js';

export type RunOptions = Pick<
  ReproduceOptions,
  'rows' | 'seeds' | 'lrGrid' | 'quick' | 'budget' | 'sets' | 'paper' | 'rowLearningRates'
>;

export interface ReproduceRun {
  row: RowId;
  learningRate: number;
  seed: number;
}

/** Every run of the array, in task order: rows, then learning rates, then seeds. */
export function arrayRuns(o: RunOptions): ReproduceRun[] {
  return o.rows.flatMap((row) => {
    // A row whose learning rate is given (--lr-from) has no grid.
    const given = o.rowLearningRates?.[row];
    return (given !== undefined ? [given] : o.lrGrid).flatMap((learningRate) =>
      o.seeds.map((seed) => ({ row, learningRate, seed })),
    );
  });
}

/**
 * Array task `index` of `count`: trains its runs (run j goes to task j mod count) into the run
 * store in `assets`, unless there already. Returns how many it trained.
 */
export async function runArrayTask(
  o: RunOptions,
  assets: string,
  index: number,
  count: number,
  log: (s: string) => void = () => {},
): Promise<number> {
  const store = new RunStore(assets, log);
  let trained = 0;
  for (const r of arrayRuns(o).filter((_, j) => j % count === index - 1)) {
    const cfg = rowConfig(r.row, o, r.learningRate, r.seed);
    const got = await store.obtain(trainingKey(cfg), trainingMaterial(cfg), () => trainRecorded(cfg));
    if (got.trained) trained++;
    const e = got.record.result;
    log(
      `${r.row} lr=${r.learningRate} seed=${r.seed}: test ${(e.testError * 100).toFixed(2)} % ` +
        `(${got.trained ? `${e.seconds.toFixed(0)} s` : 'already in the store'})`,
    );
  }
  return trained;
}

export interface SlurmReproduceOptions {
  /** The assets folder of the report (holds runs.json; gets slurm/ and runs/). */
  assets: string;
  /** reproduce's flags stating the reproduction (as a local run would get them), without --slurm flags. */
  flags: string[];
  rbnnSim: string[];
  cwd?: string;
  sbatch: SbatchOptions;
  dryRun: boolean;
}

/** Writes assets/slurm and submits (unless dryRun): one task per run, then the merge step. */
export function submitReproduce(o: RunOptions, s: SlurmReproduceOptions): Submitted & { tasks: number } {
  const assets = resolve(s.assets);
  const tasks = arrayRuns(o).length;
  if (tasks === 0) throw new UserError('reproduce --slurm: no runs to train');
  const plan = {
    what: 'reproduce',
    dir: assets,
    id: stableHash({ flags: s.flags }, 8),
    tasks,
    cwd: resolve(s.cwd ?? process.cwd()),
    sbatch: s.sbatch,
    task: [...s.rbnnSim, 'reproduce', ...s.flags, '--slurm-task', `${TASK_WORD}/${tasks}`],
    merge: [...s.rbnnSim, 'reproduce', ...s.flags, '--slurm-merge'],
  };
  return { ...submitArray(plan, { dryRun: s.dryRun }), tasks };
}

/** The merge step's check: every array task finished (else one line naming each, with its log). */
export function checkArrayDone(assets: string): void {
  requireAllDone(resolve(assets), 'run');
}
