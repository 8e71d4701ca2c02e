/**
 * What changed since the previous version of a reproduction page: the results.json it replaces
 * (read from the assets folder before the new one is written) against the new one, per row on
 * the default accelerator. Regenerating a page from the run store after a change to sim/ re-prices
 * the same trainings; this section says by how much and on which hardware description, so a
 * reader of the page sees what moved and why without a diff.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatQuantity } from '../../config/units.js';
import { byteSize } from './claims.js';
import type { CostPoint } from './costs.js';
import type { ReproductionResult, RowResult } from './reproduce.js';

/** The results.json in `dir`, if there is one of a reproduction; anything else is ignored. */
export function readPreviousResults(dir: string): ReproductionResult | undefined {
  const file = join(dir, 'results.json');
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as ReproductionResult;
    return r?.kind === 'rbnn-sim.reproduction' && Array.isArray(r.rows) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** The hardware a results.json was priced on, in words (older files only carried a DRAM pJ/bit). */
export function pricedOn(r: ReproductionResult): string {
  const h = r.hardware;
  if (h.description) return h.description;
  return (
    `${formatQuantity(h.clockHz, 'Hz')}, ${h.sramBanks} SRAM banks, ${h.macLanes} lanes, DRAM charged ` +
    `${h.dramPjPerBit ?? '?'} pJ per bit moved (no device model: no refresh, no background power), ` +
    'no operand buffer'
  );
}

const J = (j: number): string => formatQuantity(j, 'J', 3);
const ratio = (a: number, b: number): string => (a > 0 ? `${(b / a).toFixed(2)}x` : '-');

function defaultCost(x: RowResult, sram: number): CostPoint | undefined {
  return x.costs.find((c) => c.sramBits === sram && c.frozen === 'recompute');
}

/** The Markdown section, or [] when there is no previous version or nothing it reports changed. */
export function changesSection(prev: ReproductionResult | undefined, next: ReproductionResult): string[] {
  if (!prev) return [];
  const lines: string[] = [];
  for (const x of next.rows) {
    const p = prev.rows.find((y) => y.id === x.id);
    const a = p && defaultCost(p, prev.defaultSramBits);
    const b = defaultCost(x, next.defaultSramBits);
    if (!p || !a || !b) continue;
    const err = (r: RowResult): string => `${(r.testError.mean * 100).toFixed(2)} %`;
    const sameErr = err(p) === err(x);
    const sameCost = J(a.energy) === J(b.energy) && Math.round(a.seconds) === Math.round(b.seconds);
    if (sameErr && sameCost) continue;
    const bytes = (c: CostPoint): number => c.dramReadBytes + c.dramWriteBytes;
    const dram = (c: CostPoint): number => c.energyDram + (c.energyDramBackground ?? 0);
    lines.push(
      `| ${x.id} | ${J(a.energy)} -> ${J(b.energy)} (${ratio(a.energy, b.energy)}) | ` +
        `${J(dram(a))} -> ${J(dram(b))} | ${byteSize(bytes(a))} -> ${byteSize(bytes(b))} | ` +
        `${(a.seconds / 60).toFixed(2)} -> ${(b.seconds / 60).toFixed(2)} min | ` +
        `${sameErr ? `${err(x)} (same runs)` : `${err(p)} -> ${err(x)}`} |`,
    );
  }
  if (lines.length === 0) return [];
  return [
    '## Changes since the previous version of this page',
    '',
    `The previous results.json (generated ${prev.generatedAt} by \`${prev.commandLine}\`) priced the runs on: ` +
      `${pricedOn(prev)}.`,
    '',
    `This version prices them on: ${pricedOn(next)}.`,
    '',
    'Per row, one training run on the default accelerator (recompute), previous -> now:',
    '',
    '| row | energy per run | of which DRAM (dynamic + refresh + background) | DRAM traffic | time | test error |',
    '|---|---:|---:|---:|---:|---:|',
    ...lines,
    '',
    'Why: the trainings are the same when the test errors are (the run store keeps them); every cost ' +
      'difference comes from the cost model named above (docs/DRAM.md for the DRAM device and its power ' +
      'states, docs/HARDWARE.md for the operand buffer, register files and mapper).',
    '',
  ];
}
