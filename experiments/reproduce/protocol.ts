/**
 * The training protocols of `rbnn-sim reproduce`:
 *
 * - `equal-epochs` (the default, docs/REPRODUCTION.md): every row gets the same total epochs
 *   (RBNN 5 per iteration, conventional 20), times `--budget`;
 * - `paper` (docs/REPRODUCTION-PAPER-PROTOCOL.md): the paper's own protocol, every training (each
 *   RBNN iteration, each conventional network) run until its validation error has not improved
 *   for `patience` epochs or `cap` epochs have run, its best-validation weights kept; the RBNN
 *   schedule stops adding sub-networks when an iteration does not beat the best earlier one
 *   (`model.iterationPatience = 1`, the paper's Figure 2 rule) or the row's iterations are done.
 *
 * Under `paper` the learning rate still decays per epoch (our recipe has no other way to
 * settle: the decay sets where the rate becomes too small for any update to survive the
 * narrowing to one LSB, so early stopping then ends the training); the default decay is the
 * `--budget 5` reproduction's, 0.8^(1/5) per epoch. The learning rate per row is either chosen
 * on validation from the `--lr` grid, as under `equal-epochs`, or taken from earlier
 * reproductions' results.json (`--lr-from`), which chose it on validation there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../../config/errors.js';
import type { Config } from '../../config/schema.js';
import type { TrainResult } from '../../model/results.js';
import { costRun, type CostPoint } from './costs.js';
import { PAPER_TABLE2, ROW_IDS, type RowId } from './rows.js';

export type ProtocolName = 'equal-epochs' | 'paper';

export interface PaperProtocol {
  /** Epochs at most per training (RBNN: per iteration). */
  cap: number;
  /** Epochs without validation improvement after which a training stops. */
  patience: number;
  /** Learning-rate decay per epoch. */
  lrDecay: number;
}

/** The paper trains "up to 1000 epochs" (Section 4). */
export const DEFAULT_CAP = 1000;
/**
 * Longest run of epochs without a new best validation error seen in the `--budget 5`
 * reproduction's 27 trainings at this decay (docs/reproduction-100-epochs/training/): 24
 * epochs (B2); 25 lets every one of them reach the best epoch it found.
 */
export const DEFAULT_PATIENCE = 25;
/** The `--budget 5` reproduction's per-epoch decay: 0.8^(1/5). */
export const DEFAULT_PAPER_DECAY = 0.8 ** (1 / 5);

export function checkPaperProtocol(p: PaperProtocol): void {
  if (!Number.isInteger(p.cap) || p.cap < 1)
    throw new UserError(`cap: expected a whole number of epochs of at least 1, got ${p.cap}`);
  if (!Number.isInteger(p.patience) || p.patience < 1) {
    throw new UserError(`patience: expected a whole number of epochs of at least 1, got ${p.patience}`);
  }
  if (!(p.lrDecay > 0 && p.lrDecay <= 1)) throw new UserError(`lrDecay: expected a number in (0, 1], got ${p.lrDecay}`);
}

/** The configuration settings of the paper protocol for one row (after its preset). */
export function paperProtocolSets(row: RowId, p: PaperProtocol): string[] {
  const sets = [`training.epochs=${p.cap}`, `training.epochPatience=${p.patience}`, `training.lrDecay=${p.lrDecay}`];
  if (PAPER_TABLE2[row].model === 'rbnn') sets.push('model.iterationPatience=1');
  return sets;
}

/** Where a row's learning rate was chosen: that reproduction's results.json and its decay per epoch. */
export interface LearningRateSource {
  file: string;
  lrDecay: number;
}

/**
 * The learning rate each row chose on validation in earlier reproductions: the first of `files`
 * (results.json of `rbnn-sim reproduce`) that holds the row gives it.
 */
export function learningRatesFrom(files: string[], rows: readonly RowId[]): Partial<Record<RowId, number>> {
  return Object.fromEntries(
    Object.entries(learningRatesWithSources(files, rows)).map(([id, x]) => [id, x.learningRate]),
  );
}

export function learningRatesWithSources(
  files: string[],
  rows: readonly RowId[],
): Partial<Record<RowId, LearningRateSource & { learningRate: number }>> {
  const out: Partial<Record<RowId, LearningRateSource & { learningRate: number }>> = {};
  for (const file of files) {
    if (!existsSync(file)) throw new UserError(`lrFrom: ${file} does not exist`);
    let parsed: { kind?: string; rows?: Array<{ id?: string; learningRate?: number; lrDecay?: number }> };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
    } catch (e) {
      throw new UserError(`lrFrom: ${file} is not JSON (${(e as Error).message})`);
    }
    if (parsed.kind !== 'rbnn-sim.reproduction' || !Array.isArray(parsed.rows)) {
      throw new UserError(`lrFrom: ${file} is not a results.json of rbnn-sim reproduce`);
    }
    for (const r of parsed.rows) {
      const id = r.id as RowId;
      if (!ROW_IDS.includes(id) || out[id] !== undefined) continue;
      if (typeof r.learningRate !== 'number' || !(r.learningRate > 0) || typeof r.lrDecay !== 'number') {
        throw new UserError(`lrFrom: ${file}: row ${id} has no learning rate and decay`);
      }
      out[id] = { learningRate: r.learningRate, file, lrDecay: r.lrDecay };
    }
  }
  const missing = rows.filter((r) => out[r] === undefined);
  if (missing.length > 0)
    throw new UserError(`lrFrom: no learning rate for ${missing.join(', ')} in ${files.join(', ')}`);
  return out;
}

/** The mean of numeric cost fields over runs; where things are placed comes from the first. */
export function meanCost(points: CostPoint[]): CostPoint {
  const first = points[0]!;
  const mean = (f: (c: CostPoint) => number): number => points.reduce((s, c) => s + f(c), 0) / points.length;
  const perSample = points.every((c) => c.energyPerTrainingSample !== null)
    ? mean((c) => c.energyPerTrainingSample!)
    : null;
  return {
    ...first,
    energy: mean((c) => c.energy),
    dynamicEnergy: mean((c) => c.dynamicEnergy),
    leakageEnergy: mean((c) => c.leakageEnergy),
    energyPerTrainingSample: perSample,
    energySram: mean((c) => c.energySram),
    energyDram: mean((c) => c.energyDram),
    energyMac: mean((c) => c.energyMac),
    dramReadBytes: mean((c) => c.dramReadBytes),
    dramWriteBytes: mean((c) => c.dramWriteBytes),
    cycles: mean((c) => c.cycles),
    seconds: mean((c) => c.seconds),
    macSteps: mean((c) => c.macSteps),
  };
}

/**
 * Under the paper protocol a row's runs stop at different epochs: each seed's run is costed with
 * the epochs per iteration it used (the schedule enumerator given them emits that run's stream),
 * and the row's cost is the mean over its seeds.
 */
export async function costConvergedRuns(
  cfg: Config,
  runs: TrainResult[],
  sramBits: number,
  frozen: 'recompute' | 'cache',
): Promise<{ mean: CostPoint; perRun: CostPoint[] }> {
  const perRun: CostPoint[] = [];
  for (const r of runs)
    perRun.push(
      await costRun(
        cfg,
        sramBits,
        frozen,
        r.iterations.map((i) => i.epochsRun),
      ),
    );
  return { mean: meanCost(perRun), perRun };
}
