/**
 * From `rbnn-sim sweep` flags to a SweepSpec (cli/sweep/spec.ts). All checks happen here, before
 * anything runs, so a mistake is one line and exit code 2 with nothing written.
 */
import { readConfigFile, resolveConfig } from '../../config/load.js';
import { UserError } from '../../config/errors.js';
import { parseQuantity } from '../../config/units.js';
import { isPlainObject, type Tree } from '../../config/validate.js';
import { parseAxis, parseVary, type Axis, type Scale } from '../../experiments/sweep/axes.js';
import { expandPoints, pointConfig, presetArg, setString } from '../../experiments/sweep/points.js';
import {
  DEFAULT_CONVENTIONAL, DEFAULT_RBNN, QUICK_CONVENTIONAL, QUICK_RBNN, QUICK_SETS,
  type ConventionalFamily, type RbnnFamily, type SweepMode, type SweepSpec,
} from '../../experiments/sweep/spec.js';

export interface SweepArgs {
  mode?: SweepMode;
  presets?: string | string[];
  sram?: string;
  steps?: number;
  scale?: Scale;
  vary?: string | string[];
  budgets?: string;
  rbnn?: string;
  conventional?: string;
  scheduleOnly?: boolean;
  quick?: boolean;
  sample?: number;
  config?: string;
  set?: string | string[];
  seed?: number;
  epochs?: number;
}

export const SRAM_PATH = 'hardware.sram.capacity';
export const DEFAULT_BUDGETS = '32KiB..1MiB:x2';

const list = (x: string | string[] | undefined): string[] => (x === undefined ? [] : [x].flat());

/** "R2,B1 B2" and repeated flags -> ["R2", "B1", "B2"]; "R2+paper" stays one workload. */
export function presetList(x: string | string[] | undefined): string[] {
  return list(x).flatMap((s) => s.split(/[,\s]+/)).map((s) => s.trim()).filter(Boolean);
}

export function specFromArgs(a: SweepArgs): SweepSpec {
  const mode: SweepMode = a.mode ?? 'hardware';
  const scale: Scale = a.scale ?? 'geometric';
  if (a.steps !== undefined && (!Number.isInteger(a.steps) || a.steps < 1)) throw new UserError(`--steps: expected a whole number >= 1, got ${a.steps}`);
  if (a.sample !== undefined && (!Number.isInteger(a.sample) || a.sample < 0)) throw new UserError(`--sample: expected a whole number >= 0, got ${a.sample}`);
  const presets = presetList(a.presets);
  if (mode === 'storage' && presets.length > 1) {
    throw new UserError(`--mode storage: --presets gives the base of every candidate network; combine presets with "+" (e.g. paper), got ${presets.join(', ')}`);
  }
  // Presets are checked by resolving them once (a one-line error naming the preset).
  for (const p of presets) resolveConfig({ preset: presetArg(p) });

  const opts = { ...(a.steps !== undefined ? { steps: a.steps } : {}), scale };
  const axes: Axis[] = [];
  if (a.sram !== undefined) axes.push(parseAxis(SRAM_PATH, a.sram, '--sram', opts));
  for (const v of list(a.vary)) {
    const axis = parseVary(v, opts);
    if (axes.some((x) => x.path === axis.path)) throw new UserError(`--vary ${axis.path}: this path is already swept`);
    axes.push(axis);
  }

  const sets: string[] = [];
  if (a.quick) sets.push(...QUICK_SETS);
  if (a.config !== undefined) {
    resolveConfig({ file: a.config }); // errors name the file
    sets.push(...flatten(readConfigFile(a.config)));
  }
  sets.push(...list(a.set));
  if (a.seed !== undefined) sets.push(setString('training.seed', a.seed));
  if (a.epochs !== undefined && mode === 'hardware') sets.push(setString('training.epochs', a.epochs));

  let budgets: number[] = [];
  let rbnn: RbnnFamily | null = null;
  let conventional: ConventionalFamily | null = null;
  if (mode === 'storage') {
    budgets = parseBudgets(a.budgets ?? DEFAULT_BUDGETS, opts);
    rbnn = parseFamily(a.rbnn, a.quick ? QUICK_RBNN : DEFAULT_RBNN, '--rbnn') as RbnnFamily | null;
    conventional = parseFamily(a.conventional, a.quick ? QUICK_CONVENTIONAL : DEFAULT_CONVENTIONAL, '--conventional') as ConventionalFamily | null;
    if (!rbnn && !conventional) throw new UserError('--mode storage: both families are off (--rbnn none --conventional none)');
    if (a.epochs !== undefined) {
      if (rbnn) rbnn = { ...rbnn, epochs: a.epochs };
      if (conventional) conventional = { ...conventional, epochs: a.epochs };
    }
  } else {
    for (const [flag, v] of [['--budgets', a.budgets], ['--rbnn', a.rbnn], ['--conventional', a.conventional]] as const) {
      if (v !== undefined) throw new UserError(`${flag} needs --mode storage`);
    }
  }

  const spec: SweepSpec = {
    kind: 'rbnn-sim.sweep-spec', version: 1, mode, presets, sets, axes, budgets, rbnn, conventional,
    scheduleOnly: a.scheduleOnly === true, sample: a.sample ?? 0, command: commandLine(a, mode, presets),
  };
  const points = expandPoints(spec); // also checks the candidates
  if (points.length > 100_000) throw new UserError(`the sweep has ${points.length} points; at most 100000 (use fewer values or --sample)`);
  // Resolve the first point of every workload now: a bad --set or --config fails before anything runs.
  const seen = new Set<string>();
  for (const p of points) {
    if (seen.has(p.workload)) continue;
    seen.add(p.workload);
    pointConfig(p);
  }
  return spec;
}

