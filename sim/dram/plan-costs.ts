/**
 * What a chunk plan costs the DRAM beyond its burst counts: activations and back-to-back row
 * conflicts of its address sequence (open-page row buffers, starting with all banks precharged:
 * the power-down that precedes a chunk precharges, and so does the refresh that comes within
 * tREFI), its busy time, and the clocks of each power state over the chunk's time.
 */
import type { Plan } from '../dataflow.js';
import type { Dram } from '../components/dram.js';
import type { RowBuffers } from './row-buffer.js';
import {
  CYCLES, DRAM_ACTIVATIONS, DRAM_ACTIVE_CLOCKS, DRAM_BUSY_CLOCKS, DRAM_CONFLICTS, DRAM_POWER_DOWN_CLOCKS,
  DRAM_POWER_DOWN_EXITS, DRAM_PRECHARGE_CLOCKS, DRAM_READ_BURSTS, DRAM_REFRESHES, DRAM_REOPENS,
  DRAM_SELF_REFRESH_CLOCKS, DRAM_SELF_REFRESH_EXITS, DRAM_WRITE_BURSTS,
} from '../counters.js';

/**
 * Fractional counters (clocks, expected refreshes) are kept in sixteenths, so that sums of them
 * are exact in doubles (below 2^49) in any order: compressed and expanded streams, totals and
 * phases, traced and untraced runs add up to identical numbers.
 */
const q = (x: number): number => Math.round(x * 16) / 16;

export type RangeVisitor = (startBit: number, bits: number, write: boolean) => void;

/**
 * The DRAM ranges of one pass of a plan's streams, in the order the trace emits them
 * (sim/trace-emitter.ts). `sampleBase`: record number of the chunk's first sample.
 */
export function visitStreamPass(s: Plan['streams'][number], sampleBase: number, visit: RangeVisitor): void {
  const t = s.t;
  if (s.bits === 0) return;
  if (t.layout === 'records') {
    if (t.inSram) return;
    for (let r = s.first; r < s.first + s.runs; r++) {
      const rec = t.records > 0 ? (sampleBase + r) % t.records : r;
      visit(t.dramBase + rec * t.recordStride + s.offset, s.bits, s.write);
    }
    return;
  }
  const split = t.onChipBits;
  for (let r = 0; r < s.runs; r++) {
    const a = s.offset + r * s.stride;
    const b = a + s.bits;
    if (b > split) {
      const a2 = Math.max(a, split);
      visit(t.dramBase + (a2 - split), b - a2, s.write);
    }
  }
}

/**
 * Activations and conflicts of a plan's DRAM address sequence through `rb` (counts added to
 * rb). A stream's passes repeat the same sequence: after the first pass every bank it touches
 * holds the row that pass left in it, so passes 2..P all cost what pass 2 does.
 */
export function replayPlan(plan: Plan, dram: Dram, rb: RowBuffers, sampleBase = 0): void {
  const bb = dram.burstBits;
  const visit: RangeVisitor = (start, bits) => rb.range(Math.floor(start / bb), dram.burstsTouched(start, bits));
  for (const s of plan.streams) {
    const P = s.passes;
    if (P === 0 || s.bits === 0 || s.runs === 0) continue;
    visitStreamPass(s, sampleBase, visit);
    if (P === 1) continue;
    const a = rb.activations;
    const c = rb.conflicts;
    visitStreamPass(s, sampleBase, visit);
    rb.activations += (P - 2) * (rb.activations - a);
    rb.conflicts += (P - 2) * (rb.conflicts - c);
  }
}

/** Fills the DRAM counters of a chunk plan whose bursts are counted in v; returns the port's cycles. */
export function dramPlanCosts(plan: Plan, dram: Dram, v: Float64Array): number {
  const rb = dram.rowBuffers();
  replayPlan(plan, dram, rb);
  v[DRAM_ACTIVATIONS] = rb.activations;
  v[DRAM_CONFLICTS] = rb.conflicts;
  const { busy, reopens } = dram.busyClocks(v[DRAM_READ_BURSTS]! + v[DRAM_WRITE_BURSTS]!, rb.conflicts);
  v[DRAM_BUSY_CLOCKS] = q(busy);
  v[DRAM_REOPENS] = q(reopens);
  return dram.cycles(v[DRAM_BUSY_CLOCKS]!);
}

/** Power-state clocks and refreshes over the chunk's v[CYCLES] (device model only). */
export function dramStateCosts(dram: Dram, v: Float64Array): void {
  if (dram.model !== 'device') return;
  const busy = v[DRAM_BUSY_CLOCKS]!;
  const total = Math.max(q(v[CYCLES]! * dram.clockRatio), busy);
  const s = dram.idle(total - busy, busy > 0);
  const sr = q(s.selfRefresh);
  const pd = q(s.powerDown);
  const pre = q(s.precharge);
  v[DRAM_ACTIVE_CLOCKS] = total - sr - pd - pre;
  v[DRAM_PRECHARGE_CLOCKS] = pre;
  v[DRAM_POWER_DOWN_CLOCKS] = pd;
  v[DRAM_SELF_REFRESH_CLOCKS] = sr;
  v[DRAM_POWER_DOWN_EXITS] = s.powerDownExits;
  v[DRAM_SELF_REFRESH_EXITS] = s.selfRefreshExits;
  v[DRAM_REFRESHES] = q((total - sr) / dram.part.tREFI);
}
