/**
 * The simulator: an OpObserver that costs an operation stream on the configured accelerator.
 *
 *   const sim = new Simulator(cfg);                 // cfg: Config or HardwareConfig
 *   enumerateSchedule(cfg, sim);                    // or train(cfg, { observer: sim })
 *   const report = sim.report();                    // SimReport (see sim/report.ts)
 *
 * With `trace: { sink, filter }`, every SRAM word access and DRAM burst of the ops the filter
 * accepts is sent to the sink as an AccessEvent (repeat expanded into consecutive batches), with
 * a cycle counter that advances by the cycles charged to every op; `report().traced` holds the
 * counters of exactly those ops.
 *
 * Checkpoints: `snapshotState()` returns everything accumulated so far as plain JSON, and
 * `restoreState()` puts it into a fresh Simulator of the same hardware, which then goes on
 * exactly as the original would have (same counters, same memo of costed shapes, same cycle
 * counter), so a resumed run's report is identical to an uninterrupted one.
 */
import type { Config, HardwareConfig } from '../config/schema.js';
import { UserError } from '../config/errors.js';
import type { CostedOp, Op, OpObserver, Phase, RunBeginOp } from '../model/ops.js';
import { PHASES } from '../model/ops.js';
import type { TraceTap } from '../traces/events.js';
import type { TrainResult } from '../model/results.js';
import { Sram } from './components/sram.js';
import { Dram } from './components/dram.js';
import { MacArray } from './components/mac-array.js';
import { buildEnergyTable, ACTIONS, type EnergyTable } from './energy-table.js';
import { buildMemoryMap, type MemoryMap } from './memory-map.js';
import { OperandBuffer } from './components/buffer.js';
import { RegisterFile } from './components/register-file.js';
import { Dataflow } from './dataflow.js';
import { CostModel } from './cost-model.js';
import { CYCLES, addScaled, counterLength } from './counters.js';
import { TraceEmitter } from './trace-emitter.js';
import { dramHardwareSummary } from './dram/hardware-summary.js';
import type { MappingRecord } from './mapper/format.js';
import {
  placementOf,
  summarize,
  trainingSummary,
  type CostSummary,
  type IterationSummary,
  type SimReport,
  type SummaryContext,
} from './report.js';

const PHASE_INDEX: Record<Phase, number> = Object.fromEntries(PHASES.map((p, i) => [p, i])) as Record<Phase, number>;

export interface SimulatorOptions {
  trace?: TraceTap;
}

/** The accumulated state of a Simulator, as plain JSON (see snapshotState). */
export interface SimulatorState {
  version: 1;
  /** Length of every counter vector (depends on the number of SRAM banks). */
  counterLength: number;
  run: RunBeginOp | null;
  /** One op of each distinct shape costed so far, in the order they were first costed. */
  shapeOps: CostedOp[];
  /** [iteration * phases + phase, counters] in insertion order. */
  buckets: Array<[number, number[]]>;
  trainableBits: Array<[number, number]>;
  traced: number[];
  /** Counters of the evaluation passes and per layer (absent in older snapshots: then zero). */
  evaluation?: number[];
  layers?: Array<[number, number[]]>;
  cycles: number;
}

export class Simulator implements OpObserver {
  readonly hw: HardwareConfig;
  readonly sram: Sram;
  readonly dram: Dram;
  readonly mac: MacArray;
  readonly buffer: OperandBuffer;
  readonly registers: RegisterFile;
  readonly table: EnergyTable;
  private run: RunBeginOp | null = null;
  private map: MemoryMap | null = null;
  private model: CostModel | null = null;
  private readonly len: number;
  private readonly traced: Float64Array;
  /** Counters of the evaluation passes: evaluate-phase ops and validation/test loads. */
  private readonly evaluation: Float64Array;
  /** Counters per layer (loads: key -1). */
  private readonly layers = new Map<number, Float64Array>();
  /** Counters per (iteration, phase): totals, phases and iterations are sums of these. */
  private readonly buckets = new Map<number, Float64Array>();
  private readonly trainableBits = new Map<number, number>();
  private readonly tap: TraceTap | undefined;
  private readonly emitter: TraceEmitter | null;
  /** Cycle counter: cycles charged so far. */
  private now = 0;
  /** The first op of each distinct shape, in order (replayed into the memo by restoreState). */
  private readonly shapeOps: CostedOp[] = [];

