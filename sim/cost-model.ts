/**
 * Costing: for each operation of the stream, the SRAM reads/writes per bank, operand-buffer reads
 * and writes, DRAM bursts read and written, row activations, MAC lane-steps and bits stepped, and
 * the cycles of each bound (compute, SRAM banks, operand buffer, DRAM port), combined as their max
 * when policy.overlap (double-buffering) and their sum otherwise. An operation over more samples
 * than the execution chunk (the training mini-batch) runs chunk by chunk; each chunk is bounded on
 * its own and the chunks add up.
 *
 * Matmul and gradient operations are mapped (sim/mapper/): the mapper picks the loop nest of least
 * hardware.policy.objective under the operand buffer's capacity.
 *
 * Costs depend on the operation's shape only, so they are memoized: a full run is costed by
 * looking up each op and multiplying by its `repeat`.
 */
import type { CostedOp } from '../model/ops.js';
import type { HardwareConfig } from '../config/schema.js';
import type { Sram } from './components/sram.js';
import type { Dram } from './components/dram.js';
import type { MemoryMap } from './memory-map.js';
import type { EnergyTable } from './energy-table.js';
import type { OperandBuffer } from './components/buffer.js';
import type { RegisterFile } from './components/register-file.js';
import { Dataflow, contextOf, isGridOp, type OpContext, type Plan, type Stream } from './dataflow.js';
import { energyOf } from './energy.js';
import { searchMapping, type MappingSpace, type Score } from './mapper/search.js';
import { largestBlock, nestOf, type GridMapping } from './mapper/nest.js';
import {
  BUFFER_CYCLES,
  BUFFER_READS,
  BUFFER_WRITES,
  COMPUTE_CYCLES,
  CYCLES,
  DRAM_ACTIVATIONS,
  DRAM_BUSY_CLOCKS,
  DRAM_ACTIVE_CLOCKS,
  DRAM_CONFLICTS,
  DRAM_CYCLES,
  DRAM_READ_BURSTS,
  DRAM_POWER_DOWN_CLOCKS,
  DRAM_PRECHARGE_CLOCKS,
  DRAM_REFRESHES,
  DRAM_REOPENS,
  DRAM_SELF_REFRESH_CLOCKS,
  DRAM_WRITE_BURSTS,
  EVAL_SAMPLES,
  LANE_BITS,
  LANE_STEPS,
  OCCURRENCES,
  PER_BANK,
  REG_READS,
  REG_WRITES,
  SRAM_CYCLES,
  SRAM_READS,
  SRAM_READS_MIN,
  SRAM_WRITES,
  TRAIN_SAMPLES,
  addScaled,
  counterLength,
} from './counters.js';
import { chunkCarryOver, chunkCarryReopens, dramPlanCosts, dramStateCosts } from './dram/plan-costs.js';

/** How an op splits into chunks: `full` chunks of `chunk` samples, then one of `rest` (0: none). */
export interface ChunkPlans {
  full: number;
  chunk: number;
  fullPlan: Plan | null;
  rest: number;
  restPlan: Plan | null;
}

export interface OpCost {
  /** Counters of one occurrence of the op (repeat = 1). */
  vec: Float64Array;
  /** What it accesses, for tracing. */
  chunks: ChunkPlans;
}

export class CostModel {
  /** Memo: hash of the op's shape -> entries with their shape fields (no allocation on a hit). */
  private readonly memo = new Map<number, Array<{ fields: number[]; cost: OpCost }>>();
  private readonly scratch: number[] = new Array(16).fill(0);
  /** Mappings found, by the content of their mapping space (see best). */
  private readonly searches = new Map<string, GridMapping>();
  /** Counters of one pass of each stream geometry seen (see countPlan). */
  private readonly onePass = new Map<string, Float64Array>();
  /** DRAM costs of a plan by its DRAM streams (see dramCosts). */
  private readonly dramMemo = new Map<string, number[]>();
  private count = 0;
  private readonly len: number;
  private readonly banks: number;
  readonly dataflow: Dataflow;

  constructor(
    private readonly hw: HardwareConfig,
    private readonly sram: Sram,
    private readonly dram: Dram,
    private readonly table: EnergyTable,
    private readonly map: MemoryMap,
    dataflow: Dataflow,
    private readonly buffer: OperandBuffer,
    private readonly regs: RegisterFile,
  ) {
    this.banks = sram.banks;
    this.len = counterLength(sram.banks);
    this.dataflow = dataflow;
  }

