/**
 * From `rbnn-sim sweep` flags to a sweep definition (experiments/sweep/define.ts), and from there
 * to a SweepSpec. The library checks everything and names its fields; `flagOf` makes those names
 * the flags the user typed, so a mistake is one line naming a flag, exit code 2, nothing written.
 */
import { readConfigFile, resolveConfig } from '../../config/load.js';
import { UserError } from '../../config/errors.js';
import { parseAxis, type Axis, type Scale } from '../../experiments/sweep/axes.js';
import {
  DEFAULT_BUDGETS,
  SRAM_PATH,
  defineSweep,
  type AxisValues,
  type SweepDefinition,
} from '../../experiments/sweep/define.js';
import type { Shard } from '../../experiments/sweep/points.js';
import type { ConventionalFamily, RbnnFamily, SweepMode, SweepSpec } from '../../experiments/sweep/spec.js';

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

export { DEFAULT_BUDGETS, SRAM_PATH };

const list = (x: string | string[] | undefined): string[] => (x === undefined ? [] : [x].flat());

/** "R2,B1 B2" and repeated flags -> ["R2", "B1", "B2"]; "R2+paper" stays one workload. */
export function presetList(x: string | string[] | undefined): string[] {
  return list(x)
    .flatMap((s) => s.split(/[,\s]+/))
    .map((s) => s.trim())
    .filter(Boolean);
}

const FLAGS: Record<string, string> = {
  mode: '--mode',
  presets: '--presets',
  steps: '--steps',
  scale: '--scale',
  budgets: '--budgets',
  rbnn: '--rbnn',
  conventional: '--conventional',
  sample: '--sample',
  config: '--config',
  seed: '--seed',
  epochs: '--epochs',
};

export function specFromArgs(a: SweepArgs): SweepSpec {
  const axes: Record<string, AxisValues> = {};
  if (a.sram !== undefined) axes[SRAM_PATH] = a.sram;
  for (const v of list(a.vary)) {
    const eq = v.indexOf('=');
    if (eq <= 0)
      throw new UserError(`--vary ${JSON.stringify(v)}: expected path=values, e.g. --vary hardware.sram.banks=4,8,16`);
    const path = v.slice(0, eq).trim();
    if (path in axes) throw new UserError(`--vary ${path}: this path is already swept`);
    axes[path] = v.slice(eq + 1);
  }
  const flagOf = (field: string): string => {
    if (field.startsWith('axes.')) {
      const path = field.slice('axes.'.length);
      return path === SRAM_PATH && a.sram !== undefined ? '--sram' : `--vary ${path}`;
    }
    const [head, key] = field.split('.') as [string, string | undefined];
    return key === undefined ? (FLAGS[head] ?? head) : `${FLAGS[head] ?? head} ${key}`;
  };
  if (a.config !== undefined) resolveConfig({ file: a.config }); // errors name the file
  const def: SweepDefinition = {
    ...(a.mode !== undefined ? { mode: a.mode } : {}),
    presets: presetList(a.presets),
    axes,
    ...(a.steps !== undefined ? { steps: a.steps } : {}),
    ...(a.scale !== undefined ? { scale: a.scale } : {}),
    ...(a.budgets !== undefined ? { budgets: a.budgets } : {}),
    ...(a.rbnn !== undefined ? { rbnn: parseFamily(a.rbnn, '--rbnn') as Partial<RbnnFamily> | null } : {}),
    ...(a.conventional !== undefined
      ? { conventional: parseFamily(a.conventional, '--conventional') as Partial<ConventionalFamily> | null }
      : {}),
    scheduleOnly: a.scheduleOnly === true,
    quick: a.quick === true,
    ...(a.sample !== undefined ? { sample: a.sample } : {}),
    ...(a.config !== undefined ? { config: readConfigFile(a.config) } : {}),
    sets: list(a.set),
    ...(a.seed !== undefined ? { seed: a.seed } : {}),
    ...(a.epochs !== undefined ? { epochs: a.epochs } : {}),
  };
  return defineSweep(def, { name: flagOf, command: commandLine(a, a.mode ?? 'hardware', def.presets ?? []) });
}

/** `--vary path=values` on its own (for tests and scripts that read the flag's syntax). */
export function parseVary(text: string, opts: { steps?: number; scale: Scale }): Axis {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new UserError(`--vary ${JSON.stringify(text)}: expected path=values, e.g. --vary hardware.sram.banks=4,8,16`);
  const path = text.slice(0, eq).trim();
  return parseAxis(path, text.slice(eq + 1), `--vary ${path}`, opts);
}

/** --shard "i/N" (1-based i). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count)
    throw new UserError(`--shard ${JSON.stringify(text)}: expected i/N with 1 <= i <= N, e.g. --shard 2/8`);
  return { index, count };
}

const FAMILY_KEYS = ['hidden', 'bits', 'iterations', 'epochs'];

/**
 * "hidden=50,100 bits=8,12 iterations=auto epochs=5" (spaces or ";" between keys); "none" turns
 * the family off. Values are checked by the library (defineSweep), naming "--rbnn hidden".
 */
function parseFamily(text: string, flag: string): Partial<RbnnFamily | ConventionalFamily> | null {
  if (text.trim() === 'none') return null;
  const keys = flag === '--rbnn' ? FAMILY_KEYS : FAMILY_KEYS.filter((k) => k !== 'iterations');
  const out: Record<string, unknown> = {};
  for (const part of text.split(/[;\s]+/).filter(Boolean)) {
    const m = /^(\w+)=(.+)$/.exec(part);
    if (!m || !keys.includes(m[1]!))
      throw new UserError(`${flag}: expected ${keys.map((k) => `${k}=...`).join(' ')}, got ${JSON.stringify(part)}`);
    const key = m[1]!;
    const v = m[2]!;
    const nums = v.split(',').map((x) => (/^\s*-?\d+(\.\d*)?\s*$/.test(x) ? Number(x) : x));
    if (key === 'hidden' || key === 'bits') out[key] = nums;
    else out[key] = key === 'iterations' && v === 'auto' ? 'auto' : nums[0];
  }
  return out as Partial<RbnnFamily | ConventionalFamily>;
}

function quote(s: string): string {
  return /^[\w.,/:=+\-@[\]]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The flags that state the spec, as a command line (no --out, --shard, --workers, --cache). */
function commandLine(a: SweepArgs, mode: SweepMode, presets: readonly string[]): string {
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
