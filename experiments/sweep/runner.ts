/**
 * Running a sweep: expand the spec into points, keep this shard's, train each distinct training
 * configuration once (or take it from the cache), and cost every point by replaying its run's
 * operation stream into a fresh Simulator of the point's hardware.
 *
 * Trainings are submitted heaviest first; each run's points are costed as soon as it finishes,
 * so costing overlaps the longer trainings. Rows come back in point order.
 */
import os from 'node:os';
import type { Config } from '../../config/schema.js';
import { trainingKey, trainingMaterial, type RunStore } from '../run-store.js';
import { checkModelFitsData, MNIST_SHAPE } from '../../config/data-shape.js';
import { checkFiniteResult } from '../../sim/finite.js';
import { checkShard, expandPoints, pointConfig, shardPoints, type Point, type Shard } from './points.js';
import { inProcessExecutor, poolExecutor, type Executor } from '../pool.js';
import type { SweepRow } from './row.js';
import { specHash, type SweepSpec } from './spec.js';
import { trainingId, trainingWeight, type RecordedRun } from '../work.js';

export interface SweepResult {
  kind: 'rbnn-sim.sweep';
  version: 1;
  spec: SweepSpec;
  specHash: string;
  /** The shard these rows are (null: the whole sweep, or a merge of all shards). */
  shard: Shard | null;
  totalPoints: number;
  rows: SweepRow[];
}

export interface SweepStats {
  points: number;
  /** Distinct training runs the points need; of which trained now and found in the cache. */
  trainings: number;
  trained: number;
  cacheHits: number;
  threads: number;
  wallMs: number;
}

/** Work done out of total (training runs weighted by size, then one unit per costed point). */
export type SweepProgress = (done: number, total: number, label: string) => void;

export interface RunOptions {
  shard?: Shard;
  /** Worker threads; 0 or 1: this process. Default: the number of cores. */
  workers?: number;
  store: RunStore;
  progress?: SweepProgress;
  /**
   * With nothing to train, costing uses the pool only from this many points (default 256): a
   * point costs a few milliseconds, a pool takes about half a second to start.
   */
  poolMinPoints?: number;
}

/** Costing tasks hold at most this many points (a pool spreads them over its threads). */
const COST_CHUNK = 8;
/** A pool pays off for costing alone (all runs cached or schedule-only) from this many points. */
const POOL_MIN_POINTS = 256;
const TRAIN_UNITS = 1000;