  /** Number of distinct operation shapes costed so far. */
  get shapes(): number {
    return this.count;
  }

  cost(op: CostedOp): OpCost {
    const f = this.scratch;
    const n = shapeFields(op, f);
    let h = 0x811c9dc5;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ f[i]!, 0x01000193) >>> 0;
    let list = this.memo.get(h);
    if (list) {
      outer: for (const e of list) {
        if (e.fields.length !== n) continue;
        for (let i = 0; i < n; i++) if (e.fields[i] !== f[i]) continue outer;
        return e.cost;
      }
    } else {
      list = [];
      this.memo.set(h, list);
    }
    const cost = this.compute(op, contextOf(op));
    list.push({ fields: f.slice(0, n), cost });
    this.count++;
    return cost;
  }

  private compute(op: CostedOp, ctx: OpContext): OpCost {
    const vec = new Float64Array(this.len);
    vec[OCCURRENCES] = 1;
    const none: ChunkPlans = { full: 0, chunk: 0, fullPlan: null, rest: 0, restPlan: null };
    if (this.dataflow.skipped(op, ctx)) return { vec, chunks: none };
    const S = op.kind === 'update' ? 1 : op.samples;
    if (op.kind === 'load') vec[op.purpose === 'train' ? TRAIN_SAMPLES : EVAL_SAMPLES] = S;
    const c = op.kind === 'update' ? 1 : this.map.chunk;
    const full = Math.floor(S / c);
    const rest = S - full * c;
    const chunks: ChunkPlans = { full, chunk: c, fullPlan: null, rest, restPlan: null };
    if (full > 0) {
      const { plan, v } = this.best(op, op.kind === 'update' ? 1 : c, ctx);
      chunks.fullPlan = plan;
      addScaled(vec, v, full);
    }
    if (rest > 0) {
      const { plan, v } = this.best(op, rest, ctx);
      chunks.restPlan = plan;
      addScaled(vec, v, 1);
    }
    vec[DRAM_ACTIVATIONS]! += chunkCarryOver(chunks, this.dram);
    const bursts = vec[DRAM_READ_BURSTS]! + vec[DRAM_WRITE_BURSTS]!;
    const reopens = chunkCarryReopens(chunks, this.dram, vec[DRAM_BUSY_CLOCKS]!, bursts);
    if (reopens !== null) vec[DRAM_REOPENS] = reopens;
    return { vec, chunks };
  }

  /** The chunk plan of least cost (the mapper), with its counters. */
  private best(op: CostedOp, S: number, ctx: OpContext): { plan: Plan; v: Float64Array } {
    if (!isGridOp(op)) {
      const plan = this.dataflow.plan(op, S, ctx, null);
      const v = this.countPlan(plan);
      if (op.kind === 'load' && this.map.prefetch) this.prefetched(v);
      v[SRAM_READS_MIN] = v[SRAM_READS]!;
      return { plan, v };
    }
    const space = this.space(op, S, ctx);
    // Shapes whose mapping spaces cost the same (same one-pass counts, loops and operands: e.g.
    // the same layer in another iteration) share the search's result.
    let mapping = this.searches.get(space.key);
    if (!mapping) {
      mapping = searchMapping(space).mapping;
      this.searches.set(space.key, mapping);
    }
    const plan = this.dataflow.plan(op, S, ctx, mapping);
    const v = this.countPlan(plan);
    v[SRAM_READS_MIN] = this.minimumReads(op, S, ctx);
    return { plan, v };
  }

  /** SRAM reads of the compulsory minimum of a grid op's chunk: every operand range fetched once. */
  minimumReads(op: CostedOp, S: number, ctx: OpContext = contextOf(op)): number {
    const all = this.countPlan(
      this.dataflow.plan(op, S, ctx, {
        columns: 1,
        others: 1,
        order: 'GT',
        block: Number.MAX_SAFE_INTEGER,
        hold: 3,
        regColumns: 1,
        regOthers: 1,
      }),
    );
    return all[SRAM_READS]!;
  }

  /**
   * The mapping space of a grid op's chunk of S samples, for the mapper and for tests' brute force.
   * Candidates are costed from one pass of each stream: a mapping only changes how many times each
   * re-used operand is fetched, and the buffer's counts (the chosen one is then planned for real).
   */
  space(op: CostedOp, S: number, ctx: OpContext = contextOf(op)): MappingSpace {
    if (!isGridOp(op)) throw new Error(`internal: ${op.kind} operations are not mapped`);
    const flow = this.dataflow;
    const lanes = flow.lanes;
    const extent = flow.othersExtent(op, S);
    const reuse = flow.reuseOf(op, S);
    const wordBits = this.buffer.wordBits;
    // The reference mapping: one column, one row, every re-used operand held (reads each operand once).
    const holdAll: GridMapping = {
      columns: 1,
      others: 1,
      order: 'GT',
      block: Number.MAX_SAFE_INTEGER,
      hold: (1 << reuse.length) - 1,
      regColumns: 1,
      regOthers: 1,
    };
    const ref = flow.plan(op, S, ctx, holdAll);
    const base = new Float64Array(this.len);
    const perFetch = reuse.map(() => new Float64Array(this.len));
    const readBack = new Float64Array(this.len);
    for (const st of ref.streams) {
      if (st.operand < 0) {
        addScaled(base, this.onePassOf(st), st.passes);
        continue;
      }
      addScaled(perFetch[st.operand]!, this.onePassOf(st), 1);
      if (reuse[st.operand]!.psum && st.write) addScaled(readBack, this.onePassOf({ ...st, write: false }), 1);
    }
    const dramBursts = (x: Float64Array): number => x[DRAM_READ_BURSTS]! + x[DRAM_WRITE_BURSTS]!;
    const dramOperand = perFetch.map((x, k) => dramBursts(x) > 0 || (reuse[k]!.psum && dramBursts(readBack) > 0));
    const touchesDram = dramBursts(base) > 0 || dramOperand.some((d) => d);
    const dramByFetches = new Map<string, number[]>();
    const bounds = new Map<number, number>();
    // DRAM costs of a plan by the fetches of the operands that live in DRAM (its DRAM streams).
    const dramOf = (fetches: number[], w: Float64Array, m?: GridMapping): number => {
      let key = '';
      fetches.forEach((f, k) => {
        if (dramOperand[k]) key += `${f},`;
      });
      let d = dramByFetches.get(key);
      if (!d) {
        const x = new Float64Array(this.len);
        x.set(w);
        const cycles = this.dramCosts(flow.plan(op, S, ctx, m ?? holdAll), x);
        d = [cycles, x[DRAM_ACTIVATIONS]!, x[DRAM_CONFLICTS]!, x[DRAM_BUSY_CLOCKS]!, x[DRAM_REOPENS]!];
        dramByFetches.set(key, d);
      }
      setDram(w, d);
      return d[0]!;
    };
    const steps = flow.stepsPerPass(op, S);
    const macs = S * op.rows * op.cols;
    const regs = this.regs;
    const scratch = new Float64Array(this.len);
    const key = [
      op.cols,
      extent,
      steps,
      macs,
      regs.maxTile,
      regs.wordsPerSum,
      ref.laneSteps,
      ref.laneBits,
      ...reuse.flatMap((r) => [r.invariant, r.unitBits, r.extent, r.psum ? 1 : 0]),
      ...base,
      ...perFetch.flatMap((x) => [...x]),
      ...readBack,
    ].join(',');
    const space: MappingSpace = {
      key,
      columns: flow.columnChoices(op).reverse(),
      maxOthers: (c) => Math.max(1, Math.min(extent, Math.floor(lanes / c))),
      othersExtent: extent,
      operands: reuse.length,
      invariants: reuse.map((r) => r.invariant),
      bufferWords: this.buffer.words,
      maxRegTile: regs.maxTile,
      cols: op.cols,
      nest: (m) => nestOf(m, op.cols, extent, lanes, reuse, wordBits),
      largestBlock: (m) => largestBlock(m, op.cols, extent, lanes, reuse, wordBits, this.buffer.words),
      evaluate: (n) => {
        // Into a scratch vector: the search copies it only when the candidate is the best so far.
        const v = scratch;
        v.set(base);
        n.operands.forEach((u, k) => {
          addScaled(v, perFetch[k]!, u.fetches);
          if (u.psum && u.fetches > 1) addScaled(v, readBack, u.fetches - 1);
        });
        const rf = regs.accesses(macs, n.regTile);
        // The DRAM's row buffers depend on the address order of the real plan: its DRAM costs come
        // from the plan (memoized by the fetches of the operands that live in DRAM).
        const dram = touchesDram
          ? (w: Float64Array): number =>
              dramOf(
                n.operands.map((u) => u.fetches),
                w,
                n.mapping,
              )
          : undefined;
        this.finish(
          v,
          n.G * n.T * n.regTile * steps,
          n.bufferReads,
          n.bufferWrites,
          ref.laneSteps,
          ref.laneBits,
          rf,
          rf,
          dram,
        );
        return { v, score: this.score(v) };
      },
      lowerBound: (t) => {
        // Every operand fetched once (a held psum: no read-back), no buffer traffic: the bound
        // depends on the tile only through its compute cycles and register-file use.
        const passes = Math.ceil(extent / t.Ot) * Math.ceil(op.cols / t.Ct) * t.regTile;
        const k = t.regTile > 1 ? -passes : passes;
        let b = bounds.get(k);
        if (b === undefined) {
          const v = scratch;
          v.set(base);
          for (const x of perFetch) addScaled(v, x, 1);
          const rf = regs.accesses(macs, t.regTile);
          const dram = touchesDram
            ? (w: Float64Array): number => {
                const all = reuse.map(() => 1);
                return dramOf(all, w);
              }
            : undefined;
          this.finish(v, passes * steps, 0, 0, ref.laneSteps, ref.laneBits, rf, rf, dram);
          b = this.score(v)[0];
          bounds.set(k, b);
        }
        return b;
      },
      plan: (m) => flow.plan(op, S, ctx, m),
      evaluatePlan: (plan) => {
        const v = this.countPlan(plan);
        return { v, score: this.score(v) };
      },
    };
    return space;
  }

  /**
   * A load prefetched under the previous batch's compute (memory map: double-buffered input): its
   * DRAM port time is hidden (the operation takes its other bounds), its counts and dynamic energy
   * are unchanged. The DRAM is busy for its busy clocks during that compute, not idle: its state
   * clocks are those of its own visible time, plus its busy clocks as active standby taken from the
   * state the compute's long idle stretch is in (power-down, self-refresh or precharge standby by
   * policy), so that the state clocks of the run still add up to its elapsed time.
   */
  private prefetched(v: Float64Array): void {
    const compute = v[COMPUTE_CYCLES]!;
    const sramC = v[SRAM_CYCLES]!;
    const bufC = v[BUFFER_CYCLES]!;
    v[CYCLES] = this.hw.policy.overlap ? Math.max(compute, sramC, bufC) : compute + sramC + bufC;
    if (this.dram.model !== 'device') return;
    const busy = v[DRAM_BUSY_CLOCKS]!;
    v[DRAM_BUSY_CLOCKS] = 0;
    dramStateCosts(this.dram, v);
    v[DRAM_BUSY_CLOCKS] = busy;
    const policy = this.hw.dram.powerDown;
    const from =
      policy === 'standby'
        ? DRAM_PRECHARGE_CLOCKS
        : policy === 'self-refresh'
          ? DRAM_SELF_REFRESH_CLOCKS
          : DRAM_POWER_DOWN_CLOCKS;
    v[DRAM_ACTIVE_CLOCKS]! += busy;
    v[from]! -= busy;
    // Refresh commands go on in every state but self-refresh (sixteenths, as sim/dram/ keeps them).
    if (from === DRAM_SELF_REFRESH_CLOCKS) v[DRAM_REFRESHES]! += Math.round((busy / this.dram.part.tREFI) * 16) / 16;
  }

  /** The objective of a counter vector, lexicographic. */
  score(v: Float64Array): Score {
    const bursts = v[DRAM_READ_BURSTS]! + v[DRAM_WRITE_BURSTS]!;
    const energy = this.energyOf(v);
    const cycles = v[CYCLES]!;
    switch (this.hw.policy.objective) {
      case 'energy':
        return [energy, bursts, cycles];
      case 'cycles':
        return [cycles, energy, bursts];
      case 'edp':
        return [energy * cycles, energy, cycles];
      case 'dram':
        return [bursts, energy, cycles];
      case 'sram-reads':
        return [bursts, v[SRAM_READS]!, energy];
    }
  }

  /** Energy of a counter vector: dynamic + leakage over its cycles + DRAM background and refresh (sim/energy.ts). */
  energyOf(v: Float64Array): number {
    return energyOf(v, this.table, this.dram.burstBits, this.hw.clock);
  }

  /** Counters of one chunk plan, with its cycle bounds. */
  countPlan(plan: Plan): Float64Array {
    const v = new Float64Array(this.len);
    for (const st of plan.streams) if (st.passes > 0) addScaled(v, this.onePassOf(st), st.passes);
    const { computeCycles: cc, bufferReads: br, bufferWrites: bw, laneSteps: ls, laneBits: lb, regReads } = plan;
    return this.finish(v, cc, br, bw, ls, lb, regReads, plan.regWrites, (w) => this.dramCosts(plan, w));
  }

  /** Counters of one pass of a stream (counts scale with passes; memoized per stream geometry). */
  private onePassOf(st: Stream): Float64Array {
    const key = `${st.t.id},${st.write ? 1 : 0},${st.offset},${st.bits},${st.runs},${st.stride},${st.first}`;
    let one = this.onePass.get(key);
    if (!one) {
      one = new Float64Array(this.len);
      this.countStream({ ...st, passes: 1 }, one);
      this.onePass.set(key, one);
    }
    return one;
  }

  /**
   * dramPlanCosts (activations, conflicts, busy clocks, re-opens, port cycles), memoized by the
   * plan's DRAM streams: the mapper costs many candidates of a shape whose DRAM streams are the same
   * (only their SRAM streams' passes differ), and replaying their addresses dominates its time.
   */
  private dramCosts(plan: Plan, v: Float64Array): number {
    if (v[DRAM_READ_BURSTS]! + v[DRAM_WRITE_BURSTS]! === 0) return 0;
    let key = '';
    for (const st of plan.streams) {
      if (st.passes === 0 || st.bits === 0 || st.runs === 0 || !streamTouchesDram(st)) continue;
      key += `${st.t.id},${st.write ? 1 : 0},${st.offset},${st.bits},${st.runs},${st.stride},${st.first},${st.passes};`;
    }
    let m = this.dramMemo.get(key);
    if (!m) {
      const w = new Float64Array(this.len);
      w[DRAM_READ_BURSTS] = v[DRAM_READ_BURSTS]!;
      w[DRAM_WRITE_BURSTS] = v[DRAM_WRITE_BURSTS]!;
      const cycles = dramPlanCosts(plan, this.dram, w);
      m = [cycles, w[DRAM_ACTIVATIONS]!, w[DRAM_CONFLICTS]!, w[DRAM_BUSY_CLOCKS]!, w[DRAM_REOPENS]!];
      this.dramMemo.set(key, m);
    }
    setDram(v, m);
    return m[0]!;
  }

  /**
   * DRAM port cycles of a candidate mapping costed without its plan (the mapper's fast path):
   * bursts at the bus's pace, no row conflicts; the chosen mapping is then planned for real.
   */
  private dramEstimate(v: Float64Array): number {
    const bursts = v[DRAM_READ_BURSTS]! + v[DRAM_WRITE_BURSTS]!;
    if (bursts === 0) return 0;
    const busy = Math.round(this.dram.busyClocks(bursts, 0).busy * 16) / 16;
    v[DRAM_BUSY_CLOCKS] = busy;
    return this.dram.cycles(busy);
  }

  /** Adds the non-stream counters and the cycle bounds (DRAM: from the plan's addresses when given). */
  private finish(
    v: Float64Array,
    compute: number,
    bufferReads: number,
    bufferWrites: number,
    laneSteps: number,
    laneBits: number,
    regReads: number,
    regWrites: number,
    dram?: (v: Float64Array) => number,
  ): Float64Array {
    v[REG_READS] = regReads;
    v[REG_WRITES] = regWrites;
    v[LANE_STEPS] = laneSteps;
    v[LANE_BITS] = laneBits;
    v[BUFFER_READS] = bufferReads;
    v[BUFFER_WRITES] = bufferWrites;
    const sramC = this.sram.cycles(v, PER_BANK, v, PER_BANK + this.banks);
    const dramC = dram ? dram(v) : this.dramEstimate(v);
    const bufC = this.buffer.cycles(bufferReads + bufferWrites);
    v[COMPUTE_CYCLES] = compute;
    v[SRAM_CYCLES] = sramC;
    v[DRAM_CYCLES] = dramC;
    v[BUFFER_CYCLES] = bufC;
    v[CYCLES] = this.hw.policy.overlap ? Math.max(compute, sramC, dramC, bufC) : compute + sramC + dramC + bufC;
    dramStateCosts(this.dram, v);
    return v;
  }

  private countStream(s: Stream, v: Float64Array): void {
    const t = s.t;
    const P = s.passes;
    if (P === 0 || s.bits === 0 || s.runs === 0) return;
    if (t.layout === 'records') {
      for (let r = s.first; r < s.first + s.runs; r++) {
        const at = r * t.recordStride + s.offset;
        if (t.inSram) this.sramRange(t.sramBase + at, s.bits, P, s.write, v);
        else this.dramRange(t.dramBase + at, s.bits, P, s.write, v);
      }
      return;
    }
    for (let r = 0; r < s.runs; r++) {
      const a = s.offset + r * s.stride;
      const b = a + s.bits;
      const split = t.onChipBits;
      if (a < split) this.sramRange(t.sramBase + a, Math.min(b, split) - a, P, s.write, v);
      if (b > split) {
        const a2 = Math.max(a, split);
        this.dramRange(t.dramBase + (a2 - split), b - a2, P, s.write, v);
      }
    }
  }

  private sramRange(start: number, bits: number, passes: number, write: boolean, v: Float64Array): void {
    const n = this.sram.wordsTouched(start, bits);
    v[write ? SRAM_WRITES : SRAM_READS]! += n * passes;
    this.sram.addWords(this.sram.firstWord(start), n, passes, v, PER_BANK + (write ? this.banks : 0));
  }

  private dramRange(start: number, bits: number, passes: number, write: boolean, v: Float64Array): void {
    v[write ? DRAM_WRITE_BURSTS : DRAM_READ_BURSTS]! += this.dram.burstsTouched(start, bits) * passes;
  }
}

