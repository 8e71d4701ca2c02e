/**
 * Sweep axes: a configuration path and the values it takes, read from a list or range text.
 *
 *   64KiB,128KiB,256KiB        a list (values as in a config file: units where the field has one)
 *   32KiB..1MiB                a range; needs a step: the definition's `steps` (geometric by default, or linear)
 *   32KiB..1MiB:12             12 points from 32 KiB to 1 MiB (geometric, or linear)
 *   32KiB..1MiB:x2             32, 64, 128 ... KiB (multiply by 2 while <= the end)
 *   32KiB..1MiB:+64KiB         32, 96, 160 ... KiB (add 64 KiB while <= the end)
 *
 * Every value is checked against the configuration schema (type, unit, range) and kept as the
 * text a config file would hold ("64 KiB", 8, "recompute"), which parses back exactly.
 */
import YAML from 'yaml';
import type { Field } from '../../config/fields.js';
import { UserError } from '../../config/errors.js';
import { formatQuantity, parseQuantity } from '../../config/units.js';
import { checkField, fieldsOf } from '../../config/validate.js';

export type Scale = 'geometric' | 'linear';

/** One swept path and its values, as config-file values (quantities as unit strings). */
export interface Axis {
  path: string;
  values: Array<string | number | boolean | number[] | null>;
}

const FIELDS = new Map(fieldsOf());

/** The schema field of a dotted path, or a UserError naming `label` (the definition field; the CLI: its flag). */
export function fieldAt(path: string, flag: string): Field {
  const f = FIELDS.get(path);
  if (!f) {
    const near = [...FIELDS.keys()].filter(
      (p) => p.endsWith(`.${path}`) || p.split('.').pop() === path.split('.').pop(),
    );
    throw new UserError(
      `${flag}: unknown configuration path ` +
        `"${path}"${near.length ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : ''}`,
    );
  }
  return f;
}

/** Parses the values of one axis (list or range) for `path`; `flag` names it in messages (a field, or a flag). */
export function parseAxis(path: string, spec: string, flag: string, opts: { steps?: number; scale: Scale }): Axis {
  const field = fieldAt(path, flag);
  const s = spec.trim();
  if (s === '') throw new UserError(`${flag}: no values given`);
  const range = /^(.+?)\.\.(.+?)(?::(.+))?$/.exec(s);
  const raw = range
    ? rangeValues(field, path, flag, range[1]!, range[2]!, range[3], opts)
    : splitList(s).map((v) => readValue(v));
  const values: Axis['values'] = [];
  const seen = new Set<string>();
  for (const v of raw) {
    const canonical = checkField(field, v, path, ` (in ${flag})`);
    const text =
      field.kind === 'quantity'
        ? formatQuantity(canonical as number, field.dimension)
        : (canonical as Axis['values'][number]);
    const key = JSON.stringify(canonical);
    if (seen.has(key)) continue;
    seen.add(key);
    values.push(text);
  }
  return { path, values };
}

/** "64KiB, 128 KiB" -> ["64KiB", "128 KiB"]; brackets keep lists together: "[100],[200]". */
function splitList(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  if (out.some((v) => v === '')) throw new UserError(`empty value in the list ${JSON.stringify(s)}`);
  return out;
}

/** A list item as a config value: YAML ("8" -> 8, "true", "[100]"), but unit strings stay strings. */
function readValue(v: string): unknown {
  try {
    return YAML.parse(v);
  } catch {
    return v;
  }
}

function rangeValues(
  field: Field,
  path: string,
  flag: string,
  a: string,
  b: string,
  step: string | undefined,
  opts: { steps?: number; scale: Scale },
): unknown[] {
  const numeric = field.kind === 'quantity' || field.kind === 'int' || field.kind === 'number';
  if (!numeric)
    throw new UserError(
      `${flag}: a range needs a numeric field; ${path} is ` +
        `${field.kind === 'enum' ? `one of ${field.values.join(', ')}` : `a ${field.kind}`} (give a list)`,
    );
  const num = (x: string): number => {
    if (field.kind === 'quantity') return parseQuantity(x.trim(), field.dimension, `${flag} (${path})`);
    const n = Number(x.trim());
    if (!Number.isFinite(n)) throw new UserError(`${flag}: ${JSON.stringify(x)} is not a number`);
    return n;
  };
  const lo = num(a);
  const hi = num(b);
  if (!(hi >= lo)) throw new UserError(`${flag}: the range ${a}..${b} ends below its start`);
  let xs: number[];
  const st = step?.trim();
  if (st === undefined || /^\d+$/.test(st)) {
    const n = st === undefined ? opts.steps : Number(st);
    if (n === undefined)
      throw new UserError(`${flag}: the range ${a}..${b} needs a step: --steps N, or ${a}..${b}:N, :x2 or :+<step>`);
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      throw new UserError(`${flag}: expected 1 to 10000 steps, got ${n}`);
    if (n === 1) xs = [lo];
    else if (opts.scale === 'geometric') {
      if (lo <= 0) throw new UserError(`${flag}: a geometric range must start above 0 (use --scale linear)`);
      xs = Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : lo * (hi / lo) ** (i / (n - 1))));
    } else {
      xs = Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : lo + (hi - lo) * (i / (n - 1))));
    }
  } else if (st.startsWith('x') || st.startsWith('*')) {
    const f = Number(st.slice(1));
    if (!(f > 1) || !Number.isFinite(f))
      throw new UserError(`${flag}: expected a factor above 1 after "${st[0]}", got ${JSON.stringify(st)}`);
    if (lo <= 0) throw new UserError(`${flag}: a multiplied range must start above 0`);
    xs = [];
    for (let x = lo; x <= hi * (1 + 1e-12) && xs.length < 10_000; x *= f) xs.push(x);
  } else if (st.startsWith('+')) {
    const d = num(st.slice(1));
    if (!(d > 0)) throw new UserError(`${flag}: expected a positive increment after "+", got ${JSON.stringify(st)}`);
    xs = [];
    for (let x = lo; x <= hi * (1 + 1e-12) && xs.length < 10_000; x += d) xs.push(x);
  } else {
    throw new UserError(`${flag}: unknown step ${JSON.stringify(st)} (use N, xF or +STEP)`);
  }
  return xs.map((x) => roundValue(field, x, lo, hi));
}

/** A range point rounded to what the field holds: sizes to whole KiB (or bytes, bits), integers, 4 digits. */
function roundValue(field: Field, x: number, lo: number, hi: number): unknown {
  if (field.kind === 'int') return Math.round(x);
  if (field.kind === 'number') return Number(x.toPrecision(4));
  if (field.kind !== 'quantity') return x;
  if (field.dimension === 'bit') {
    const grain = [8192, 8, 1].find((g) => lo % g === 0 && hi % g === 0) ?? 1;
    return formatQuantity(Math.max(grain, Math.round(x / grain) * grain), 'bit');
  }
  return formatQuantity(Number(x.toPrecision(4)), field.dimension);
}