  constructor(cfg: Config | HardwareConfig, opts: SimulatorOptions = {}) {
    this.hw = 'hardware' in cfg ? cfg.hardware : cfg;
    this.sram = new Sram(this.hw);
    this.dram = new Dram(this.hw);
    this.mac = new MacArray(this.hw);
    this.buffer = new OperandBuffer(this.hw);
    this.registers = new RegisterFile(this.hw);
    this.table = buildEnergyTable(this.hw, this.sram, this.buffer, this.dram);
    this.len = counterLength(this.sram.banks);
    this.traced = new Float64Array(this.len);
    this.evaluation = new Float64Array(this.len);
    this.tap = opts.trace;
    this.emitter = opts.trace ? new TraceEmitter(opts.trace.sink, this.sram, this.dram) : null;
  }

  /** The memory map of the run (null before run-begin). */
  get memoryMap(): MemoryMap | null {
    return this.map;
  }

  /** The chosen mapping of every distinct matmul/gradient shape costed so far (for --mappings). */
  mappings(): MappingRecord[] {
    const model = this.model;
    if (!model) return [];
    const out: MappingRecord[] = [];
    const cx = this.summaryContext();
    for (const op of this.shapeOps) {
      if (op.kind !== 'matmul' && op.kind !== 'gradient') continue;
      const { chunks } = model.cost(op);
      for (const [plan, samples] of [
        [chunks.fullPlan, chunks.chunk],
        [chunks.restPlan, chunks.rest],
      ] as const) {
        if (!plan?.nest) continue;
        const s = summarize(model.countPlan(plan), cx);
        out.push({
          op,
          samples,
          nest: plan.nest,
          energy: s.energy.total,
          cycles: s.cycles,
          counts: {
            sramReads: s.counts.sramReads,
            sramWrites: s.counts.sramWrites,
            sramReadsMinimum: model.minimumReads(op, samples),
            dramReadBursts: s.counts.dramReadBursts,
            dramWriteBursts: s.counts.dramWriteBursts,
            bufferReads: s.counts.bufferReads,
            bufferWrites: s.counts.bufferWrites,
            regReads: s.counts.regReads,
            regWrites: s.counts.regWrites,
            macSteps: s.counts.macSteps,
          },
        });
      }
    }
    return out;
  }

  /** The cost model of the run (null before run-begin): mapping spaces and mapper, for tests and --mappings. */
  get costModel(): CostModel | null {
    return this.model;
  }

  /** Cycles charged so far. */
  get cycles(): number {
    return this.now;
  }

  op(o: Op): void {
    switch (o.kind) {
      case 'run-begin':
        this.begin(o);
        return;
      case 'iteration-begin':
        this.trainableBits.set(o.where.iteration, o.trainableBits);
        return;
      case 'iteration-end':
        return;
    }
    const model = this.model;
    if (!model) throw new Error('Simulator: a costed operation arrived before run-begin');
    const shapes = model.shapes;
    const cost = model.cost(o);
    if (model.shapes !== shapes) this.shapeOps.push(o);
    const r = o.repeat;
    const vec = cost.vec;
    addScaled(this.bucket(o.where.iteration, o.phase), vec, r);
    if (o.phase === 'evaluate' || (o.kind === 'load' && o.purpose !== 'train')) addScaled(this.evaluation, vec, r);
    addScaled(this.layerBucket(o.kind === 'load' ? -1 : o.layer), vec, r);
    const c = vec[CYCLES]!;
    if (this.tap?.filter(o)) {
      const train = o.kind === 'load' ? o.purpose === 'train' : o.phase !== 'evaluate';
      const nominal = train ? this.run!.batch : this.run!.evalBatch;
      for (let i = 0; i < r; i++) {
        this.emitter!.occurrence(o, cost, o.where.batch + i, nominal, this.now);
        this.now += c;
      }
      addScaled(this.traced, vec, r);
    } else {
      this.now += c * r;
    }
  }

