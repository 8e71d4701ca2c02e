/**
 * `rbnn-sim reproduce`: the paper's Table 2 (R1, R2, R3, B1, B2, B3) trained over several seeds,
 * one learning rate per row chosen by validation error from a small grid (as the paper tuned one
 * learning rate per network), compared with the paper side by side; the headline claims checked
 * with our numbers; and what the paper left open (energy, DRAM traffic, time; recomputing vs
 * caching frozen sub-networks) costed on the simulated accelerator.
 *
 * Every finished (row, learning rate, seed) run is kept in the engine's run store (one file per
 * run under `store`/training/), so an interrupted reproduction continues where it stopped. Runs
 * train in the engine's worker pool (experiments/pool.ts), heaviest first.
 */
import { join, resolve } from 'node:path';
import { resolveConfig, defaultConfig } from '../../config/load.js';
import { Simulator } from '../../sim/simulator.js';
import { hardwareHeadline } from '../../sim/report-format.js';
import type { Config } from '../../config/schema.js';
import { UserError } from '../../config/errors.js';
import type { TrainResult } from '../../model/results.js';
import { PAPER_TABLE2, type PaperRow, type RowId } from './rows.js';
import { RunStore, trainingKey, trainingMaterial } from '../run-store.js';
import { heaviestFirst, inProcessExecutor, poolExecutor, type Executor } from '../pool.js';
import { trainingWeight } from '../work.js';
import { LegacyRuns } from './runs.js';
import { costRun, learningOps, type CostPoint, type LearningOps } from './costs.js';
import { checkClaims, type Claim } from './claims.js';
import { MissingRun, storedRuns } from './store-only.js';
import { costConvergedRuns, paperProtocolSets, type LearningRateSource, type PaperProtocol } from './protocol.js';

export interface ReproduceOptions {
  rows: RowId[];
  seeds: number[];
  /** Learning rates tried per row (on the first seed); one value: no selection. */
  lrGrid: number[];
  quick: boolean;
  /**
   * Epoch budget multiplier (1: the presets' 5 per iteration / 20 in all): every row's epochs
   * times this, its per-epoch learning-rate decay to the 1/budget power, so each iteration
   * still ends at the same fraction of its starting rate. Rows keep equal totals.
   */
  budget: number;
  /** `path=value` overrides applied to every row after the preset (and the quick settings). */
  sets: string[];
  /** The paper's protocol (experiments/reproduce/protocol.ts); absent: equal epochs. */
  paper?: PaperProtocol;
  /** Rows whose learning rate is given (chosen on validation elsewhere): no grid for them. */
  rowLearningRates?: Partial<Record<RowId, number>>;
  /** Where each given learning rate was chosen (for the report). */
  learningRateSources?: Partial<Record<RowId, LearningRateSource>>;
  /** Trainings at once: 1 in this process, more in the engine's pool of worker threads. */
  jobs: number;
  /** SRAM capacities (bits) to cost every row on; the default accelerator's is always included. */
  sramSizes: number[];
  /** The run store folder (runs in `store`/training/; a runs.json of older versions there is read too). */
  store: string;
  /** Ignore (and overwrite) the runs already stored. */
  fresh: boolean;
  /** Train nothing: every run from the store, by key or by configuration (experiments/reproduce/store-only.ts). */
  storeOnly?: boolean;
  /** With storeOnly: report each row with the seeds the store holds (rows with none are left out). */
  partial?: boolean;
  commandLine: string;
  onRun?: (e: RunEvent) => void;
  /** Train nothing: a run missing from the cache is an error (the merge step of a Slurm array). */
  noTraining?: boolean;
}

export interface RunEvent {
  row: RowId;
  learningRate: number;
  seed: number;
  cached: boolean;
  result: TrainResult;
  done: number;
  total: number;
}

export interface Stats {
  mean: number;
  std: number;
  min: number;
  max: number;
  n: number;
}

export interface SeedResult {
  seed: number;
  testError: number;
  validationError: number;
  iterations: Array<{
    k: number;
    testError: number;
    validationError: number;
    bestEpoch: number;
    epochsRun: number;
    /** Most epochs between two successive new bests up to the best epoch (how much patience it needed). */
    longestWait?: number;
  }>;
  seconds: number;
  cached: boolean;
  key: string;
  /** --protocol paper: this run's cost (default SRAM, recompute), with the epochs it used. */
  cost?: CostPoint;
}

