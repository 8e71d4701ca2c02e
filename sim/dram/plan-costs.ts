/**
 * What a chunk plan costs the DRAM beyond its burst counts: activations and back-to-back row
 * conflicts of its address sequence (open-page row buffers, starting with all banks precharged:
 * the power-down that precedes a chunk precharges, and so does the refresh that comes within
 * tREFI), its busy time, and the clocks of each power state over the chunk's time.
 */
import type { Plan } from '../dataflow.js';
import type { ChunkPlans } from '../cost-model.js';
import type { Dram } from '../components/dram.js';
import type { RowBuffers } from './row-buffer.js';
import {
  CYCLES,
  DRAM_ACTIVATIONS,
  DRAM_ACTIVE_CLOCKS,
  DRAM_BUSY_CLOCKS,
  DRAM_CONFLICTS,
  DRAM_POWER_DOWN_CLOCKS,
  DRAM_POWER_DOWN_EXITS,
  DRAM_PRECHARGE_CLOCKS,
  DRAM_READ_BURSTS,
  DRAM_REFRESHES,
  DRAM_REOPENS,
  DRAM_SELF_REFRESH_CLOCKS,
  DRAM_SELF_REFRESH_EXITS,
  DRAM_WRITE_BURSTS,
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
  if (v[DRAM_READ_BURSTS]! + v[DRAM_WRITE_BURSTS]! === 0) return 0;
  const rb = dram.rowBuffers();
  replayPlan(plan, dram, rb);
  v[DRAM_ACTIVATIONS] = rb.activations;
  v[DRAM_CONFLICTS] = rb.conflicts;
  const { busy, refreshes } = dram.busyClocks(v[DRAM_READ_BURSTS]! + v[DRAM_WRITE_BURSTS]!, rb.conflicts);
  v[DRAM_BUSY_CLOCKS] = q(busy);
  v[DRAM_REOPENS] = refreshes > 0 ? q(refreshes * reopensPerRefresh(plan, dram)) : 0;
  return dram.cycles(v[DRAM_BUSY_CLOCKS]!);
}

/**
 * The chunks of an operation run back to back, so rows stay open from one chunk to the next:
 * the activations to add to the sum of the chunks' own counts (each from precharged banks).
 * Chunk 2 is replayed after chunk 1 at its own addresses (its samples' records); later full
 * chunks are taken to cost what chunk 2 does.
 */
export function chunkCarryOver(ch: ChunkPlans, dram: Dram): number {
  const chunks = ch.full + (ch.rest > 0 ? 1 : 0);
  if (chunks < 2 || (!touchesDram(ch.fullPlan) && !touchesDram(ch.restPlan))) return 0;
  const fresh = (plan: Plan, base: number): number => {
    const rb = dram.rowBuffers();
    replayPlan(plan, dram, rb, base);
    return rb.activations;
  };
  const rb = dram.rowBuffers();
  let correction = 0;
  if (ch.full > 0) {
    replayPlan(ch.fullPlan!, dram, rb, 0);
    if (ch.full > 1) {
      const before = rb.activations;
      replayPlan(ch.fullPlan!, dram, rb, ch.chunk);
      correction += (ch.full - 1) * (rb.activations - before - fresh(ch.fullPlan!, ch.chunk));
    }
  }
  if (ch.rest > 0) {
    const before = rb.activations;
    replayPlan(ch.restPlan!, dram, rb, ch.full * ch.chunk);
    correction += rb.activations - before - fresh(ch.restPlan!, ch.full * ch.chunk);
  }
  return correction;
}

/** Whether a plan moves any DRAM burst. */
function touchesDram(plan: Plan | null): boolean {
  if (!plan) return false;
  for (const s of plan.streams) {
    if (s.passes === 0 || s.bits === 0 || s.runs === 0) continue;
    const t = s.t;
    if (t.layout === 'records' ? !t.inSram : s.offset + (s.runs - 1) * s.stride + s.bits > t.onChipBits) return true;
  }
  return false;
}

/**
 * Activations a refresh costs while the DRAM serves the plan: the refresh precharges every bank,
 * and every row in use then must be opened again: the row being read and the rows of the requests
 * the controller already holds and opens ahead (a streaming controller is backlogged: its
 * transaction queue, 32 requests, and its command queues, 8 per bank, as in DRAMSim3's configs
 * and the .ini we write). Sampled at refreshes every tREFI - tRFC clocks of transfer (half an
 * interval in; at the middle when the plan is shorter), over the first two passes of each stream.
 */
export function reopensPerRefresh(plan: Plan, dram: Dram, queue = 32 + 8 * dram.map.banks): number {
  const keys: number[] = [];
  const lens: number[] = [];
  const map = dram.map;
  const seg = map.segment;
  const rows = dram.part.rows;
  const push = (b: number, n: number): void => {
    const key = map.bank(b) * rows + map.row(b);
    if (keys.length > 0 && keys[keys.length - 1] === key) lens[lens.length - 1]! += n;
    else {
      keys.push(key);
      lens.push(n);
    }
  };
  const bb = dram.burstBits;
  const visit: RangeVisitor = (start, bits) => {
    let b = Math.floor(start / bb);
    const end = b + dram.burstsTouched(start, bits);
    while (b < end) {
      const next = Math.min(end, (Math.floor(b / seg) + 1) * seg);
      push(b, next - b);
      b = next;
    }
  };
  for (const s of plan.streams) {
    if (s.passes === 0 || s.bits === 0 || s.runs === 0) continue;
    for (let p = 0; p < Math.min(s.passes, 2); p++) visitStreamPass(s, 0, visit);
  }
  let total = 0;
  for (const n of lens) total += n;
  if (total === 0) return 0;
  const p = dram.part;
  const every = (p.tREFI - p.tRFC) / dram.burstClocks;
  const points: number[] = [];
  for (let x = every / 2; x < total; x += every) points.push(Math.floor(x));
  if (points.length === 0) points.push(Math.floor(total / 2));
  let i = 0;
  let startOf = 0;
  let sum = 0;
  const seen = new Set<number>();
  for (let k = 0; k < points.length; k++) {
    const at = points[k]!;
    const ahead = queue;
    while (startOf + lens[i]! <= at) {
      startOf += lens[i]!;
      i++;
    }
    seen.clear();
    let j = i;
    let from = startOf;
    while (j < keys.length && from < at + ahead) {
      seen.add(keys[j]!);
      from += lens[j]!;
      j++;
    }
    sum += seen.size;
  }
  return sum / points.length;
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