  private begin(run: RunBeginOp): void {
    if (this.run) throw new Error('Simulator: a second run-begin (use one Simulator per run)');
    if (run.accumulatorBits > this.hw.mac.accumulatorBits) {
      throw new UserError(
        `model.accumulatorBits (${run.accumulatorBits}) exceeds the MAC array's accumulators ` +
          `(hardware.mac.accumulatorBits = ${this.hw.mac.accumulatorBits})`,
      );
    }
    this.run = run;
    this.map = buildMemoryMap(run, this.hw, this.sram, this.dram);
    const flow = new Dataflow(this.map, this.mac, this.hw, run, this.buffer, this.registers);
    this.model = new CostModel(this.hw, this.sram, this.dram, this.table, this.map, flow, this.buffer, this.registers);
  }

  /** Everything accumulated so far, as plain JSON (a copy). */
  snapshotState(): SimulatorState {
    return {
      version: 1,
      counterLength: this.len,
      run: this.run ? structuredClone(this.run) : null,
      shapeOps: structuredClone(this.shapeOps),
      buckets: [...this.buckets].map(([key, v]) => [key, Array.from(v)]),
      trainableBits: [...this.trainableBits],
      traced: Array.from(this.traced),
      evaluation: Array.from(this.evaluation),
      layers: [...this.layers].map(([l, v]) => [l, Array.from(v)]),
      cycles: this.now,
    };
  }

  /**
   * Continues from a snapshot of a Simulator of the same hardware. Only on a fresh Simulator
   * (nothing observed yet); throws an Error saying what does not fit otherwise.
   */
  restoreState(s: SimulatorState): void {
    if (this.run || this.buckets.size > 0 || this.trainableBits.size > 0)
      throw new Error('Simulator.restoreState: the simulator has already observed operations');
    if (s.version !== 1) throw new Error(`Simulator.restoreState: unknown state version ${String(s.version)}`);
    if (s.counterLength !== this.len)
      throw new Error(
        `Simulator.restoreState: counters of length ${s.counterLength}, ` +
          `this hardware has ${this.len} (another number of SRAM banks?)`,
      );
    const vectors = [...s.buckets.map(([, v]) => v), s.traced];
    if (vectors.some((v) => v.length !== this.len))
      throw new Error('Simulator.restoreState: a counter vector has the wrong length');
    if (s.run) {
      this.begin(s.run);
      for (const o of s.shapeOps) this.model!.cost(o);
      this.shapeOps.push(...structuredClone(s.shapeOps));
    } else if (s.shapeOps.length > 0 || s.buckets.length > 0) {
      throw new Error('Simulator.restoreState: counters without a run');
    }
    for (const [key, v] of s.buckets) this.buckets.set(key, Float64Array.from(v));
    for (const [k, bits] of s.trainableBits) this.trainableBits.set(k, bits);
    this.traced.set(s.traced);
    for (const [l, v] of s.layers ?? []) {
      if (v.length !== this.len) throw new Error('Simulator.restoreState: a counter vector has the wrong length');
      this.layers.set(l, Float64Array.from(v));
    }
    if (s.evaluation) {
      if (s.evaluation.length !== this.len)
        throw new Error('Simulator.restoreState: a counter vector has the wrong length');
      this.evaluation.set(s.evaluation);
    }
    this.now = s.cycles;
  }

  private layerBucket(layer: number): Float64Array {
    let v = this.layers.get(layer);
    if (!v) {
      v = new Float64Array(this.len);
      this.layers.set(layer, v);
    }
    return v;
  }

  private bucket(k: number, phase: Phase): Float64Array {
    const key = k * PHASES.length + PHASE_INDEX[phase];
    let v = this.buckets.get(key);
    if (!v) {
      v = new Float64Array(this.len);
      this.buckets.set(key, v);
    }
    return v;
  }

  /** Sum of the buckets `pick` selects (counts are integers: exact in any order). */
  private sumBuckets(pick: (k: number, phase: Phase) => boolean): Float64Array {
    const v = new Float64Array(this.len);
    for (const [key, b] of this.buckets) {
      const k = Math.floor(key / PHASES.length);
      if (pick(k, PHASES[key - k * PHASES.length]!)) addScaled(v, b, 1);
    }
    return v;
  }

  /** The cost of one occurrence of `op` (repeat ignored), after run-begin; nothing is accumulated. */
  costOf(op: CostedOp): CostSummary {
    if (!this.model) throw new Error('Simulator: costOf before run-begin');
    return summarize(this.model.cost(op).vec, this.summaryContext());
  }

  private summaryContext(): SummaryContext {
    return {
      banks: this.sram.banks,
      lanes: this.mac.lanes,
      burstBits: this.dram.burstBits,
      clock: this.hw.clock,
      dramClockHz: this.hw.clock * this.dram.clockRatio,
      table: this.table,
    };
  }

