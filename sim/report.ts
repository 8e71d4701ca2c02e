/**
 * The simulation report (JSON-serializable): energy by component x action, by phase and by
 * iteration; leakage over the elapsed time; cycles per bound; seconds at the clock; DRAM bytes;
 * SRAM accesses per bank; MAC steps; energy per training sample; storage placement; and the
 * training result when the run trained.
 */
import type { Phase } from '../model/ops.js';
import type { IterationResult, TrainResult } from '../model/results.js';
import type { Action, EnergyTable } from './energy-table.js';
import { BACKGROUND_ACTIONS, ENERGY_ACTIONS, energyByAction, type EnergyAction } from './energy.js';
import type { MemoryMap } from './memory-map.js';
import {
  BUFFER_CYCLES,
  BUFFER_READS,
  BUFFER_WRITES,
  COMPUTE_CYCLES,
  CYCLES,
  DRAM_ACTIVATIONS,
  DRAM_CYCLES,
  DRAM_READ_BURSTS,
  DRAM_REOPENS,
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
} from './counters.js';
import { dramCounts, dramStates, type DramCounts, type DramStates } from './dram/summary.js';

export { ENERGY_ACTIONS, type EnergyAction };

export interface Counts {
  /** SRAM word accesses. */
  sramReads: number;
  sramWrites: number;
  sramReadsPerBank: number[];
  sramWritesPerBank: number[];
  dramReadBursts: number;
  dramWriteBursts: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  /** Row activations of the address sequence (open page), plus the expected re-opens after refreshes. */
  dramActivations: number;
  /** DRAM details: row conflicts, re-opens, refreshes, power-state exits (sim/dram/summary.ts). */
  dram: DramCounts;
  /** MAC lane-steps, and the serial bits they stepped (what the MAC energy counts). */
  macSteps: number;
  macBits: number;
  /** Operand-buffer word reads and writes. */
  bufferReads: number;
  bufferWrites: number;
  /** Register-file word reads and writes (partial sums kept per lane). */
  regReads: number;
  regWrites: number;
  /** SRAM word reads if every operand range were read once per chunk (the compulsory minimum). */
  sramReadsMinimum: number;
}

export interface CycleCounts {
  /** Sums over operations of each bound, and of the operations' cycles (max or sum of bounds). */
  compute: number;
  sram: number;
  buffer: number;
  dram: number;
  total: number;
}

export interface EnergyBreakdown {
  /** Joules. */
  total: number;
  dynamic: number;
  leakage: number;
  /** DRAM background power (by state) and refresh over the elapsed time. */
  background: number;
  /** Component x action (sram.leakage, buffer.leakage: leakage over the elapsed time). */
  byAction: Record<EnergyAction, number>;
}

export interface CostSummary {
  /** Operation occurrences costed (repeat expanded). */
  ops: number;
  samples: { train: number; evaluate: number };
  counts: Counts;
  cycles: CycleCounts;
  seconds: number;
  /** Seconds the DRAM spent in each power state (device model; zero under per-bit). */
  dramStates: DramStates;
  energy: EnergyBreakdown;
  /** Energy / seconds (null when no time elapsed). */
  averagePower: number | null;
  /** Lane-steps / (lanes x compute cycles): the share of lane-cycles doing work (null: no compute). */
  laneUtilisation: number | null;
}

export interface IterationSummary extends CostSummary {
  iteration: number;
  trainableBits: number | null;
}

export interface PlacedTensor {
  name: string;
  bits: number;
  onChipBits: number;
  location: 'sram' | 'dram' | 'split';
  /** Byte addresses of the SRAM part and the DRAM part (null: none). */
  sramAddress: number | null;
  dramAddress: number | null;
}

