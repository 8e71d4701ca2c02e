/**
 * From a structured sweep definition (plain values, as a script writes them) to a SweepSpec
 * (experiments/sweep/spec.ts). Every check happens here, before anything runs, so a mistake is
 * one UserError naming the definition's field ("sample", "rbnn.hidden", the swept configuration
 * path) and nothing is written. The CLI passes `name` to say its flags instead (--sample, --sram).
 *
 *   const spec = defineSweep({
 *     presets: ['R2', 'B1'],
 *     axes: { 'hardware.sram.capacity': { from: '32 KiB', to: '1 MiB', times: 2 }, 'hardware.sram.banks': [4, 8] },
 *     scheduleOnly: true,
 *   });
 */
import { resolveConfig } from '../../config/load.js';
import { UserError } from '../../config/errors.js';
import { formatQuantity, parseQuantity } from '../../config/units.js';
import { isPlainObject, type Tree } from '../../config/validate.js';
import { fieldAt, parseAxis, type Axis, type Scale } from './axes.js';
import { expandPoints, pointConfig, presetArg, setString, type AxisValue } from './points.js';
import {
  DEFAULT_CONVENTIONAL,
  DEFAULT_RBNN,
  QUICK_CONVENTIONAL,
  QUICK_RBNN,
  QUICK_SETS,
  type ConventionalFamily,
  type RbnnFamily,
  type SweepMode,
  type SweepSpec,
} from './spec.js';

/**
 * A range of a numeric field: `steps` values from `from` to `to` (geometric unless `scale` is
 * linear), or `from` multiplied by `times` (or increased by `plus`) while it stays <= `to`.
 * Quantities as in a config file ("32 KiB", "50 MHz").
 */
export interface AxisRange {
  from: string | number;
  to: string | number;
  steps?: number;
  scale?: Scale;
  times?: number;
  plus?: string | number;
}

/**
 * The values of one axis: a list of config values (["64 KiB", "128 KiB"], [4, 8]), a range, or
 * the same as text ("64KiB,128KiB", "32KiB..1MiB:x2", "32KiB..1MiB:12", "64KiB..256KiB:+64KiB").
 */
export type AxisValues = readonly AxisValue[] | AxisRange | string;

export interface SweepDefinition {
  /** hardware (default): fixed workloads, varying hardware; storage: candidate networks per weight-storage budget. */
  mode?: SweepMode;
  /** Workloads: presets or combinations "R2+paper"; storage mode: at most one, the base of every candidate. */
  presets?: readonly string[];
  /** Swept configuration paths and their values, outermost first. */
  axes?: Readonly<Record<string, AxisValues>>;
  /** Values of a text range without its own step ("32KiB..1MiB"), and their spacing (default geometric). */
  steps?: number;
  scale?: Scale;
  /** Storage mode: weight-storage budgets (sizes); default 32 KiB to 1 MiB, doubling. */
  budgets?: AxisValues;
  /** Storage mode: the candidate families (fields over the defaults); null turns one off. */
  rbnn?: Partial<RbnnFamily> | null;
  conventional?: Partial<ConventionalFamily> | null;
  /** Cost the configured schedules without training (no test error). */
  scheduleOnly?: boolean;
  /** CI-sized: a data subset (storage mode: small families, 1-2 epochs). */
  quick?: boolean;
  /** Keep this many points (storage mode: candidates per family), evenly spread; 0: all. */
  sample?: number;
  /** A configuration tree (as a config file holds) merged under every point. */
  config?: Tree;
  /** Configuration values for every point, by dotted path ({ 'training.trainSamples': 2000 }). */
  set?: Readonly<Record<string, unknown>>;
  /** The same as resolveConfig's `sets` strings ("path=value", the value read as YAML); applied before `set`. */
  sets?: readonly string[];
  seed?: number;
  /** training.epochs of every workload (storage mode: of both families). */
  epochs?: number;
}

export interface DefineOptions {
  /** How errors name a definition field ("sample", "axes.<path>", "rbnn.hidden"); default: the field itself. */
  name?: (field: string) => string;
  /** The command line recorded in the spec (for the summary); default: the equivalent `rbnn-sim sweep` command. */
  command?: string;
}

export const SRAM_PATH = 'hardware.sram.capacity';
export const DEFAULT_BUDGETS = '32KiB..1MiB:x2';
/** The most points one sweep may have. */
export const MAX_POINTS = 100_000;