export async function runSweep(spec: SweepSpec, opts: RunOptions): Promise<{ result: SweepResult; stats: SweepStats }> {
  const t0 = performance.now();
  const all = expandPoints(spec);
  const items = all.map((point) => ({ point, cfg: pointConfig(point) }));
  if (!spec.scheduleOnly) for (const it of items) checkModelFitsData(it.cfg, MNIST_SHAPE, `point "${it.point.id}"`);
  const ids = new Map(items.map(({ point, cfg }) => [point.index, trainingId(cfg)]));
  const shard = opts.shard ?? { index: 1, count: 1 };
  checkShard(shard);
  const mine = shardPoints(
    items.map((it) => ({ ...it, index: it.point.index })),
    (it) => (spec.scheduleOnly ? String(it.index) : ids.get(it.index)!),
    (it) => (spec.scheduleOnly ? 1 : trainingWeight(it.cfg) / 1e6),
    shard,
  );

  // Points by training run, heaviest run first.
  const groups = new Map<string, Array<{ point: Point; cfg: Config }>>();
  for (const it of mine) {
    const id = spec.scheduleOnly ? `point-${it.index}` : ids.get(it.index)!;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = []));
    g.push({ point: it.point, cfg: it.cfg });
  }
  const order = [...groups.values()].sort(
    (a, b) => trainingWeight(b[0]!.cfg) - trainingWeight(a[0]!.cfg) || a[0]!.point.index - b[0]!.point.index,
  );

  // What must be trained.
  const records = new Map<string, RecordedRun>();
  const toTrain: Array<{ key: string; cfg: Config }> = [];
  let cacheHits = 0;
  if (!spec.scheduleOnly) {
    for (const g of order) {
      const cfg = g[0]!.cfg;
      const key = trainingKey(cfg);
      const hit = opts.store.get(key);
      // A run stored without its operation stream (imported) cannot be replayed: train it again.
      if (hit?.stream) {
        records.set(key, { result: hit.result, stream: hit.stream });
        cacheHits++;
      } else toTrain.push({ key, cfg });
    }
  }

  const requested = opts.workers ?? os.availableParallelism();
  const wantPool = requested > 1 && (toTrain.length > 0 || mine.length >= (opts.poolMinPoints ?? POOL_MIN_POINTS));
  const pool = wantPool
    ? await poolExecutor(
        Math.min(requested, Math.max(1, toTrain.length > 0 ? requested : Math.ceil(mine.length / COST_CHUNK))),
      )
    : null;
  const exec: Executor = pool ?? inProcessExecutor();

  // Progress: trainings weighted by size (TRAIN_UNITS in all), then one unit per point.
  const weights = toTrain.map((t) => trainingWeight(t.cfg));
  const wsum = weights.reduce((s, w) => s + w, 0) || 1;
  const trainShare = toTrain.map(() => 0);
  const total = (toTrain.length ? TRAIN_UNITS : 0) + mine.length;
  let costed = 0;
  let trained = 0;
  const report = (label: string): void => {
    const t = trainShare.reduce((s, f, i) => s + f * ((TRAIN_UNITS * weights[i]!) / wsum), 0);
    opts.progress?.(Math.round(t) + costed, total, label);
  };
  const label = (): string => `${trained}/${toTrain.length} trained, ${costed}/${mine.length} points costed`;
  report(label());

  const rows: SweepRow[] = [];
  try {
    await Promise.all(
      order.map(async (g) => {
        let training: RecordedRun | null = null;
        if (!spec.scheduleOnly) {
          const cfg = g[0]!.cfg;
          const key = trainingKey(cfg);
          training = records.get(key) ?? null;
          if (!training) {
            const i = toTrain.findIndex((t) => t.key === key);
            // Another process sharing the cache (a shard) may be training it: then it is reused.
            const got = await opts.store.obtain(
              key,
              trainingMaterial(cfg),
              () =>
                exec.train(cfg, (done, tot) => {
                  trainShare[i] = tot > 0 ? done / tot : 0;
                  report(label());
                }),
              { usable: (r): r is RecordedRun => r.stream !== null },
            );
            training = got.record;
            trainShare[i] = 1;
            if (got.trained) trained++;
            else cacheHits++;
            records.set(key, training);
            report(label());
          }
        }
        const chunk = exec.threads > 0 ? COST_CHUNK : g.length;
        const parts: Array<Promise<void>> = [];
        for (let s = 0; s < g.length; s += chunk) {
          const part = g.slice(s, s + chunk);
          parts.push(
            exec.cost(part, training).then((rs) => {
              rows.push(...rs);
              costed += rs.length;
              report(label());
            }),
          );
        }
        await Promise.all(parts);
      }),
    );
  } finally {
    await exec.close();
  }
  rows.sort((a, b) => a.index - b.index);
  const cfgOf = new Map(items.map((it) => [it.point.index, it.cfg]));
  for (const r of rows) checkFiniteResult(r, `point ${r.index} (${r.workload})`, cfgOf.get(r.index));
  const result: SweepResult = {
    kind: 'rbnn-sim.sweep',
    version: 1,
    spec,
    specHash: specHash(spec),
    shard: shard.count > 1 ? shard : null,
    totalPoints: all.length,
    rows,
  };
  const stats: SweepStats = {
    points: mine.length,
    trainings: spec.scheduleOnly ? 0 : order.length,
    trained,
    cacheHits,
    threads: exec.threads,
    wallMs: performance.now() - t0,
  };
  return { result, stats };
}
