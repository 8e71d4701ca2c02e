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
 */
import type { Config, HardwareConfig } from '../config/schema.js';
import { UserError } from '../config/errors.js';
import type { Op, OpObserver, Phase, RunBeginOp } from '../model/ops.js';
import { PHASES } from '../model/ops.js';
import type { TraceTap } from '../traces/events.js';
import type { TrainResult } from '../trainer/results.js';
import { Sram } from './components/sram.js';
import { Dram } from './components/dram.js';
import { MacArray } from './components/mac-array.js';
import { buildEnergyTable, ACTIONS, type EnergyTable } from './energy-table.js';
import { buildMemoryMap, type MemoryMap } from './mapping.js';
import { Dataflow } from './dataflow.js';
import { CostModel } from './cost-model.js';
import { CYCLES, addScaled, counterLength } from './counters.js';
import { TraceEmitter } from './trace-emitter.js';
import { placementOf, summarize, trainingSummary, type IterationSummary, type SimReport, type SummaryContext } from './report.js';

export interface SimulatorOptions {
  trace?: TraceTap;
}

export class Simulator implements OpObserver {
  readonly hw: HardwareConfig;
  readonly sram: Sram;
  readonly dram: Dram;
  readonly mac: MacArray;
  readonly table: EnergyTable;
  private run: RunBeginOp | null = null;
  private map: MemoryMap | null = null;
  private model: CostModel | null = null;
  private readonly len: number;
  private readonly totals: Float64Array;
  private readonly traced: Float64Array;
  private readonly phases = new Map<Phase, Float64Array>();
  private readonly iterations = new Map<number, Float64Array>();
  private readonly trainableBits = new Map<number, number>();
  private readonly tap: TraceTap | undefined;
  private readonly emitter: TraceEmitter | null;
  /** Cycle counter: cycles charged so far. */
  private now = 0;

  constructor(cfg: Config | HardwareConfig, opts: SimulatorOptions = {}) {
    this.hw = 'hardware' in cfg ? cfg.hardware : cfg;
    this.sram = new Sram(this.hw);
    this.dram = new Dram(this.hw);
    this.mac = new MacArray(this.hw);
    this.table = buildEnergyTable(this.hw, this.sram);
    this.len = counterLength(this.sram.banks);
    this.totals = new Float64Array(this.len);
    this.traced = new Float64Array(this.len);
    for (const p of PHASES) this.phases.set(p, new Float64Array(this.len));
    this.tap = opts.trace;
    this.emitter = opts.trace ? new TraceEmitter(opts.trace.sink, this.sram, this.dram) : null;
  }

  /** The memory map of the run (null before run-begin). */
  get memoryMap(): MemoryMap | null {
    return this.map;
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
        this.iteration(o.where.iteration);
        return;
      case 'iteration-end':
        return;
    }
    const model = this.model;
    if (!model) throw new Error('Simulator: a costed operation arrived before run-begin');
    const cost = model.cost(o);
    const r = o.repeat;
    const vec = cost.vec;
    addScaled(this.totals, vec, r);
    addScaled(this.phases.get(o.phase)!, vec, r);
    addScaled(this.iteration(o.where.iteration), vec, r);
    const c = vec[CYCLES]!;
    if (this.tap && this.tap.filter(o)) {
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
      throw new UserError(`model.accumulatorBits (${run.accumulatorBits}) exceeds the MAC array's accumulators (hardware.mac.accumulatorBits = ${this.hw.mac.accumulatorBits})`);
    }
    this.run = run;
    this.map = buildMemoryMap(run, this.hw, this.sram, this.dram);
    const flow = new Dataflow(this.map, this.mac, this.hw, run);
    this.model = new CostModel(this.hw, this.sram, this.dram, this.table, this.map, flow);
  }

  private iteration(k: number): Float64Array {
    let v = this.iterations.get(k);
    if (!v) {
      v = new Float64Array(this.len);
      this.iterations.set(k, v);
    }
    return v;
  }

  /** The report of everything costed so far; `training`: the result of the run that produced the stream. */
  report(extra: { training?: TrainResult } = {}): SimReport {
    const cx: SummaryContext = { banks: this.sram.banks, burstBits: this.dram.burstBits, clock: this.hw.clock, table: this.table };
    const total = summarize(this.totals, cx);
    const byPhase = Object.fromEntries(PHASES.map((p) => [p, summarize(this.phases.get(p)!, cx)])) as Record<Phase, ReturnType<typeof summarize>>;
    const byIteration: IterationSummary[] = [...this.iterations.keys()].sort((a, b) => a - b)
      .map((k) => ({ iteration: k, trainableBits: this.trainableBits.get(k) ?? null, ...summarize(this.iterations.get(k)!, cx) }));
    const hw = this.hw;
    const run = this.run;
    const map = this.map;
    const report: SimReport = {
      kind: 'rbnn-sim.report',
      version: 1,
      hardware: {
        clockHz: hw.clock,
        sram: { capacityBits: this.sram.capacityBits, banks: this.sram.banks, wordBits: this.sram.wordBits, ports: this.sram.ports, bankBits: this.sram.bankBits, cellType: hw.sram.cellType },
        dram: {
          busWidthBits: hw.dram.busWidth, dataRate: hw.dram.dataRate, clockRatio: hw.dram.clockRatio, burstBits: this.dram.burstBits,
          cyclesPerBurst: this.dram.cyclesPerBurst, latencyCycles: this.dram.latencyCycles, rowBits: this.dram.rowBits,
        },
        mac: { lanes: this.mac.lanes, serialOperand: this.mac.serialOperand, bitsPerCycle: this.mac.bitsPerCycle, accumulatorBits: this.mac.accumulatorBits },
        policy: { frozen: hw.policy.frozen, overlap: hw.policy.overlap, gradients: hw.policy.gradients },
      },
      energyTable: {
        entries: ACTIONS.map((a) => ({ ...this.table.entries[a] })),
        leakagePerBit: this.table.leakagePerBit,
        leakagePower: this.table.leakagePower,
      },
      network: run && map ? {
        schedule: run.schedule, dims: [...run.dims], bits: run.bits, plannedIterations: run.plannedIterations,
        iterationsRun: this.trainableBits.size, batch: run.batch, evalBatch: run.evalBatch, trainSamples: run.trainSamples,
        validationSamples: run.validationSamples, testSamples: run.testSamples, slots: map.slots, weightStorageBits: map.slots * run.bits,
      } : null,
      placement: placementOf(map, this.sram.capacityBits),
      total,
      energyPerTrainingSample: total.samples.train > 0 ? total.energy.total / total.samples.train : null,
      byPhase,
      byIteration,
      traced: summarize(this.traced, cx),
      shapes: this.model?.shapes ?? 0,
    };
    if (extra.training) report.training = trainingSummary(extra.training);
    return report;
  }
}
