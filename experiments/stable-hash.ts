/**
 * The one stable hash of the experiment engine: JSON with object keys sorted (so the order in
 * which a configuration was built does not matter), sha256, hex, cut to `length` characters.
 * Sweep specs, run identities and training ids all go through it.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted (a stable text for hashing). */
export function stableJson(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

/** sha256 of stableJson(x), the first `length` hex digits. */
export function stableHash(x: unknown, length: number): string {
  return createHash('sha256').update(stableJson(x)).digest('hex').slice(0, length);
}