/** Budgets: a list or range of sizes, ascending, no duplicates. */
function parseBudgets(text: string, opts: { steps?: number; scale: Scale }): number[] {
  // Parse as sizes through the SRAM capacity field (a size > 0).
  const axis = parseAxis(SRAM_PATH, text, '--budgets', opts);
  return [...new Set(axis.values.map((v) => parseQuantity(v, 'bit', '--budgets')))].sort((x, y) => x - y);
}

/**
 * "hidden=50,100 bits=8,12 iterations=auto epochs=5" (spaces or ";" between keys) over the
 * defaults; "none" turns the family off.
 */
function parseFamily(text: string | undefined, defaults: RbnnFamily | ConventionalFamily, flag: string): RbnnFamily | ConventionalFamily | null {
  if (text === undefined) return { ...defaults };
  if (text.trim() === 'none') return null;
  const out: Record<string, unknown> = { ...defaults };
  const keys = Object.keys(defaults);
  for (const part of text.split(/[;\s]+/).filter(Boolean)) {
    const m = /^(\w+)=(.+)$/.exec(part);
    if (!m || !keys.includes(m[1]!)) throw new UserError(`${flag}: expected ${keys.map((k) => `${k}=...`).join(' ')}, got ${JSON.stringify(part)}`);
    const key = m[1]!;
    const v = m[2]!;
    const ints = (s: string, min: number, max: number): number[] => s.split(',').map((x) => {
      const n = Number(x);
      if (!Number.isInteger(n) || n < min || n > max) throw new UserError(`${flag} ${key}: expected whole numbers from ${min} to ${max}, got ${JSON.stringify(x)}`);
      return n;
    });
    if (key === 'hidden') out.hidden = ints(v, 1, 1_000_000);
    else if (key === 'bits') out.bits = ints(v, 1, 32);
    else if (key === 'epochs') out.epochs = ints(v, 1, 100_000)[0];
    else if (key === 'iterations') out.iterations = v === 'auto' ? 'auto' : ints(v, 1, 32)[0];
  }
  return out as unknown as RbnnFamily | ConventionalFamily;
}

/** A configuration tree -> --set strings (leaves in file order). */
export function flatten(tree: Tree, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v)) out.push(...flatten(v, path));
    else out.push(setString(path, v));
  }
  return out;
}

function quote(s: string): string {
  return /^[\w.,/:=+\-@[\]]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The flags that state the spec, as a command line (no --out, --shard, --workers, --cache). */
function commandLine(a: SweepArgs, mode: SweepMode, presets: string[]): string {
  const parts = ['rbnn-sim', 'sweep'];
  const add = (flag: string, v?: string | number): void => { parts.push(flag); if (v !== undefined) parts.push(quote(String(v))); };
  if (mode !== 'hardware') add('--mode', mode);
  if (a.quick) add('--quick');
  if (presets.length) add('--presets', presets.join(','));
  if (a.sram !== undefined) add('--sram', a.sram);
  for (const v of list(a.vary)) add('--vary', v);
  if (a.steps !== undefined) add('--steps', a.steps);
  if (a.scale !== undefined && a.scale !== 'geometric') add('--scale', a.scale);
  if (a.budgets !== undefined) add('--budgets', a.budgets);
  if (a.rbnn !== undefined) add('--rbnn', a.rbnn);
  if (a.conventional !== undefined) add('--conventional', a.conventional);
  if (a.scheduleOnly) add('--schedule-only');
  if (a.sample) add('--sample', a.sample);
  if (a.config !== undefined) add('--config', a.config);
  for (const s of list(a.set)) add('--set', s);
  if (a.seed !== undefined) add('--seed', a.seed);
  if (a.epochs !== undefined) add('--epochs', a.epochs);
  return parts.join(' ');
}