export interface RowResult {
  id: RowId;
  paper: PaperRow;
  preset: string;
  model: 'rbnn' | 'conventional';
  dims: number[];
  hiddenInitial: number;
  hiddenFinal: number;
  bits: number;
  iterations: number;
  /** Exact n / k as a fraction and its value. */
  bitsPerWeight: number;
  bitsPerWeightFraction: string;
  weights: number;
  storageBits: number;
  storageKiB: number;
  /** Whether every seed ended with the same iterations, bits/weight and storage. */
  structureConsistent: boolean;
  epochs: number;
  /** Epochs in all (RBNN: per iteration x iterations; --protocol paper: the mean over seeds of the epochs run). */
  totalEpochs: number;
  batch: number;
  lrDecay: number;
  /** The softmax input's gain (training.outputGain), from the row's preset. */
  outputGain: number;
  learningRate: number;
  lrGrid: Array<{ learningRate: number; validationError: number; testError: number; seed: number }>;
  seeds: SeedResult[];
  testError: Stats;
  validationError: Stats;
  /** Mean test error after each iteration k (RBNN). */
  iterationTestError: number[];
  learningOps: LearningOps;
  costs: CostPoint[];
  /** The paper's recipe (batch 1000, 1000 epochs per iteration), recompute, default SRAM; not in quick mode. */
  paperRecipeCost: CostPoint | null;
  configHash: string;
}

export interface ReproductionResult {
  kind: 'rbnn-sim.reproduction';
  version: 1;
  commandLine: string;
  generatedAt: string;
  quick: boolean;
  budget: number;
  /** --protocol paper's settings; absent: equal epochs. */
  paper?: PaperProtocol;
  /** Learning rates taken from earlier results (--lr-from) instead of a grid, and where. */
  rowLearningRates?: Partial<Record<RowId, number>>;
  learningRateSources?: Partial<Record<RowId, LearningRateSource>>;
  seeds: number[];
  lrGrid: number[];
  sets: string[];
  defaultSramBits: number;
  sramSizes: number[];
  /** description: the default accelerator and policies as the simulator's report words them; dramPjPerBit:
   *  older results only (the per-bit DRAM model they were priced on). */
  hardware: { clockHz: number; sramBanks: number; macLanes: number; description?: string; dramPjPerBit?: number };
  samples: { train: number; validation: number; test: number };
  rows: RowResult[];
  claims: Claim[];
  timing: {
    wallSeconds: number;
    runs: number;
    runsTrained: number;
    runsCached: number;
    trainingSecondsAllRuns: number;
    trainingSecondsThisInvocation: number;
    /** --store-only: runs found by configuration only, trained by another version of trainer/ and model/. */
    runsFromOlderCode?: number;
  };
}

/** The quick (CI-sized) variant: a data subset, 1 epoch, hidden layers a tenth of the paper's. */
export function quickSets(row: RowId): string[] {
  const h = Math.max(2, Math.round(PAPER_TABLE2[row].hiddenInitial / 10));
  return [
    `model.hidden=[${h}]`,
    'training.epochs=1',
    'training.trainSamples=2000',
    'training.validationSamples=1000',
    'training.testSamples=1000',
  ];
}

/** Epochs x budget and decay^(1 / budget), from the row's preset (and the quick settings). */
export function budgetSets(row: RowId, quick: boolean, budget: number): string[] {
  if (budget === 1) return [];
  const base = resolveConfig({ preset: row, sets: quick ? quickSets(row) : [] }).training;
  const epochs = base.epochs * budget;
  // Rounding would break the equal totals between rows (R3 4 x 7.5 vs B2 30): refuse instead.
  if (!Number.isInteger(epochs))
    throw new UserError(
      `budget: ${budget} x ${row}'s ${base.epochs} epochs is not a whole number of epochs; choose a budget that ` +
        `gives whole epochs for every row`,
    );
  return [`training.epochs=${epochs}`, `training.lrDecay=${base.lrDecay ** (1 / budget)}`];
}

