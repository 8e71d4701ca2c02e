/**
 * Costing: for each operation of the stream, the SRAM reads/writes per bank, DRAM bursts read and
 * written, row activations, MAC lane-steps, and the cycles of each bound (compute, SRAM banks,
 * DRAM port), combined as their max when policy.overlap (double-buffering) and their sum
 * otherwise. An operation over more samples than the execution chunk (the training mini-batch)
 * runs chunk by chunk; each chunk is bounded on its own and the chunks add up.
 *
 * The mapper: for matmul and gradient operations the lane grid's width (columns) is chosen per
 * operation shape among powers of two (and the full width), minimising (policy.mapper = energy)
 * energy including leakage over the operation's cycles, then DRAM bursts, then cycles; or
 * (policy.mapper = dram) DRAM bursts first, so that more SRAM never means more DRAM traffic.
 *
 * Costs depend on the operation's shape only, so they are memoized: a full run is costed by
 * looking up each op and multiplying by its `repeat`.
 */
import type { CostedOp } from '../model/ops.js';
import type { HardwareConfig } from '../config/schema.js';
import type { Sram } from './components/sram.js';
import type { Dram } from './components/dram.js';
import type { MemoryMap } from './mapping.js';
import type { EnergyTable } from './energy-table.js';
import { Dataflow, contextOf, isGridOp, type OpContext, type Plan, type Stream } from './dataflow.js';
import {
  COMPUTE_CYCLES, CYCLES, DRAM_ACTIVATIONS, DRAM_CYCLES, DRAM_READ_BURSTS, DRAM_REOPENS, DRAM_WRITE_BURSTS, EVAL_SAMPLES, LANE_STEPS,
  OCCURRENCES, PER_BANK, SRAM_CYCLES, SRAM_READS, SRAM_WRITES, TRAIN_SAMPLES, addScaled, counterLength,
} from './counters.js';
import { chunkCarryOver, dramPlanCosts, dramStateCosts } from './dram/plan-costs.js';
import { dramBackgroundEnergy } from './dram/energy.js';

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
    return { vec, chunks };
  }

  /** The chunk plan of least cost (the mapper), with its counters. */
  private best(op: CostedOp, S: number, ctx: OpContext): { plan: Plan; v: Float64Array } {
    if (!isGridOp(op)) {
      const plan = this.dataflow.plan(op, S, ctx, 1);
      return { plan, v: this.countPlan(plan) };
    }
    let best: { plan: Plan; v: Float64Array; score: [number, number, number] } | null = null;
    const choices = this.dataflow.columnChoices(op);
    for (let i = choices.length - 1; i >= 0; i--) {
      const plan = this.dataflow.plan(op, S, ctx, choices[i]!);
      const v = this.countPlan(plan);
      const dramBursts = v[DRAM_READ_BURSTS]! + v[DRAM_WRITE_BURSTS]!;
      const energy = this.energyOf(v);
      const score: [number, number, number] = this.hw.policy.mapper === 'dram' ? [dramBursts, energy, v[CYCLES]!] : [energy, dramBursts, v[CYCLES]!];
      if (!best || better(score, best.score)) best = { plan, v, score };
    }
    return { plan: best!.plan, v: best!.v };
  }

  /** Energy of a counter vector: dynamic + leakage over its cycles + DRAM background and refresh. */
  energyOf(v: Float64Array): number {
    const e = this.table.entries;
    const bb = this.dram.burstBits;
    return v[SRAM_READS]! * e['sram.read'].energy + v[SRAM_WRITES]! * e['sram.write'].energy
      + v[DRAM_READ_BURSTS]! * bb * e['dram.read'].energy + v[DRAM_WRITE_BURSTS]! * bb * e['dram.write'].energy
      + (v[DRAM_ACTIVATIONS]! + v[DRAM_REOPENS]!) * e['dram.activate'].energy + v[LANE_STEPS]! * e['mac.step'].energy
      + this.table.leakagePower * v[CYCLES]! / this.hw.clock + dramBackgroundEnergy(v, e);
  }

  /** Counters of one chunk plan, with its cycle bounds. */
  countPlan(plan: Plan): Float64Array {
    const v = new Float64Array(this.len);
    for (const s of plan.streams) this.countStream(s, v);
    v[LANE_STEPS] = plan.laneSteps;
    const compute = plan.computeCycles;
    const sramC = this.sram.cycles(v, PER_BANK, v, PER_BANK + this.banks);
    const dramC = dramPlanCosts(plan, this.dram, v);
    v[COMPUTE_CYCLES] = compute;
    v[SRAM_CYCLES] = sramC;
    v[DRAM_CYCLES] = dramC;
    v[CYCLES] = this.hw.policy.overlap ? Math.max(compute, sramC, dramC) : compute + sramC + dramC;
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

function better(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) {
    // Relative tolerance so that rounding noise in energies does not pick a different mapping.
    const tol = 1e-12 * Math.max(Math.abs(a[i]!), Math.abs(b[i]!));
    if (a[i]! < b[i]! - tol) return true;
    if (a[i]! > b[i]! + tol) return false;
  }
  return false;
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
      out[0] = 0; out[1] = PURPOSE_CODE[op.purpose]; out[2] = op.samples; out[3] = op.features; out[4] = op.bitsPerFeature; out[5] = op.labelBits;
      return 6;
    case 'matmul': {
      const p = op.purpose ?? 'train';
      out[0] = 1; out[1] = PHASE_CODE[op.phase]; out[2] = PURPOSE_CODE[p]; out[3] = op.where.iteration;
      out[4] = op.where.epoch <= 1 || p === 'test' ? 1 : 0; out[5] = op.subnet; out[6] = op.layer; out[7] = op.samples;
      out[8] = op.rows; out[9] = op.cols; out[10] = op.inBits; out[11] = op.outBits;
      return 12;
    }
    case 'elementwise': {
      const p = op.purpose ?? 'train';
      out[0] = 2; out[1] = FN_CODE[op.fn]; out[2] = PHASE_CODE[op.phase]; out[3] = PURPOSE_CODE[p]; out[4] = op.where.iteration;
      out[5] = op.where.epoch <= 1 || p === 'test' ? 1 : 0; out[6] = op.subnet; out[7] = op.layer; out[8] = op.samples;
      out[9] = op.width; out[10] = op.inBits; out[11] = op.outBits;
      return 12;
    }
    case 'gradient':
      out[0] = 3; out[1] = op.layer; out[2] = op.samples; out[3] = op.rows; out[4] = op.cols; out[5] = op.actBits; out[6] = op.errBits;
      return 7;
    case 'update':
      out[0] = 4; out[1] = op.layer; out[2] = op.weights; out[3] = op.weightBits; out[4] = op.firstPlane;
      return 5;
  }
}