export interface HardwareSummary {
  clockHz: number;
  sram: { capacityBits: number; banks: number; wordBits: number; ports: number; bankBits: number; cellType: string };
  buffer: {
    capacityBits: number;
    wordBits: number;
    ports: number;
    /** Absent in reports written before buffer banks existed (one bank). */
    banks?: number;
  };
  registerFile: { wordsPerLane: number; wordBits: number };
  dram: {
    busWidthBits: number;
    dataRate: number;
    clockRatio: number;
    burstBits: number;
    cyclesPerBurst: number;
    latencyCycles: number;
    rowBits: number;
    model: string;
    part: string;
    devices: number;
    burstLength: number;
    banks: number;
    addressMapping: string;
    powerDown: string;
    powerDownAfter: number;
    selfRefreshAfter: number;
  };
  mac: { lanes: number; serialOperand: string; bitsPerCycle: number; accumulatorBits: number };
  /** prefetch: absent in reports of older versions. */
  policy: { frozen: string; overlap: boolean; gradients: string; objective: string; prefetch?: string };
}

export interface NetworkSummary {
  schedule: 'rbnn' | 'conventional';
  dims: number[];
  bits: number;
  plannedIterations: number;
  iterationsRun: number;
  batch: number;
  evalBatch: number;
  trainSamples: number;
  validationSamples: number;
  testSamples: number;
  /** Weight slots (W0) and weight storage (n x W0 bits). */
  slots: number;
  weightStorageBits: number;
}

/** What a report keeps of a training run (model/results.ts): no validation curves, no per-iteration storage or time. */
export type TrainingSummary = Pick<
  TrainResult,
  'testError' | 'validationError' | 'bitsPerWeight' | 'storageBits' | 'weights' | 'seconds' | 'stopReason'
> & {
  iterations: Array<
    Pick<
      IterationResult,
      'k' | 'trainableBits' | 'bitsPerWeight' | 'epochsRun' | 'bestEpoch' | 'validationError' | 'testError'
    >
  >;
};

export interface SimReport {
  kind: 'rbnn-sim.report';
  version: 1;
  hardware: HardwareSummary;
  energyTable: {
    entries: Array<{ action: Action; energy: number; per: string; source: string }>;
    leakagePerBit: number;
    leakagePower: number;
    /** Absent in reports written before the buffer's leakage was charged. */
    bufferLeakagePower?: number;
    notes: string[];
  };
  network: NetworkSummary | null;
  placement: { sramCapacityBits: number; sramUsedBits: number; dramUsedBits: number; tensors: PlacedTensor[] };
  total: CostSummary;
  /** Total energy (evaluation passes included) / training samples processed (null: none). */
  energyPerTrainingSample: number | null;
  /**
   * Energy of training alone (train loads, forward, backward, gradient, update; no evaluation passes)
   * / training samples.
   */
  trainingEnergyPerSample: number | null;
  /** The evaluation passes (validation and test loads and the evaluate phase). */
  evaluation: CostSummary;
  byPhase: Record<Phase, CostSummary>;
  byIteration: IterationSummary[];
  /** Per layer of the network (matmuls, activations, gradients, updates of that layer; loads apart). */
  byLayer: Array<CostSummary & { layer: number | 'load' }>;
  /** Counters of the traced operations only (all zero without a trace). */
  traced: CostSummary;
  /** Distinct operation shapes costed (the memo's size). */
  shapes: number;
  training?: TrainingSummary;
}

export interface SummaryContext {
  banks: number;
  lanes: number;
  burstBits: number;
  clock: number;
  /** DRAM clock (Hz): accelerator clock x the DRAM's clock ratio. */
  dramClockHz: number;
  table: EnergyTable;
}