/** The configuration of one row (its preset, quick settings, budget, the user's --set), with lr and seed. */
export function rowConfig(
  row: RowId,
  opts: Pick<ReproduceOptions, 'quick' | 'sets' | 'budget' | 'paper'>,
  lr?: number,
  seed?: number,
): Config {
  const protocol = opts.paper ? paperProtocolSets(row, opts.paper) : [];
  const cfg = resolveConfig({
    preset: row,
    sets: [
      ...(opts.quick ? quickSets(row) : []),
      ...budgetSets(row, opts.quick, opts.budget),
      ...protocol,
      ...opts.sets,
    ],
    overrides: { 'training.learningRate': lr, 'training.seed': seed, 'output.progress': false, 'output.json': false },
  });
  // Forked workers may run elsewhere: make a relative data folder absolute.
  if (cfg.data.dir !== null) cfg.data.dir = resolve(cfg.data.dir);
  return cfg;
}

export function stats(xs: number[]): Stats {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, min: Math.min(...xs), max: Math.max(...xs), n };
}

export async function reproduce(opts: ReproduceOptions): Promise<ReproductionResult> {
  const t0 = performance.now();
  if (opts.rows.length === 0) throw new UserError('rows: no Table 2 rows to run');
  if (opts.seeds.length === 0) throw new UserError('seeds: name at least one seed');
  if (opts.lrGrid.length === 0) throw new UserError('lrGrid: name at least one learning rate');
  if (!(opts.budget > 0)) throw new UserError(`budget: expected a positive number, got ${opts.budget}`);
  if (!Number.isInteger(opts.jobs) || opts.jobs < 1)
    throw new UserError(`jobs: expected a whole number of at least 1, got ${opts.jobs}`);
  // Refuse a fractional budget before any training.
  for (const row of opts.rows) budgetSets(row, opts.quick, opts.budget);
  if (opts.storeOnly && opts.fresh) throw new UserError('--store-only and --fresh contradict each other');
  if (opts.partial && !opts.storeOnly) throw new UserError('--partial applies to --store-only only');
  if (opts.paper && opts.budget !== 1) throw new UserError('--budget applies to --protocol equal-epochs only');
  const store = new RunStore(opts.store);
  const legacy = opts.fresh ? null : new LegacyRuns(join(opts.store, 'runs.json'));
  // --store-only: runs by configuration (also of an older training code); nothing is trained.
  const stored = opts.storeOnly ? storedRuns(opts.store) : null;
  const exec: Executor = stored
    ? inProcessExecutor()
    : ((opts.jobs > 1 ? await poolExecutor(opts.jobs) : null) ?? inProcessExecutor());
  const trainRun = heaviestFirst(exec, opts.jobs);
  const gridOf = (row: RowId): number[] => {
    const given = opts.rowLearningRates?.[row];
    return given !== undefined ? [given] : opts.lrGrid;
  };
  const total = opts.rows.reduce((s, row) => s + gridOf(row).length + opts.seeds.length - 1, 0);
  let olderCode = 0;
  let done = 0;
  let trained = 0;
  let cachedRuns = 0;
  let trainingSecondsNow = 0;

  const runOne = async (
    row: RowId,
    lr: number,
    seed: number,
  ): Promise<{ result: TrainResult; cached: boolean; key: string }> => {
    const cfg = rowConfig(row, opts, lr, seed);
    const key = trainingKey(cfg);
    let result = opts.fresh ? undefined : store.get(key)?.result;
    let cached = result !== undefined;
    if (!result && legacy) {
      // A run of an older version's runs.json, made by the same configuration and code: move it into the store.
      result = legacy.find(row, cfg);
      if (result) store.put(key, trainingMaterial(cfg), { result, stream: null });
      cached = result !== undefined;
    }
    if (result) {
      cachedRuns++;
    } else {
      if (stored) {
        result = stored.find(cfg);
        olderCode++;
        cachedRuns++;
        done++;
        opts.onRun?.({ row, learningRate: lr, seed, cached: true, result, done, total });
        return { result, cached: true, key };
      }
      if (opts.noTraining)
        throw new UserError(`run ${row} lr=${lr} seed=${seed} (${key}) is not in the run store ${opts.store}`);
      const run = await trainRun(cfg, trainingWeight(cfg));
      result = run.result;
      trained++;
      trainingSecondsNow += result.seconds;
      store.put(key, trainingMaterial(cfg), run);
    }
    done++;
    opts.onRun?.({ row, learningRate: lr, seed, cached, result, done, total });
    return { result, cached, key };
  };

  const trainRow = async (row: RowId) => {
    const first = opts.seeds[0]!;
    const lrs = gridOf(row);
    // One rate, nothing to choose: the other seeds need not wait for the first.
    const early =
      lrs.length === 1
        ? opts.seeds.slice(1).map(async (seed) => ({ seed, ...(await runOne(row, lrs[0]!, seed)) }))
        : null;
    // Awaited below unless the first seed fails; then their failure is already the row's.
    for (const e of early ?? []) e.catch(() => {});
    const grid = await Promise.all(lrs.map(async (lr) => ({ lr, ...(await runOne(row, lr, first)) })));
    // The paper tuned one learning rate per network: lowest validation error wins (ties: first in the grid).
    let best = grid[0]!;
    for (const g of grid) if (g.result.validationError < best.result.validationError) best = g;
    const rest = await Promise.all(
      early ?? opts.seeds.slice(1).map(async (seed) => ({ seed, ...(await runOne(row, best.lr, seed)) })),
    );
    return { grid, best, seeds: [{ seed: first, result: best.result, cached: best.cached, key: best.key }, ...rest] };
  };

  // --partial: the seeds the store holds, at the row's one learning rate.
  const partialRow = async (row: RowId): Promise<Awaited<ReturnType<typeof trainRow>> | null> => {
    const lrs = gridOf(row);
    if (lrs.length !== 1) throw new UserError('--partial needs one learning rate per row (--lr-from, or one --lr)');
    const found = (
      await Promise.all(
        opts.seeds.map(async (seed) => {
          try {
            return { seed, ...(await runOne(row, lrs[0]!, seed)) };
          } catch (e) {
            if (e instanceof MissingRun) return null;
            throw e;
          }
        }),
      )
    ).filter((x) => x !== null);
    if (found.length === 0) return null;
    const best = { lr: lrs[0]!, ...found[0]! };
    return { grid: [best], best, seeds: found };
  };

  let trainedRows: Array<Awaited<ReturnType<typeof trainRow>>>;
  let rowIds: RowId[];
  try {
    const all = await Promise.all(opts.rows.map(opts.partial ? partialRow : trainRow));
    rowIds = opts.rows.filter((_, i) => all[i] !== null);
    trainedRows = all.filter((x) => x !== null);
  } finally {
    // A failed or interrupted reproduction trains no more: waiting runs are dropped, the one in progress stops.
    trainRun.cancel();
    await exec.close();
  }
  if (rowIds.length === 0) throw new UserError(`--partial: the run store ${opts.store} holds no run of these rows`);

  const def = defaultConfig();
  const defaultSram = def.hardware.sram.capacity;
  const sramSizes = [...new Set([...opts.sramSizes, defaultSram])].sort((a, b) => a - b);

  const rows: RowResult[] = [];
  for (let i = 0; i < rowIds.length; i++) {
    const id = rowIds[i]!;
    const tr = trainedRows[i]!;
    const cfg = rowConfig(id, opts, tr.best.lr, opts.seeds[0]);
    const r0 = tr.seeds[0]!.result;
    const consistent = tr.seeds.every(
      (s) =>
        s.result.iterations.length === r0.iterations.length &&
        s.result.bitsPerWeight === r0.bitsPerWeight &&
        s.result.storageBits === r0.storageBits,
    );
    const k = r0.iterations.length;
    const n = r0.bits;
    const h0 = cfg.model.hidden.reduce((s, h) => s + h, 0);
    const seeds: SeedResult[] = tr.seeds.map((s) => ({
      seed: s.seed,
      testError: s.result.testError,
      validationError: s.result.validationError,
      iterations: s.result.iterations.map((it) => ({
        k: it.k,
        testError: it.testError,
        validationError: it.validationError,
        bestEpoch: it.bestEpoch,
        epochsRun: it.epochsRun,
        longestWait: longestWait(it.validationCurve),
      })),
      seconds: s.result.seconds,
      cached: s.cached,
      key: s.key,
    }));
    const iterationTestError: number[] = [];
    for (let j = 0; j < k; j++)
      iterationTestError.push(stats(tr.seeds.map((s) => s.result.iterations[j]?.testError ?? NaN)).mean);

    const costs: CostPoint[] = [];
    const runs = tr.seeds.map((s) => s.result);
    for (const sram of sramSizes) {
      for (const frozen of ['recompute', 'cache'] as const) {
        if (!opts.paper) {
          costs.push(await costRun(cfg, sram, frozen));
          continue;
        }
        // Runs stop at different epochs: each is costed with the epochs it used.
        const c = await costConvergedRuns(cfg, runs, sram, frozen);
        costs.push(c.mean);
        if (sram === defaultSram && frozen === 'recompute')
          c.perRun.forEach((p, j) => {
            seeds[j]!.cost = p;
          });
      }
    }
    let paperRecipeCost: CostPoint | null = null;
    if (!opts.quick && !opts.paper) {
      const pc = resolveConfig({ preset: `${id},paper`, sets: opts.sets, overrides: { 'output.progress': false } });
      paperRecipeCost = await costRun(pc, defaultSram, 'recompute');
    }
    rows.push({
      id,
      paper: PAPER_TABLE2[id],
      preset: id,
      model: r0.schedule,
      dims: r0.dims,
      hiddenInitial: h0,
      hiddenFinal: h0 * k,
      bits: n,
      iterations: k,
      bitsPerWeight: r0.bitsPerWeight,
      bitsPerWeightFraction: k === 1 ? String(n) : `${n}/${k}`,
      weights: r0.weights,
      storageBits: r0.storageBits,
      storageKiB: r0.storageBits / 8 / 1024,
      structureConsistent: consistent,
      epochs: cfg.training.epochs,
      totalEpochs: opts.paper
        ? stats(runs.map((x) => x.iterations.reduce((s, it) => s + it.epochsRun, 0))).mean
        : cfg.training.epochs * (r0.schedule === 'rbnn' ? k : 1),
      batch: cfg.training.batch,
      lrDecay: cfg.training.lrDecay,
      outputGain: cfg.training.outputGain,
      learningRate: tr.best.lr,
      lrGrid: tr.grid.map((x) => ({
        learningRate: x.lr,
        validationError: x.result.validationError,
        testError: x.result.testError,
        seed: opts.seeds[0]!,
      })),
      seeds,
      testError: stats(seeds.map((s) => s.testError)),
      validationError: stats(seeds.map((s) => s.validationError)),
      iterationTestError,
      learningOps: learningOps(cfg, opts.paper ? r0.iterations.map((it) => it.epochsRun) : undefined),
      costs,
      paperRecipeCost,
      configHash: trainingKey(rowConfig(id, opts)),
    });
  }

  const any = rowConfig(opts.rows[0]!, opts);
  const allSeconds =
    rows.reduce((s, r) => s + r.seeds.reduce((a, x) => a + x.seconds, 0), 0) + gridSeconds(trainedRows);
  return {
    kind: 'rbnn-sim.reproduction',
    version: 1,
    commandLine: opts.commandLine,
    generatedAt: new Date().toISOString(),
    quick: opts.quick,
    budget: opts.budget,
    ...(opts.paper ? { paper: opts.paper } : {}),
    ...(opts.rowLearningRates ? { rowLearningRates: opts.rowLearningRates } : {}),
    ...(opts.learningRateSources ? { learningRateSources: opts.learningRateSources } : {}),
    seeds: opts.seeds,
    lrGrid: opts.lrGrid,
    sets: opts.sets,
    defaultSramBits: defaultSram,
    sramSizes,
    hardware: {
      clockHz: def.hardware.clock,
      sramBanks: def.hardware.sram.banks,
      macLanes: def.hardware.mac.lanes,
      description: hardwareHeadline(new Simulator(def).report().hardware).join('; '),
    },
    samples: {
      train: any.training.trainSamples,
      validation: any.training.validationSamples,
      test: any.training.testSamples,
    },
    rows,
    claims: checkClaims(rows, defaultSram),
    timing: {
      wallSeconds: (performance.now() - t0) / 1000,
      runs: total,
      runsTrained: trained,
      runsCached: cachedRuns,
      ...(stored ? { runsFromOlderCode: olderCode } : {}),
      trainingSecondsAllRuns: allSeconds,
      trainingSecondsThisInvocation: trainingSecondsNow,
    },
  };
}

/** Most epochs between two successive new bests of a validation curve (the first epoch counts as one). */
export function longestWait(curve: readonly number[]): number {
  let best = Infinity;
  let last = 0;
  let wait = 0;
  curve.forEach((v, i) => {
    if (v < best) {
      wait = Math.max(wait, i + 1 - last);
      best = v;
      last = i + 1;
    }
  });
  return wait;
}

/** Seconds of the grid runs that are not also a seed result (the non-chosen learning rates). */
function gridSeconds(rows: Array<{ grid: Array<{ lr: number; result: TrainResult }>; best: { lr: number } }>): number {
  let s = 0;
  for (const r of rows) for (const g of r.grid) if (g.lr !== r.best.lr) s += g.result.seconds;
  return s;
}
