/**
 * A sweep stated in text, as the `rbnn-sim sweep` flags state it (presets "R2,B1", axes
 * "hardware.sram.banks=4,8,16", families "hidden=50,100 bits=8,12"), turned into a definition
 * (define.ts) and a SweepSpec. Errors name the fields (rbnn, vary, axes.<path>, ...) through
 * `name`, which the CLI sets to say its flags; the default names the field itself.
 */
import { readConfigFile, resolveConfig } from '../../config/load.js';
import { UserError } from '../../config/errors.js';
import { parseAxis, type Axis, type Scale } from './axes.js';
import { SRAM_PATH, defineSweep, quote, type AxisValues, type SweepDefinition } from './define.js';
import type { ConventionalFamily, RbnnFamily, SweepMode, SweepSpec } from './spec.js';

export interface SweepText {
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

type Name = (field: string) => string;
const itself: Name = (f) => f;
const list = (x: string | string[] | undefined): string[] => (x === undefined ? [] : [x].flat());

/** "R2,B1 B2" and repeated values -> ["R2", "B1", "B2"]; "R2+paper" stays one workload. */
export function presetList(x: string | string[] | undefined): string[] {
  return list(x)
    .flatMap((s) => s.split(/[,\s]+/))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** "path=values" -> [path, values] */
function splitVary(text: string, name: Name): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) {
    const example = `${name('vary')} hardware.sram.banks=4,8,16`;
    throw new UserError(`${name('vary')} ${JSON.stringify(text)}: expected path=values, e.g. ${example}`);
  }
  return [text.slice(0, eq).trim(), text.slice(eq + 1)];
}

/** The spec the text states; `name` says how errors name a field (the CLI: its flags). */
export function sweepFromText(a: SweepText, name: Name = itself): SweepSpec {
  const axes: Record<string, AxisValues> = {};
  if (a.sram !== undefined) axes[SRAM_PATH] = a.sram;
  for (const v of list(a.vary)) {
    const [path, values] = splitVary(v, name);
    if (path in axes) throw new UserError(`${name('vary')} ${path}: this path is already swept`);
    axes[path] = values;
  }
  if (a.config !== undefined) resolveConfig({ file: a.config }); // errors name the file
  const family = (f: 'rbnn' | 'conventional', text: string | undefined) =>
    text !== undefined ? { [f]: parseFamily(text, f, name) } : {};
  const def: SweepDefinition = {
    ...(a.mode !== undefined ? { mode: a.mode } : {}),
    presets: presetList(a.presets),
    axes,
    ...(a.steps !== undefined ? { steps: a.steps } : {}),
    ...(a.scale !== undefined ? { scale: a.scale } : {}),
    ...(a.budgets !== undefined ? { budgets: a.budgets } : {}),
    ...family('rbnn', a.rbnn),
    ...family('conventional', a.conventional),
    scheduleOnly: a.scheduleOnly === true,
    quick: a.quick === true,
    ...(a.sample !== undefined ? { sample: a.sample } : {}),
    ...(a.config !== undefined ? { config: readConfigFile(a.config) } : {}),
    sets: list(a.set),
    ...(a.seed !== undefined ? { seed: a.seed } : {}),
    ...(a.epochs !== undefined ? { epochs: a.epochs } : {}),
  };
  return defineSweep(def, { name, command: commandLine(a, a.mode ?? 'hardware', def.presets ?? []) });
}

/** "path=values" on its own (for tests and scripts that read the text syntax). */
export function parseVary(text: string, opts: { steps?: number; scale: Scale }, name: Name = itself): Axis {
  const [path, values] = splitVary(text, name);
  return parseAxis(path, values, `${name('vary')} ${path}`, opts);
}

const FAMILY_KEYS = ['hidden', 'bits', 'iterations', 'epochs'];

/**
 * "hidden=50,100 bits=8,12 iterations=auto epochs=5" (spaces or ";" between keys); "none" turns
 * the family off. Values are checked by defineSweep, naming "rbnn hidden".
 */
export function parseFamily(
  text: string,
  family: 'rbnn' | 'conventional',
  name: Name = itself,
): Partial<RbnnFamily | ConventionalFamily> | null {
  if (text.trim() === 'none') return null;
  const keys = family === 'rbnn' ? FAMILY_KEYS : FAMILY_KEYS.filter((k) => k !== 'iterations');
  const out: Record<string, unknown> = {};
  for (const part of text.split(/[;\s]+/).filter(Boolean)) {
    const m = /^(\w+)=(.+)$/.exec(part);
    if (!m || !keys.includes(m[1]!)) {
      const expected = keys.map((k) => `${k}=...`).join(' ');
      throw new UserError(`${name(family)}: expected ${expected}, got ${JSON.stringify(part)}`);
    }
    const key = m[1]!;
    const v = m[2]!;
    const nums = v.split(',').map((x) => (/^\s*-?\d+(\.\d*)?\s*$/.test(x) ? Number(x) : x));
    if (key === 'hidden' || key === 'bits') out[key] = nums;
    else out[key] = key === 'iterations' && v === 'auto' ? 'auto' : nums[0];
  }
  return out as Partial<RbnnFamily | ConventionalFamily>;
}

/** The text as a `rbnn-sim sweep` command line (no --out, --shard, --workers, --cache). */
function commandLine(a: SweepText, mode: SweepMode, presets: readonly string[]): string {
  const parts = ['rbnn-sim', 'sweep'];
  const add = (flag: string, v?: string | number): void => {
    parts.push(flag);
    if (v !== undefined) parts.push(quote(String(v)));
  };
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