export function defineSweep(def: SweepDefinition, opts: DefineOptions = {}): SweepSpec {
  const name = opts.name ?? ((f: string) => f);
  const mode: SweepMode = def.mode ?? 'hardware';
  if (mode !== 'hardware' && mode !== 'storage')
    throw new UserError(`${name('mode')}: expected hardware or storage, got ${JSON.stringify(mode)}`);
  const scale: Scale = def.scale ?? 'geometric';
  if (scale !== 'geometric' && scale !== 'linear')
    throw new UserError(`${name('scale')}: expected geometric or linear, got ${JSON.stringify(scale)}`);
  if (def.steps !== undefined && (!Number.isInteger(def.steps) || def.steps < 1))
    throw new UserError(`${name('steps')}: expected a whole number >= 1, got ${def.steps}`);
  if (def.sample !== undefined && (!Number.isInteger(def.sample) || def.sample < 0))
    throw new UserError(`${name('sample')}: expected a whole number >= 0, got ${def.sample}`);
  const presets = [...(def.presets ?? [])].map((s) => s.trim()).filter(Boolean);
  if (mode === 'storage' && presets.length > 1) {
    throw new UserError(
      `${name('mode')} storage: ${name('presets')} gives the base of every candidate network; combine presets with ` +
        `"+" (e.g. paper), got ${presets.join(', ')}`,
    );
  }
  // Presets are checked by resolving them once (a one-line error naming the preset).
  for (const p of presets) resolveConfig({ preset: presetArg(p) });

  const ranges = { ...(def.steps !== undefined ? { steps: def.steps } : {}), scale };
  const axes: Axis[] = Object.entries(def.axes ?? {}).map(([path, values]) => {
    const label = name(`axes.${path}`);
    fieldAt(path, label);
    const own = rangeScale(values);
    return parseAxis(path, axisText(values, label), label, own ? { ...ranges, scale: own } : ranges);
  });

  const sets: string[] = [];
  if (def.quick) sets.push(...QUICK_SETS);
  if (def.config !== undefined) {
    if (!isPlainObject(def.config)) throw new UserError(`${name('config')}: expected a configuration tree (an object)`);
    sets.push(...flatten(def.config));
  }
  sets.push(...(def.sets ?? []));
  for (const [path, v] of Object.entries(def.set ?? {})) sets.push(setString(path, v));
  if (def.seed !== undefined) sets.push(setString('training.seed', def.seed));
  if (def.epochs !== undefined && mode === 'hardware') sets.push(setString('training.epochs', def.epochs));

  let budgets: number[] = [];
  let rbnn: RbnnFamily | null = null;
  let conventional: ConventionalFamily | null = null;
  if (mode === 'storage') {
    budgets = parseBudgets(def.budgets ?? DEFAULT_BUDGETS, name('budgets'), ranges);
    rbnn = family(def.rbnn, def.quick ? QUICK_RBNN : DEFAULT_RBNN, 'rbnn', name) as RbnnFamily | null;
    conventional = family(
      def.conventional,
      def.quick ? QUICK_CONVENTIONAL : DEFAULT_CONVENTIONAL,
      'conventional',
      name,
    ) as ConventionalFamily | null;
    if (!rbnn && !conventional)
      throw new UserError(
        `${name('mode')} storage: both families are off (${name('rbnn')} none, ${name('conventional')} none)`,
      );
    if (def.epochs !== undefined) {
      if (rbnn) rbnn = { ...rbnn, epochs: def.epochs };
      if (conventional) conventional = { ...conventional, epochs: def.epochs };
    }
  } else {
    for (const f of ['budgets', 'rbnn', 'conventional'] as const) {
      if (def[f] !== undefined) throw new UserError(`${name(f)} needs ${name('mode')} storage`);
    }
  }

  const spec: SweepSpec = {
    kind: 'rbnn-sim.sweep-spec',
    version: 1,
    mode,
    presets,
    sets,
    axes,
    budgets,
    rbnn,
    conventional,
    scheduleOnly: def.scheduleOnly === true,
    sample: def.sample ?? 0,
    command: '',
  };
  spec.command = opts.command ?? commandOf(spec);
  const points = expandPoints(spec, name); // also checks the candidates
  if (points.length > MAX_POINTS)
    throw new UserError(
      `the sweep has ${points.length} points; at most ${MAX_POINTS} (use fewer values or ${name('sample')})`,
    );
  // Resolve the first point of every workload now: a bad setting fails before anything runs.
  const seen = new Set<string>();
  for (const p of points) {
    if (seen.has(p.workload)) continue;
    seen.add(p.workload);
    pointConfig(p);
  }
  return spec;
}

