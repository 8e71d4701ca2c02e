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
import { evenPhases, refreshReopens, type RefreshQueueTiming, type RowRuns } from './refresh-reopens.js';
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
  const turns = { ...directionSwitches(plan), writes: v[DRAM_WRITE_BURSTS]! };
  const { busy, refreshes } = dram.busyClocks(v[DRAM_READ_BURSTS]! + v[DRAM_WRITE_BURSTS]!, rb.conflicts, turns);
  v[DRAM_BUSY_CLOCKS] = q(busy);
  v[DRAM_REOPENS] = refreshes > 0 ? q(refreshes * reopensPerRefresh(plan, dram, busy)) : 0;
  return dram.cycles(v[DRAM_BUSY_CLOCKS]!);
}

/** Chunks of an operation replayed one by one in chunkCarryOver; the mean of those stands for the rest. */
const CARRY_CHUNKS = 256;

/**
 * The chunks of an operation run back to back, so rows stay open from one chunk to the next:
 * the activations to add to the sum of the chunks' own counts (each costed from precharged
 * banks at the first chunk's addresses). The chunks are replayed in order at their own samples'
 * records (a chunk that starts inside the row the previous one ended in does not open it again,
 * and where a chunk starts in a row shifts from chunk to chunk); past CARRY_CHUNKS chunks, each
 * further full chunk costs the mean of the replayed ones after the first.
 */
export function chunkCarryOver(ch: ChunkPlans, dram: Dram): number {
  const chunks = ch.full + (ch.rest > 0 ? 1 : 0);
  if (chunks < 2 || (!touchesDram(ch.fullPlan) && !touchesDram(ch.restPlan))) return 0;
  const fresh = (plan: Plan): number => {
    const rb = dram.rowBuffers();
    replayPlan(plan, dram, rb, 0);
    return rb.activations;
  };
  const rb = dram.rowBuffers();
  let actual = 0;
  if (ch.full > 0) {
    const replayed = Math.min(ch.full, CARRY_CHUNKS);
    let later = 0;
    for (let k = 0; k < replayed; k++) {
      const before = rb.activations;
      replayPlan(ch.fullPlan!, dram, rb, k * ch.chunk);
      if (k > 0) later += rb.activations - before;
    }
    actual += rb.activations;
    if (ch.full > replayed) actual += ((ch.full - replayed) * later) / (replayed - 1);
    actual -= ch.full * fresh(ch.fullPlan!);
  }
  if (ch.rest > 0) {
    const before = rb.activations;
    replayPlan(ch.restPlan!, dram, rb, ch.full * ch.chunk);
    actual += rb.activations - before - fresh(ch.restPlan!);
  }
  return actual;
}

/**
 * Read-to-write and write-to-read switches of a plan's DRAM streams, in the order the trace
 * emits them (each stream's passes back to back), counted around the cycle: the next chunk or
 * operation starts with the first stream again (a plan that reads, then writes back: one each).
 */
export function directionSwitches(plan: Plan): { readToWrite: number; writeToRead: number } {
  const dirs: boolean[] = [];
  for (const s of plan.streams) if (streamTouchesDram(s)) dirs.push(s.write);
  let readToWrite = 0;
  let writeToRead = 0;
  for (let i = 0; i < dirs.length && dirs.length > 1; i++) {
    const a = dirs[i]!;
    const b = dirs[(i + 1) % dirs.length]!;
    if (!a && b) readToWrite++;
    if (a && !b) writeToRead++;
  }
  return { readToWrite, writeToRead };
}

/** Whether one stream moves any DRAM burst. */
function streamTouchesDram(s: Plan['streams'][number]): boolean {
  if (s.passes === 0 || s.bits === 0 || s.runs === 0) return false;
  const t = s.t;
  return t.layout === 'records' ? !t.inSram : s.offset + (s.runs - 1) * s.stride + s.bits > t.onChipBits;
}

/** Whether a plan moves any DRAM burst. */
function touchesDram(plan: Plan | null): boolean {
  if (!plan) return false;
  for (const s of plan.streams) if (streamTouchesDram(s)) return true;
  return false;
}

/** Requests DRAMSim3's controller holds at most: its transaction queue, 32, and its command queues, 8 per bank. */
const controllerQueue = (dram: Dram): number => 32 + 8 * dram.map.banks;

/**
 * A plan's DRAM stream as (bank, row) runs, in trace order: each stream's first two passes; and its bursts.
 * `sampleBase`: record number of the chunk's first sample (where its per-sample records lie).
 */
export function planRowRuns(
  plan: Plan,
  dram: Dram,
  sampleBase = 0,
): { runs: RowRuns; replayed: number; bursts: number } {
  const keys: number[] = [];
  const lens: number[] = [];
  const banks: number[] = [];
  const map = dram.map;
  const seg = map.segment;
  const rows = dram.part.rows;
  const writes: number[] = [];
  let replayed = 0;
  const push = (b: number, n: number, w: number): void => {
    replayed += n;
    const bank = map.bank(b);
    const key = bank * rows + map.row(b);
    if (keys.length > 0 && keys[keys.length - 1] === key && writes[writes.length - 1] === w)
      lens[lens.length - 1]! += n;
    else {
      keys.push(key);
      lens.push(n);
      banks.push(bank);
      writes.push(w);
    }
  };
  const bb = dram.burstBits;
  const visit: RangeVisitor = (start, bits, write) => {
    let b = Math.floor(start / bb);
    const end = b + dram.burstsTouched(start, bits);
    while (b < end) {
      const next = Math.min(end, (Math.floor(b / seg) + 1) * seg);
      push(b, next - b, write ? 1 : 0);
      b = next;
    }
  };
  let bursts = 0;
  for (const s of plan.streams) {
    if (s.passes === 0 || s.bits === 0 || s.runs === 0) continue;
    const before = replayed;
    visitStreamPass(s, sampleBase, visit);
    bursts += (replayed - before) * s.passes;
    if (s.passes > 1) visitStreamPass(s, sampleBase, visit);
  }
  return { runs: { keys, lens, banks, writes }, replayed, bursts };
}

