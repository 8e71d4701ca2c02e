/**
 * Combining the shards of one sweep (`rbnn-sim sweep --shard i/N --out DIR_i`, then
 * `rbnn-sim merge DIR_1 ... DIR_N --out DIR`) into the result an unsharded run gives: the same
 * spec, every point exactly once, rows in point order.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../config/errors.js';
import type { SweepResult } from './runner.js';
import { specHash } from './spec.js';

export const RESULT_FILE = 'sweep.json';

/** Reads sweep.json from a folder (or the file itself). */
export function readSweepResult(path: string): SweepResult {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, RESULT_FILE) : path;
  if (!existsSync(file)) throw new UserError(`${file}: not found (expected the --out folder of a sweep)`);
  let r: SweepResult;
  try {
    r = JSON.parse(readFileSync(file, 'utf8')) as SweepResult;
  } catch (e) {
    throw new UserError(`${file}: not readable JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (r?.kind !== 'rbnn-sim.sweep' || r.version !== 1 || !Array.isArray(r.rows) || !r.spec) {
    throw new UserError(`${file}: not a sweep result of rbnn-sim (version 1)`);
  }
  if (specHash(r.spec) !== r.specHash)
    throw new UserError(`${file}: its spec does not match its hash (edited by hand?)`);
  return r;
}

/**
 * Merges shard results. Every input must belong to the same sweep (spec hash); together they
 * must hold every point exactly once, unless `partial` (then missing points are allowed).
 */
export function mergeResults(
  parts: ReadonlyArray<{ name: string; result: SweepResult }>,
  opts: { partial?: boolean } = {},
): { result: SweepResult; missing: number[] } {
  if (parts.length === 0) throw new UserError('merge: give the output folders of the shards to merge');
  const first = parts[0]!;
  for (const p of parts) {
    if (p.result.specHash !== first.result.specHash) {
      throw new UserError(
        `merge: ${p.name} is from another sweep than ${first.name} (spec ${p.result.specHash} vs ` +
          `${first.result.specHash})`,
      );
    }
  }
  const seen = new Map<number, string>();
  const rows = [];
  for (const p of parts) {
    for (const row of p.result.rows) {
      const other = seen.get(row.index);
      if (other !== undefined)
        throw new UserError(`merge: point ${row.index} (${row.id}) is in both ${other} and ${p.name}`);
      seen.set(row.index, p.name);
      rows.push(row);
    }
  }
  rows.sort((a, b) => a.index - b.index);
  const total = first.result.totalPoints;
  const missing: number[] = [];
  for (let i = 0; i < total; i++) if (!seen.has(i)) missing.push(i);
  if (missing.length > 0 && !opts.partial) {
    const counts = [...new Set(parts.map((p) => p.result.shard?.count ?? 1))];
    const have = parts
      .map((p) => (p.result.shard ? `${p.result.shard.index}/${p.result.shard.count}` : 'all'))
      .join(', ');
    throw new UserError(
      `merge: ${missing.length} of ${total} points are missing (shards given: ` +
        `${have}${counts.length === 1 && counts[0]! > 1 ? ` of ${counts[0]}` : ''}); pass --partial to merge anyway`,
    );
  }
  return {
    result: { ...first.result, shard: null, rows },
    missing,
  };
}