  /** The report of everything costed so far; `training`: the result of the run that produced the stream. */
  report(extra: { training?: TrainResult } = {}): SimReport {
    const cx = this.summaryContext();
    const total = summarize(
      this.sumBuckets(() => true),
      cx,
    );
    const evaluation = summarize(this.evaluation, cx);
    const byPhase = Object.fromEntries(
      PHASES.map((p) => [
        p,
        summarize(
          this.sumBuckets((_, q) => q === p),
          cx,
        ),
      ]),
    ) as Record<Phase, CostSummary>;
    const iterations = new Set<number>(this.trainableBits.keys());
    for (const key of this.buckets.keys()) iterations.add(Math.floor(key / PHASES.length));
    const byIteration: IterationSummary[] = [...iterations]
      .sort((a, b) => a - b)
      .map((k) => ({
        iteration: k,
        trainableBits: this.trainableBits.get(k) ?? null,
        ...summarize(
          this.sumBuckets((j) => j === k),
          cx,
        ),
      }));
    const hw = this.hw;
    const run = this.run;
    const map = this.map;
    const report: SimReport = {
      kind: 'rbnn-sim.report',
      version: 1,
      hardware: {
        clockHz: hw.clock,
        sram: {
          capacityBits: this.sram.capacityBits,
          banks: this.sram.banks,
          wordBits: this.sram.wordBits,
          ports: this.sram.ports,
          bankBits: this.sram.bankBits,
          cellType: hw.sram.cellType,
        },
        buffer: {
          capacityBits: this.buffer.capacityBits,
          wordBits: this.buffer.wordBits,
          ports: this.buffer.ports,
          banks: this.buffer.banks,
        },
        registerFile: { wordsPerLane: this.registers.words, wordBits: this.registers.wordBits },
        dram: {
          busWidthBits: hw.dram.busWidth,
          dataRate: hw.dram.dataRate,
          clockRatio: this.dram.clockRatio,
          burstBits: this.dram.burstBits,
          cyclesPerBurst: this.dram.cyclesPerBurst,
          latencyCycles: this.dram.latencyCycles,
          rowBits: this.dram.rowBits,
          ...dramHardwareSummary(this.dram),
        },
        mac: {
          lanes: this.mac.lanes,
          serialOperand: this.mac.serialOperand,
          bitsPerCycle: this.mac.bitsPerCycle,
          accumulatorBits: this.mac.accumulatorBits,
        },
        policy: {
          frozen: hw.policy.frozen,
          overlap: hw.policy.overlap,
          gradients: hw.policy.gradients,
          objective: hw.policy.objective,
          prefetch: hw.policy.prefetch,
        },
      },
      energyTable: {
        entries: ACTIONS.map((a) => ({ ...this.table.entries[a] })),
        leakagePerBit: this.table.leakagePerBit,
        leakagePower: this.table.leakagePower,
        bufferLeakagePower: this.table.bufferLeakagePower,
        notes: [...this.table.notes],
      },
      network:
        run && map
          ? {
              schedule: run.schedule,
              dims: [...run.dims],
              bits: run.bits,
              plannedIterations: run.plannedIterations,
              iterationsRun: this.trainableBits.size,
              batch: run.batch,
              evalBatch: run.evalBatch,
              trainSamples: run.trainSamples,
              validationSamples: run.validationSamples,
              testSamples: run.testSamples,
              slots: map.slots,
              weightStorageBits: map.slots * run.bits,
            }
          : null,
      placement: placementOf(map, this.sram.capacityBits),
      total,
      energyPerTrainingSample: total.samples.train > 0 ? total.energy.total / total.samples.train : null,
      byLayer: [...this.layers.keys()]
        .sort((a, b) => a - b)
        .map((l) => ({ layer: l < 0 ? ('load' as const) : l, ...summarize(this.layers.get(l)!, cx) })),
      trainingEnergyPerSample:
        total.samples.train > 0 ? (total.energy.total - evaluation.energy.total) / total.samples.train : null,
      evaluation,
      byPhase,
      byIteration,
      traced: summarize(this.traced, cx),
      shapes: this.model?.shapes ?? 0,
    };
    if (extra.training) report.training = trainingSummary(extra.training);
    return report;
  }
}