/** The summary of a counter vector. */
export function summarize(v: Float64Array, cx: SummaryContext): CostSummary {
  const seconds = v[CYCLES]! / cx.clock;
  const bb = cx.burstBits;
  const byAction = energyByAction(v, cx.table, bb, cx.clock);
  const leakage = byAction['sram.leakage'] + byAction['buffer.leakage'];
  let dynamic = 0;
  let background = 0;
  for (const a of ENERGY_ACTIONS) {
    if (a === 'sram.leakage' || a === 'buffer.leakage') continue;
    if (BACKGROUND_ACTIONS.includes(a)) background += byAction[a];
    else dynamic += byAction[a];
  }
  const B = cx.banks;
  const total = dynamic + leakage + background;
  return {
    ops: v[OCCURRENCES]!,
    samples: { train: v[TRAIN_SAMPLES]!, evaluate: v[EVAL_SAMPLES]! },
    counts: {
      sramReads: v[SRAM_READS]!,
      sramWrites: v[SRAM_WRITES]!,
      sramReadsPerBank: Array.from(v.subarray(PER_BANK, PER_BANK + B)),
      sramWritesPerBank: Array.from(v.subarray(PER_BANK + B, PER_BANK + 2 * B)),
      dramReadBursts: v[DRAM_READ_BURSTS]!,
      dramWriteBursts: v[DRAM_WRITE_BURSTS]!,
      dramReadBytes: (v[DRAM_READ_BURSTS]! * bb) / 8,
      dramWriteBytes: (v[DRAM_WRITE_BURSTS]! * bb) / 8,
      dramActivations: v[DRAM_ACTIVATIONS]! + v[DRAM_REOPENS]!,
      dram: dramCounts(v),
      macSteps: v[LANE_STEPS]!,
      macBits: v[LANE_BITS]!,
      bufferReads: v[BUFFER_READS]!,
      bufferWrites: v[BUFFER_WRITES]!,
      regReads: v[REG_READS]!,
      regWrites: v[REG_WRITES]!,
      sramReadsMinimum: v[SRAM_READS_MIN]!,
    },
    cycles: {
      compute: v[COMPUTE_CYCLES]!,
      sram: v[SRAM_CYCLES]!,
      buffer: v[BUFFER_CYCLES]!,
      dram: v[DRAM_CYCLES]!,
      total: v[CYCLES]!,
    },
    seconds,
    dramStates: dramStates(v, cx.dramClockHz),
    energy: { total, dynamic, leakage, background, byAction },
    averagePower: seconds > 0 ? total / seconds : null,
    laneUtilisation: v[COMPUTE_CYCLES]! > 0 ? v[LANE_STEPS]! / (cx.lanes * v[COMPUTE_CYCLES]!) : null,
  };
}

export function placementOf(map: MemoryMap | null, sramCapacityBits: number): SimReport['placement'] {
  if (!map) return { sramCapacityBits, sramUsedBits: 0, dramUsedBits: 0, tensors: [] };
  const tensors: PlacedTensor[] = map.tensors
    .filter((t) => t.bits > 0)
    .map((t) => {
      const onChip = t.layout === 'records' ? (t.inSram ? t.bits : 0) : t.onChipBits;
      const dramPart =
        t.layout === 'rows' ? t.bits - onChip : t.layout === 'records' ? (t.inSram ? 0 : t.bits) : t.bits - onChip;
      return {
        name: t.name,
        bits: t.bits,
        onChipBits: onChip,
        location: onChip === t.bits ? 'sram' : onChip === 0 ? 'dram' : 'split',
        sramAddress: onChip > 0 ? t.sramBase / 8 : null,
        dramAddress: dramPart > 0 && t.dramBase >= 0 ? t.dramBase / 8 : null,
      };
    });
  return { sramCapacityBits, sramUsedBits: map.sramUsedBits, dramUsedBits: map.dramUsedBits, tensors };
}

export function trainingSummary(r: TrainResult): TrainingSummary {
  return {
    testError: r.testError,
    validationError: r.validationError,
    bitsPerWeight: r.bitsPerWeight,
    storageBits: r.storageBits,
    weights: r.weights,
    seconds: r.seconds,
    stopReason: r.stopReason,
    iterations: r.iterations.map((i) => ({
      k: i.k,
      trainableBits: i.trainableBits,
      bitsPerWeight: i.bitsPerWeight,
      epochsRun: i.epochsRun,
      bestEpoch: i.bestEpoch,
      validationError: i.validationError,
      testError: i.testError,
    })),
  };
}