/** The queue model's timing for requests arriving every `pace` DRAM clocks. */
function queueTiming(dram: Dram, pace: number, queue: number): RefreshQueueTiming {
  const p = dram.part;
  return {
    burstClocks: dram.burstClocks,
    pace: Math.max(dram.burstClocks, pace),
    tREFI: p.tREFI,
    precharge: p.tRP,
    refresh: p.tRFC,
    readToPrecharge: dram.readToPrecharge,
    writeToPrecharge: dram.writeToPrecharge,
    activate: p.tRCD,
    conflict: p.tRP + p.tRCD,
    readToWrite: dram.readToWrite,
    writeToRead: dram.writeToRead,
    queue,
  };
}

/** Re-opens per refresh of a replay at four refresh phases; one refresh at its middle when none falls inside. */
function perRefresh(runs: RowRuns, t: RefreshQueueTiming, replayed: number): number {
  let r = refreshReopens(runs, t, evenPhases(t.tREFI, 4), replayed);
  if (r.refreshes === 0) r = refreshReopens(runs, t, [(replayed / 2) * t.pace], replayed);
  return r.refreshes > 0 ? r.reopens / r.refreshes : 0;
}

/**
 * Activations a refresh costs while the DRAM serves the plan, per refresh: the rows open at the
 * refresh that the stream still needs (sim/dram/refresh-reopens.ts), with requests arriving at
 * the trace's pace (`busy` clocks over the plan's bursts) into a controller that holds at most
 * its transaction queue, 32 requests, and its command queues, 8 per bank (DRAMSim3's configs and
 * the .ini we write). Over the first two passes of each stream, four refresh phases; a stream
 * too short for any of them to fall inside takes one refresh at its middle.
 */
export function reopensPerRefresh(plan: Plan, dram: Dram, busy: number, queue = controllerQueue(dram)): number {
  const { runs, replayed, bursts } = planRowRuns(plan, dram);
  if (bursts === 0) return 0;
  return perRefresh(runs, queueTiming(dram, busy / bursts, queue), replayed);
}

/** Bursts of an operation's chunks replayed in chunkCarryReopens at most (per refresh phase). */
const CARRY_BURSTS = 1 << 16;

/**
 * Re-opens of an operation whose chunks run back to back, replacing the sum of its chunks' own
 * (each replayed from an empty queue): the trace stamps all of an operation's bursts at one
 * pace from its first cycle (sim/trace-emitter.ts), so the controller's queue, the bus time lost
 * to refreshes, turnarounds and row opens, and the refresh phase carry from one chunk to the
 * next. The chunks' runs (planRowRuns, each at its own samples' records) are replayed one
 * after another, requests arriving every `busy` / `bursts` clocks (the operation's), until
 * CARRY_BURSTS; the re-opens per refresh of that replay times the operation's refreshes
 * (busy / tREFI: sim/components/dram.ts busyClocks). Null for an operation of one chunk.
 */
export function chunkCarryReopens(ch: ChunkPlans, dram: Dram, busy: number, bursts: number): number | null {
  const chunks = ch.full + (ch.rest > 0 ? 1 : 0);
  if (chunks < 2 || dram.model !== 'device' || bursts === 0 || busy === 0) return null;
  const keys: number[] = [];
  const lens: number[] = [];
  const banks: number[] = [];
  const writes: number[] = [];
  let replayed = 0;
  const append = (r: RowRuns): void => {
    for (let i = 0; i < r.keys.length; i++) {
      keys.push(r.keys[i]!);
      lens.push(r.lens[i]!);
      banks.push(r.banks[i]!);
      writes.push(r.writes[i]!);
      replayed += r.lens[i]!;
    }
  };
  // Each chunk at its own samples' records: a chunk's per-sample records lie elsewhere than the
  // previous chunk's, so the stream does not come back to the rows it just read (it does to the
  // rows of streams shared by all chunks, as weights).
  for (let k = 0; k < ch.full && replayed < CARRY_BURSTS; k++)
    append(planRowRuns(ch.fullPlan!, dram, k * ch.chunk).runs);
  if (ch.rest > 0 && replayed < CARRY_BURSTS) append(planRowRuns(ch.restPlan!, dram, ch.full * ch.chunk).runs);
  if (replayed === 0) return 0;
  const t = queueTiming(dram, busy / bursts, controllerQueue(dram));
  const n = Math.min(replayed, CARRY_BURSTS);
  return q((busy / dram.part.tREFI) * perRefresh({ keys, lens, banks, writes }, t, n));
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