/** Writes memoized DRAM plan costs [cycles, activations, conflicts, busy clocks, re-opens] into v. */
function setDram(v: Float64Array, m: number[]): void {
  v[DRAM_ACTIVATIONS] = m[1]!;
  v[DRAM_CONFLICTS] = m[2]!;
  v[DRAM_BUSY_CLOCKS] = m[3]!;
  v[DRAM_REOPENS] = m[4]!;
}

/** Whether a stream moves DRAM bursts (records off chip, or a range beyond the on-chip part). */
function streamTouchesDram(s: Stream): boolean {
  const t = s.t;
  return t.layout === 'records' ? !t.inSram : s.offset + (s.runs - 1) * s.stride + s.bits > t.onChipBits;
}

const PHASE_CODE = { load: 0, forward: 1, backward: 2, gradient: 3, update: 4, evaluate: 5 } as const;
const PURPOSE_CODE = { train: 0, validation: 1, test: 2 } as const;
const FN_CODE = { activation: 0, 'activation-derivative': 1, 'output-sum': 2, 'softmax-error': 3, argmax: 4 } as const;

/**
 * Everything an op's cost depends on (not where it sits in the schedule), as small integers
 * written into `out`; returns how many. Its shape, and for matmul/elementwise ops the iteration,
 * data set and first-pass flag (see contextOf).
 */
