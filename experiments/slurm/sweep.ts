/**
 * A sweep as a Slurm job array. `rbnn-sim sweep ... --slurm -o DIR` writes
 *
 *   DIR/slurm/spec.json      the sweep spec every shard runs (so all agree on the points)
 *   DIR/slurm/sweep.sbatch   array 1..N: shard i runs `sweep --spec spec.json --shard auto/N
 *                            -o DIR/shards/i` against the shared run store (the training cache)
 *   DIR/slurm/merge.sbatch   after all shards succeed: `sweep --slurm-merge DIR`, which checks
 *                            every shard finished and writes DIR/sweep.csv, sweep.json,
 *                            summary.md and the plots, as an unsharded sweep does
 *
 * and submits them (experiments/slurm/submit.ts).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../../config/errors.js';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { makeDirs } from '../../io/dirs.js';
import { mergeResults, readSweepResult } from '../sweep/merge.js';
import { openSweepOutputs, writeSweepOutputs } from '../sweep/outputs.js';
import { expandPoints, pointConfig } from '../sweep/points.js';
import type { SweepResult } from '../sweep/runner.js';
import { specHash, type SweepSpec } from '../sweep/spec.js';
import { trainingId } from '../work.js';
import { slurmDir, TASK_WORD, type SbatchOptions } from './scripts.js';
import { requireAllDone } from './status.js';
import { submitArray, type Submitted } from './submit.js';

export const SPEC_FILE = 'spec.json';
/** Default shards at most (one per training run, or per point when schedule-only, up to this). */
export const MAX_DEFAULT_SHARDS = 64;

export const shardDir = (dir: string, i: number | string): string => join(dir, 'shards', String(i));

/** Reads a sweep spec written by --slurm (or by hand), checking it expands into points. */
export function readSpecFile(file: string): SweepSpec {
  if (!existsSync(file)) throw new UserError(`--spec ${file}: not found`);
  let spec: SweepSpec;
  try {
    spec = JSON.parse(readFileSync(file, 'utf8')) as SweepSpec;
  } catch (e) {
    throw new UserError(`--spec ${file}: not readable JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (
    spec?.kind !== 'rbnn-sim.sweep-spec' ||
    spec.version !== 1 ||
    !Array.isArray(spec.axes) ||
    !Array.isArray(spec.sets)
  ) {
    throw new UserError(`--spec ${file}: not a sweep spec of rbnn-sim (version 1)`);
  }
  const points = expandPoints(spec);
  if (points.length > 0) pointConfig(points[0]!);
  return spec;
}

/** Units of work of a spec: distinct training runs, or points when schedule-only. */
export function workUnits(spec: SweepSpec): { points: number; units: number } {
  const points = expandPoints(spec);
  if (spec.scheduleOnly) return { points: points.length, units: points.length };
  return { points: points.length, units: new Set(points.map((p) => trainingId(pointConfig(p)))).size };
}

export interface SlurmSweepOptions {
  /** The run folder (outputs, slurm/, shards/). */
  out: string;
  /** Array tasks; default: one per unit of work, at most MAX_DEFAULT_SHARDS. */
  shards?: number;
  /** The shared run store (training cache) folder; null: none. */
  cacheDir: string | null;
  /** How a job runs rbnn-sim: [node, ...its flags, entry script] (absolute paths). */
  rbnnSim: string[];
  /** Working folder of the jobs (default: this process's). */
  cwd?: string;
  plots?: boolean;
  sbatch: SbatchOptions;
  dryRun: boolean;
}

/** Writes DIR/slurm and submits (unless dryRun). Returns what was written and the job ids. */
export function submitSweep(spec: SweepSpec, o: SlurmSweepOptions): Submitted & { shards: number; points: number } {
  const dir = resolve(o.out);
  const { points, units } = workUnits(spec);
  const shards = o.shards ?? Math.max(1, Math.min(units, MAX_DEFAULT_SHARDS));
  if (!Number.isInteger(shards) || shards < 1)
    throw new UserError(`--shards: expected a whole number >= 1, got ${shards}`);
  if (shards > points)
    throw new UserError(`--shards ${shards}: the sweep has only ${points} point${points === 1 ? '' : 's'}`);
  const specFile = join(slurmDir(dir), SPEC_FILE);
  const workers = String(o.sbatch.cpusPerTask ?? 1);
  const plan = {
    what: 'sweep',
    dir,
    id: specHash(spec).slice(0, 8),
    tasks: shards,
    cwd: resolve(o.cwd ?? process.cwd()),
    sbatch: o.sbatch,
    task: [
      ...o.rbnnSim,
      'sweep',
      '--spec',
      specFile,
      '--shard',
      `auto/${shards}`,
      '-o',
      `${dir}/shards/${TASK_WORD}`,
      ...(o.cacheDir === null ? ['--no-cache'] : ['--cache', resolve(o.cacheDir)]),
      '--workers',
      workers,
      '--no-plots',
      '-q',
    ],
    merge: [...o.rbnnSim, 'sweep', '--slurm-merge', dir, ...(o.plots === false ? ['--no-plots'] : [])],
  };
  // Shard results of an earlier submission into this folder must not be taken for this one's.
  for (let i = 1; i <= Math.max(shards, 1); i++) rmSync(join(shardDir(dir, i), 'sweep.json'), { force: true });
  makeDirs(slurmDir(dir));
  writeFileAtomic(specFile, `${JSON.stringify(spec, null, 1)}\n`);
  const sub = submitArray(plan, { dryRun: o.dryRun });
  return { ...sub, files: [specFile, ...sub.files], shards, points };
}

/**
 * The merge step: every shard must have finished (else one line naming each unfinished shard
 * and its log); their results are merged into the unsharded sweep's result.
 */
export function mergeSlurmSweep(out: string): SweepResult {
  const dir = resolve(out);
  const plan = requireAllDone(dir, 'shard');
  const spec = readSpecFile(join(slurmDir(dir), SPEC_FILE));
  const parts = [];
  for (let i = 1; i <= plan.tasks; i++) {
    const name = shardDir(dir, i);
    const result = readSweepResult(name);
    if (result.specHash !== specHash(spec))
      throw new UserError(`${name}: a shard of another sweep (spec ${result.specHash}, expected ${specHash(spec)})`);
    const want = plan.tasks > 1 ? `${i}/${plan.tasks}` : 'all';
    const got = result.shard ? `${result.shard.index}/${result.shard.count}` : 'all';
    if (got !== want) throw new UserError(`${name}: holds shard ${got}, expected ${want}`);
    parts.push({ name, result });
  }
  return mergeResults(parts).result;
}

/**
 * The merge step with its outputs: the run folder is checked and locked before the shards are
 * read, then the merged sweep's files are written into it. Returns the result and the files.
 */
export async function mergeSlurmSweepInto(
  out: string,
  o: { plots: boolean; warn: (message: string) => void },
): Promise<{ result: SweepResult; files: string[] }> {
  const outputs = openSweepOutputs(out, 'rbnn-sim sweep --slurm-merge');
  try {
    const result = mergeSlurmSweep(out);
    return { result, files: await writeSweepOutputs(outputs, result, o) };
  } finally {
    outputs.abort();
  }
}