/** Axis values as the text parseAxis reads (lists and ranges of config values). */
function axisText(v: AxisValues, label: string): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    if (v.length === 0) throw new UserError(`${label}: no values given`);
    return (v as readonly AxisValue[]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',');
  }
  const r = v as AxisRange;
  if (!r || typeof r !== 'object' || r.from === undefined || r.to === undefined) {
    throw new UserError(
      `${label}: expected a list of values, a range { from, to, steps | times | plus } or a text range`,
    );
  }
  const given = [r.steps, r.times, r.plus].filter((x) => x !== undefined).length;
  if (given > 1) throw new UserError(`${label}: give one of steps, times, plus`);
  if (r.steps !== undefined && (!Number.isInteger(r.steps) || r.steps < 1))
    throw new UserError(`${label}: steps: expected a whole number >= 1, got ${r.steps}`);
  const step =
    r.times !== undefined
      ? `:x${r.times}`
      : r.plus !== undefined
        ? `:+${r.plus}`
        : r.steps !== undefined
          ? `:${r.steps}`
          : '';
  return `${r.from}..${r.to}${step}`;
}

/** The spacing a range object asks for, if any. */
function rangeScale(v: AxisValues): Scale | undefined {
  if (typeof v === 'string' || Array.isArray(v)) return undefined;
  return (v as AxisRange).scale;
}

/** Budgets: a list or range of sizes, ascending, no duplicates. */
function parseBudgets(v: AxisValues, label: string, ranges: { steps?: number; scale: Scale }): number[] {
  // Parse as sizes through the SRAM capacity field (a size > 0).
  const axis = parseAxis(SRAM_PATH, axisText(v, label), label, ranges);
  return [...new Set(axis.values.map((x) => parseQuantity(x as string, 'bit', label)))].sort((a, b) => a - b);
}

const LIMITS: Record<string, [number, number]> = {
  hidden: [1, 1_000_000],
  bits: [1, 32],
  epochs: [1, 100_000],
  iterations: [1, 32],
};

/** A candidate family: the given fields over the defaults; null turns it off. */
function family(
  given: Partial<RbnnFamily | ConventionalFamily> | null | undefined,
  defaults: RbnnFamily | ConventionalFamily,
  field: 'rbnn' | 'conventional',
  name: (f: string) => string,
): RbnnFamily | ConventionalFamily | null {
  if (given === undefined) return { ...defaults };
  if (given === null) return null;
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, v] of Object.entries(given)) {
    if (!(key in defaults))
      throw new UserError(`${name(field)}: unknown field "${key}" (fields: ${Object.keys(defaults).join(', ')})`);
    if (v === undefined) continue;
    const [min, max] = LIMITS[key]!;
    const whole = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= min && (x as number) <= max;
    const bad =
      `${name(`${field}.${key}`)}: expected ` +
      `${key === 'hidden' || key === 'bits' ? 'a list of whole numbers' : 'a whole number'} from ${min} to ${max}`;
    if (key === 'hidden' || key === 'bits') {
      if (!Array.isArray(v) || v.length === 0 || !v.every(whole))
        throw new UserError(`${bad}, got ${JSON.stringify(v)}`);
      out[key] = [...v];
    } else if (key === 'iterations' && v === 'auto') {
      out[key] = 'auto';
    } else {
      if (!whole(v)) throw new UserError(`${bad}${key === 'iterations' ? ' or "auto"' : ''}, got ${JSON.stringify(v)}`);
      out[key] = v;
    }
  }
  return out as unknown as RbnnFamily | ConventionalFamily;
}

/** A configuration tree -> "path=value" strings (leaves in file order). */
export function flatten(tree: Tree, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v)) out.push(...flatten(v, path));
    else out.push(setString(path, v));
  }
  return out;
}

export function quote(s: string): string {
  return /^[\w.,/:=+\-@[\]]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The `rbnn-sim sweep` command that states a spec (axis values listed one by one). */
export function commandOf(spec: SweepSpec): string {
  const parts = ['rbnn-sim', 'sweep'];
  const add = (flag: string, v?: string | number): void => {
    parts.push(flag);
    if (v !== undefined) parts.push(quote(String(v)));
  };
  const list = (vs: readonly AxisValue[]): string =>
    vs.map((x) => (Array.isArray(x) ? `[${x.join(',')}]` : String(x))).join(',');
  if (spec.mode !== 'hardware') add('--mode', spec.mode);
  if (spec.presets.length) add('--presets', spec.presets.join(','));
  for (const a of spec.axes) {
    if (a.path === SRAM_PATH) add('--sram', list(a.values));
    else add('--vary', `${a.path}=${list(a.values)}`);
  }
  if (spec.mode === 'storage') {
    add('--budgets', spec.budgets.map((b) => formatQuantity(b, 'bit')).join(','));
    const fam = (f: object | null): string =>
      f === null
        ? 'none'
        : Object.entries(f)
            .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
            .join(' ');
    add('--rbnn', fam(spec.rbnn));
    add('--conventional', fam(spec.conventional));
  }
  if (spec.scheduleOnly) add('--schedule-only');
  if (spec.sample) add('--sample', spec.sample);
  for (const s of spec.sets) add('--set', s);
  return parts.join(' ');
}