export function shapeFields(op: CostedOp, out: number[]): number {
  switch (op.kind) {
    case 'load':
      out[0] = 0;
      out[1] = PURPOSE_CODE[op.purpose];
      out[2] = op.samples;
      out[3] = op.features;
      out[4] = op.bitsPerFeature;
      out[5] = op.labelBits;
      return 6;
    case 'matmul': {
      const p = op.purpose ?? 'train';
      out[0] = 1;
      out[1] = PHASE_CODE[op.phase];
      out[2] = PURPOSE_CODE[p];
      out[3] = op.where.iteration;
      out[4] = op.where.epoch <= 1 || p === 'test' ? 1 : 0;
      out[5] = op.subnet;
      out[6] = op.layer;
      out[7] = op.samples;
      out[8] = op.rows;
      out[9] = op.cols;
      out[10] = op.inBits;
      out[11] = op.outBits;
      return 12;
    }
    case 'elementwise': {
      const p = op.purpose ?? 'train';
      out[0] = 2;
      out[1] = FN_CODE[op.fn];
      out[2] = PHASE_CODE[op.phase];
      out[3] = PURPOSE_CODE[p];
      out[4] = op.where.iteration;
      out[5] = op.where.epoch <= 1 || p === 'test' ? 1 : 0;
      out[6] = op.subnet;
      out[7] = op.layer;
      out[8] = op.samples;
      out[9] = op.width;
      out[10] = op.inBits;
      out[11] = op.outBits;
      return 12;
    }
    case 'gradient':
      out[0] = 3;
      out[1] = op.layer;
      out[2] = op.samples;
      out[3] = op.rows;
      out[4] = op.cols;
      out[5] = op.actBits;
      out[6] = op.errBits;
      return 7;
    case 'update':
      out[0] = 4;
      out[1] = op.layer;
      out[2] = op.weights;
      out[3] = op.weightBits;
      out[4] = op.firstPlane;
      return 5;
  }
}
