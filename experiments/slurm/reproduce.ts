/**
 * A reproduction as a Slurm job array. `rbnn-sim reproduce ... --slurm` writes, in the folder of
 * the report's assets (docs/reproduction/ for docs/REPRODUCTION.md):
 *
 *   slurm/reproduce.sbatch  array 1..N, one training run per task: run i of the product
 *                           rows x learning rates x seeds, written to runs/<run>.json
 *   slurm/merge.sbatch      after all runs succeed: checks every task finished, then runs the
 *                           same `reproduce` command, which finds every run in runs/ (trains
 *                           nothing) and writes the report, results.json, runs.json, figure
 *
 * The local reproduction tries the learning-rate grid on the first seed and then the chosen rate
 * on the other seeds, two waves; as one array it trains every rate on every seed, so that all
 * runs can start at once (rows x rates x seeds runs instead of rows x (rates + seeds - 1)). The
 * report uses the same runs a local reproduction would.
 *
 * runs/ holds one file per run, written atomically; a task claims its run first
 * (experiments/store/claim.ts), so two tasks, or a resubmitted task, never train one run twice.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../../config/errors.js';
import { writeFileAtomic } from '../../sim/report-format.js';
import { configHash, runKey, type RunRecord } from '../reproduce/runs.js';
import { rowConfig, type ReproduceOptions } from '../reproduce/reproduce.js';
import type { RowId } from '../reproduce/rows.js';
import { produceOnce } from '../store/claim.js';
import { stableHash } from '../stable-hash.js';
import { TASK_WORD, type SbatchOptions } from './scripts.js';
import { requireAllDone } from './status.js';
import { submitArray, type Submitted } from './submit.js';

export type RunOptions = Pick<ReproduceOptions, 'rows' | 'seeds' | 'lrGrid' | 'quick' | 'budget' | 'sets'>;

export interface ReproduceRun { row: RowId; learningRate: number; seed: number }

/** Every run of the array, in task order: rows, then learning rates, then seeds. */
export function arrayRuns(o: RunOptions): ReproduceRun[] {
  return o.rows.flatMap((row) => o.lrGrid.flatMap((learningRate) => o.seeds.map((seed) => ({ row, learningRate, seed }))));
}

/** The folder of one-file-per-run records beside runs.json. */
export const runsDir = (assets: string): string => join(assets, 'runs');
const runFile = (assets: string, key: string): string => join(runsDir(assets), `${key.replace(/[^\w.=-]+/g, '_')}.json`);

function readRun(file: string, key: string): RunRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
    return r.key === key && r.result && Array.isArray(r.result.iterations) ? r : undefined;
  } catch {
    return undefined; // unreadable: trained again and replaced
  }
}

/**
 * Array task `index` of `count`: trains its runs (run j goes to task j mod count) into
 * assets/runs/, unless there already. Returns the runs it trained.
 */
export async function runArrayTask(o: RunOptions, assets: string, index: number, count: number,
  log: (s: string) => void = () => {}): Promise<number> {
  const runs = arrayRuns(o).filter((_, j) => j % count === index - 1);
  mkdirSync(runsDir(assets), { recursive: true });
  let trained = 0;
  for (const r of runs) {
    const cfg = rowConfig(r.row, o, r.learningRate, r.seed);
    const key = runKey(r.row, cfg);
    const file = runFile(assets, key);
    const got = await produceOnce(`${file}.claim`, {
      read: () => readRun(file, key),
      produce: async () => {
        const { train } = await import('../../trainer/train.js');
        const { network: _network, ...result } = await train(cfg);
        return {
          key, row: r.row, learningRate: r.learningRate, seed: r.seed, configHash: configHash(cfg),
          model: cfg.model, training: cfg.training, result, finishedAt: new Date().toISOString(),
        } satisfies RunRecord;
      },
      write: (rec) => writeFileAtomic(file, `${JSON.stringify(rec)}\n`),
    });
    if (got.produced) trained++;
    const e = got.value.result;
    log(`${r.row} lr=${r.learningRate} seed=${r.seed}: test ${(e.testError * 100).toFixed(2)} % (${got.produced ? `${e.seconds.toFixed(0)} s` : 'already there'})`);
  }
  return trained;
}

/** The records in assets/runs/ (what the merge step's reproduction adds to its run cache). */
export function readArrayRuns(assets: string): RunRecord[] {
  const dir = runsDir(assets);
  if (!existsSync(dir)) return [];
  const out: RunRecord[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    try {
      const rec = JSON.parse(readFileSync(join(dir, f), 'utf8')) as RunRecord;
      if (typeof rec.key === 'string' && rec.result && Array.isArray(rec.result.iterations)) out.push(rec);
    } catch { /* unreadable: its task trains it again */ }
  }
  return out;
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
    what: 'reproduce', dir: assets, id: stableHash({ flags: s.flags }, 8), tasks, cwd: resolve(s.cwd ?? process.cwd()), sbatch: s.sbatch,
    task: [...s.rbnnSim, 'reproduce', ...s.flags, '--slurm-task', `${TASK_WORD}/${tasks}`],
    merge: [...s.rbnnSim, 'reproduce', ...s.flags, '--slurm-merge'],
  };
  return { ...submitArray(plan, { dryRun: s.dryRun }), tasks };
}

/** The merge step's check: every array task finished (else one line naming each, with its log). */
export function checkArrayDone(assets: string): void {
  requireAllDone(resolve(assets), 'run');
}
