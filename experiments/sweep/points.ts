/**
 * Expanding a sweep spec into its points, and cutting a deterministic shard out of them.
 *
 * Points are the product workloads x axis values, workloads outermost, the last axis fastest.
 * A workload is a preset (hardware mode) or a candidate network (storage mode: every network of
 * the families whose weight storage fits the largest budget). A point's configuration is
 *   resolveConfig({ preset, sets: [...spec.sets, ...workload sets, ...axis sets] }).
 */
import { parseSet, resolveConfig } from '../../config/load.js';
import { applyLayer, checkCrossFields, type Tree } from '../../config/validate.js';
import type { Config } from '../../config/schema.js';
import { UserError } from '../../config/errors.js';
import { formatQuantity } from '../../config/units.js';
import type { Axis } from './axes.js';
import { autoIterations, type SweepSpec } from './spec.js';

export type AxisValue = Axis['values'][number];

export interface Point {
  /** Position in the whole sweep. */
  index: number;
  /** "R2 | hardware.sram.capacity=64 KiB" */
  id: string;
  workload: string;
  /** Preset argument of resolveConfig ("R2,paper"), if any. */
  preset?: string;
  /** --set strings, in order; the last `axisSets` of them set the swept values. */
  sets: string[];
  axisSets: number;
  values: Record<string, AxisValue>;
  budgetBits: number | null;
}

interface Workload {
  name: string;
  preset?: string;
  sets: string[];
  budgetBits: number | null;
}

/** `path=value` as a --set string (the value as JSON, which YAML reads back). */
export function setString(path: string, value: unknown): string {
  return `${path}=${JSON.stringify(value)}`;
}

/** "R2+paper" -> "R2,paper" (the preset argument of resolveConfig). */
export function presetArg(name: string): string {
  return name
    .split('+')
    .map((s) => s.trim())
    .join(',');
}

/** Every point of the spec (before sampling and sharding, after `sample`). */
export function expandPoints(spec: SweepSpec, name: (field: string) => string = (f) => f): Point[] {
  const workloads = spec.mode === 'storage' ? storageWorkloads(spec, name) : hardwareWorkloads(spec);
  const combos = product(spec.axes);
  const points: Point[] = [];
  for (const w of workloads) {
    for (const combo of combos) {
      const values: Record<string, AxisValue> = {};
      spec.axes.forEach((a, i) => {
        values[a.path] = combo[i]!;
      });
      const axisText = spec.axes.map((a, i) => `${a.path}=${showValue(combo[i]!)}`).join('; ');
      points.push({
        index: points.length,
        id: axisText ? `${w.name} | ${axisText}` : w.name,
        workload: w.name,
        ...(w.preset !== undefined ? { preset: w.preset } : {}),
        sets: [...spec.sets, ...w.sets, ...spec.axes.map((a, i) => setString(a.path, combo[i]))],
        axisSets: spec.axes.length,
        values,
        budgetBits: w.budgetBits,
      });
    }
  }
  if (spec.mode === 'hardware' && spec.sample > 0 && spec.sample < points.length) {
    return evenly(points, spec.sample).map((p, i) => ({ ...p, index: i }));
  }
  return points;
}

/**
 * Resolved configurations of the workloads (preset + common sets), shared by their points; null:
 * resolve each point whole.
 */
const bases = new Map<string, Config | null>();

/**
 * The resolved configuration of a point: the same as resolveConfig({ preset, sets }), but the
 * workload's part (preset files and common sets) is resolved once and only the swept values are
 * applied per point (resolving a preset reads and parses its file). When the common part alone
 * fails a cross-field check that the swept values may fix (model.bits swept with
 * model.maxIterations), every point of that workload is resolved whole.
 */
export function pointConfig(p: Point): Config {
  try {
    const preset = p.preset !== undefined ? { preset: p.preset } : {};
    const common = p.sets.slice(0, p.sets.length - p.axisSets);
    const key = JSON.stringify([p.preset ?? null, common]);
    let base = bases.get(key);
    if (base === undefined) {
      try {
        base = resolveConfig({ ...preset, sets: common });
      } catch (e) {
        if (!(e instanceof UserError) || p.axisSets === 0) throw e;
        base = null;
      }
      if (bases.size > 1000) bases.clear();
      bases.set(key, base);
    }
    if (base === null) return resolveConfig({ ...preset, sets: p.sets });
    const cfg = structuredClone(base);
    for (const set of p.sets.slice(p.sets.length - p.axisSets))
      applyLayer(cfg as unknown as Tree, parseSet(set), '--set');
    checkCrossFields(cfg);
    return cfg;
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`point "${p.id}": ${e.message}`);
    throw e;
  }
}

function showValue(v: AxisValue): string {
  return Array.isArray(v) ? `[${v.join(',')}]` : String(v);
}

function hardwareWorkloads(spec: SweepSpec): Workload[] {
  if (spec.presets.length === 0) return [{ name: 'default', sets: [], budgetBits: null }];
  return spec.presets.map((name) => ({ name, preset: presetArg(name), sets: [], budgetBits: null }));
}

