/**
 * Every number a result reports must be finite. Extreme inputs (an energy of 1e300 J, a clock
 * of 1e-300 Hz) can overflow a product or sum to Infinity, or make 0/0 or Infinity/Infinity a
 * NaN; JSON would print them as null and tables as "Infinity J". Instead the command stops and
 * names the quantity that overflowed and the configuration values that look responsible.
 */
import { UserError } from '../config/errors.js';
import type { Config } from '../config/schema.js';
import { fieldsOf } from '../config/validate.js';

/** The dotted path of the first non-finite number in `value` (depth first), or null. */
export function firstNonFinite(value: unknown, path = ''): { path: string; value: number } | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path, value };
  if (value === null || typeof value !== 'object') return null;
  if (ArrayBuffer.isView(value)) {
    const xs = value as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      if (typeof x === 'number' && !Number.isFinite(x)) return { path: `${path}[${i}]`, value: x };
    }
    return null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = firstNonFinite(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const hit = firstNonFinite(v, path ? `${path}.${k}` : k);
    if (hit) return hit;
  }
  return null;
}

/** Configuration quantities far outside any physical range (above 1e30 or below 1e-30 in canonical units). */
export function extremeSettings(cfg: Config): string[] {
  const out: string[] = [];
  for (const [path, field] of fieldsOf()) {
    if (field.kind !== 'quantity' && field.kind !== 'number') continue;
    const v = path.split('.').reduce<unknown>((n, k) => (n as Record<string, unknown>)?.[k], cfg);
    if (typeof v === 'number' && v !== 0 && (Math.abs(v) > 1e30 || Math.abs(v) < 1e-30)) out.push(`${path} = ${v}`);
  }
  return out;
}

/**
 * Throws a UserError naming the quantity when `result` holds a non-finite number. `what` names
 * the result ("the simulation report", `point "R2 sram=64KiB"`).
 */
export function checkFiniteResult(result: unknown, what: string, cfg?: Config): void {
  const hit = firstNonFinite(result);
  if (!hit) return;
  const suspects = cfg ? extremeSettings(cfg) : [];
  const because = suspects.length
    ? `; check ${suspects.slice(0, 3).join(', ')}`
    : "; check the configuration's energies, sizes and times";
  throw new UserError(`${what}: ${hit.path || 'the result'} is ${hit.value} (a number overflowed)${because}`);
}