/** Candidate networks of the families whose weight storage fits the largest budget. */
export function storageWorkloads(spec: SweepSpec, name: (field: string) => string = (f) => f): Workload[] {
  const base = spec.presets.length ? presetArg(spec.presets.join('+')) : undefined;
  const cfg = resolveConfig({ ...(base !== undefined ? { preset: base } : {}), sets: spec.sets });
  const maxBudget = spec.budgets.length ? spec.budgets[spec.budgets.length - 1]! : Infinity;
  const storage = (hidden: number[], bits: number): number => {
    const dims = [cfg.model.inputs, ...hidden, cfg.model.outputs];
    let w0 = 0;
    for (let l = 0; l + 1 < dims.length; l++) w0 += dims[l]! * dims[l + 1]!;
    return w0 * bits;
  };
  const budgetOf = (bits: number): number | null => spec.budgets.find((b) => bits <= b) ?? null;
  const families: Workload[][] = [];
  if (spec.rbnn) {
    const f = spec.rbnn;
    const list: Workload[] = [];
    for (const h of f.hidden) {
      for (const n of f.bits) {
        const k = f.iterations === 'auto' ? autoIterations(n) : Math.min(f.iterations, n);
        const s = storage([h], n);
        if (s > maxBudget) continue;
        list.push({
          name: `rbnn h0=${h} n=${n} k=${k}`,
          ...(base !== undefined ? { preset: base } : {}),
          budgetBits: budgetOf(s),
          sets: [
            setString('model.schedule', 'rbnn'),
            setString('model.hidden', [h]),
            setString('model.bits', n),
            setString('model.maxIterations', k),
            setString('training.epochs', f.epochs),
          ],
        });
      }
    }
    families.push(list);
  }
  if (spec.conventional) {
    const f = spec.conventional;
    const list: Workload[] = [];
    for (const h of f.hidden) {
      for (const n of f.bits) {
        const s = storage([h], n);
        if (s > maxBudget) continue;
        list.push({
          name: `conventional h=${h} n=${n}`,
          ...(base !== undefined ? { preset: base } : {}),
          budgetBits: budgetOf(s),
          sets: [
            setString('model.schedule', 'conventional'),
            setString('model.hidden', [h]),
            setString('model.bits', n),
            setString('model.maxIterations', 1),
            setString('training.epochs', f.epochs),
          ],
        });
      }
    }
    families.push(list);
  }
  const out = families.flatMap((list) =>
    spec.sample > 0 && spec.sample < list.length ? evenly(list, spec.sample) : list,
  );
  if (out.length === 0) {
    const b = spec.budgets.length ? formatQuantity(maxBudget, 'bit') : 'any budget';
    throw new UserError(`${name('mode')} storage: no candidate network fits ${b}`);
  }
  return out;
}

/** `n` items spread evenly over `xs` (first and last included). */
export function evenly<T>(xs: readonly T[], n: number): T[] {
  if (n >= xs.length) return [...xs];
  if (n === 1) return [xs[0]!];
  const idx = new Set<number>();
  for (let i = 0; i < n; i++) idx.add(Math.round((i * (xs.length - 1)) / (n - 1)));
  return [...idx].sort((a, b) => a - b).map((i) => xs[i]!);
}

function product(axes: readonly Axis[]): AxisValue[][] {
  let out: AxisValue[][] = [[]];
  for (const a of axes) out = out.flatMap((prefix) => a.values.map((v) => [...prefix, v]));
  return out;
}

/** A shard "i/N" (1-based i). */
export interface Shard {
  index: number;
  count: number;
}

/** Refuses a shard that is not slice i of N with 1 <= i <= N (whole numbers). */
export function checkShard(shard: Shard, label = 'shard'): void {
  const { index, count } = shard;
  if (!Number.isInteger(index) || !Number.isInteger(count) || count < 1 || index < 1 || index > count) {
    throw new UserError(`${label}: expected { index, count } with 1 <= index <= count, got ${JSON.stringify(shard)}`);
  }
}

/**
 * The points of one shard. Units of work are the training runs (all points sharing a training
 * run go to one shard, so no run is trained twice) when there are at least as many runs as
 * shards; otherwise single points (round-robin, so a shard may train a run another also needs).
 * Runs are dealt heaviest first to the least loaded shard (ties: the lowest shard), which is
 * deterministic: every shard computes the same assignment.
 */
export function shardPoints<P extends { index: number }>(
  points: readonly P[],
  groupOf: (p: P) => string,
  weightOf: (p: P) => number,
  shard: Shard,
): P[] {
  if (shard.count === 1) return [...points];
  const groups = new Map<string, P[]>();
  for (const p of points) {
    const g = groupOf(p);
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(p);
  }
  if (groups.size < shard.count) return points.filter((_, i) => i % shard.count === shard.index - 1);
  const units = [...groups.values()].map((ps) => ({ ps, w: weightOf(ps[0]!) + ps.length, first: ps[0]!.index }));
  units.sort((a, b) => b.w - a.w || a.first - b.first);
  const load = new Array<number>(shard.count).fill(0);
  const mine: P[] = [];
  for (const u of units) {
    let best = 0;
    for (let s = 1; s < shard.count; s++) if (load[s]! < load[best]!) best = s;
    load[best]! += u.w;
    if (best === shard.index - 1) mine.push(...u.ps);
  }
  return mine.sort((a, b) => a.index - b.index);
}
