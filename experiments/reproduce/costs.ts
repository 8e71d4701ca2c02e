/**
 * What the paper left open, from the operation stream and the simulator:
 *
 * - learning operations per training sample, counted from the schedule's operation stream
 *   (iteration i: a forward pass through i sub-networks, a backward pass and a weight gradient
 *   through one);
 * - energy, DRAM traffic, cycles and seconds of one training run on the default accelerator and
 *   on other SRAM sizes, with frozen sub-networks recomputed (the paper) or cached.
 *
 * Costs come from `simulateRun(cfg, { scheduleOnly: true })`: a trained run without early
 * stopping emits exactly the stream the schedule enumerator emits, so its costs are the same.
 */
import type { Config } from '../../config/schema.js';
import type { Op, OpObserver } from '../../model/ops.js';
import { simulateRun } from '../simulate.js';
import type { SimReport } from '../../sim/report.js';
import { energyByPart } from '../../sim/energy.js';
import { enumerateSchedule } from '../../trainer/schedule.js';

export interface IterationOps {
  k: number;
  /** MACs per training sample of this iteration. */
  forward: number;
  /** Of which through frozen sub-networks (S_1..S_{k-1}). */
  frozenForward: number;
  /** Error propagation through S_k (layers >= 1). */
  backward: number;
  /** Weight gradient of S_k. */
  gradient: number;
  total: number;
  /** The paper's rule: a forward pass through k sub-networks and a backward pass through one, (k + 1) x W0. */
  paperRule: number;
  trainingSamples: number;
}

export interface LearningOps {
  /** Weights of one sub-network (W0). */
  w0: number;
  iterations: IterationOps[];
  /** Training MACs (forward + backward + gradient) over the run / training samples over the run. */
  meanPerSample: number;
  /** The paper's rule averaged the same way. */
  paperRuleMean: number;
  /** Share of the training MACs spent re-running frozen sub-networks. */
  frozenShare: number;
  trainingMacs: number;
  evaluationMacs: number;
  trainingSamples: number;
}

/** Counts the multiply-accumulates of the configured schedule from its operation stream. */
export function learningOps(cfg: Config, epochsPerIteration?: readonly number[]): LearningOps {
  const per = new Map<
    number,
    { forward: number; frozen: number; backward: number; gradient: number; samples: number }
  >();
  let evaluation = 0;
  let w0 = 0;
  const at = (k: number) => {
    let e = per.get(k);
    if (!e) per.set(k, (e = { forward: 0, frozen: 0, backward: 0, gradient: 0, samples: 0 }));
    return e;
  };
  const obs: OpObserver = {
    op: (o: Op) => {
      if (o.kind === 'run-begin') {
        for (let l = 0; l + 1 < o.dims.length; l++) w0 += o.dims[l]! * o.dims[l + 1]!;
        return;
      }
      if (o.kind === 'iteration-begin' || o.kind === 'iteration-end') return;
      const k = o.where.iteration;
      if (o.kind === 'load') {
        if (o.purpose === 'train') at(k).samples += o.samples * o.repeat;
      } else if (o.kind === 'matmul') {
        const macs = o.rows * o.cols * o.samples * o.repeat;
        if (o.phase === 'evaluate') evaluation += macs;
        else if (o.phase === 'backward') at(k).backward += macs;
        else {
          at(k).forward += macs;
          if (o.frozen) at(k).frozen += macs;
        }
      } else if (o.kind === 'gradient') {
        at(k).gradient += o.rows * o.cols * o.samples * o.repeat;
      }
    },
  };
  enumerateSchedule(cfg, obs, epochsPerIteration ? { epochsPerIteration } : {});
  const iterations: IterationOps[] = [];
  let macs = 0;
  let frozen = 0;
  let samples = 0;
  let rule = 0;
  for (const [k, e] of [...per.entries()].sort((a, b) => a[0] - b[0])) {
    const s = e.samples;
    const total = e.forward + e.backward + e.gradient;
    iterations.push({
      k,
      forward: e.forward / s,
      frozenForward: e.frozen / s,
      backward: e.backward / s,
      gradient: e.gradient / s,
      total: total / s,
      paperRule: (k + 1) * w0,
      trainingSamples: s,
    });
    macs += total;
    frozen += e.frozen;
    samples += s;
    rule += (k + 1) * w0 * s;
  }
  return {
    w0,
    iterations,
    meanPerSample: macs / samples,
    paperRuleMean: rule / samples,
    frozenShare: frozen / macs,
    trainingMacs: macs,
    evaluationMacs: evaluation,
    trainingSamples: samples,
  };
}

/** One costed training run. */
export interface CostPoint {
  sramBits: number;
  frozen: 'recompute' | 'cache';
  energy: number;
  dynamicEnergy: number;
  leakageEnergy: number;
  energyPerTrainingSample: number | null;
  /** Energy by component: SRAM (read + write + leakage), DRAM dynamic (read, write, activate), MAC array. */
  energySram: number;
  energyDram: number;
  energyMac: number;
  /** Operand buffer and register files (read + write); absent in results of older versions. */
  energyBuffers?: number;
  /** DRAM refresh and background power by state; absent in results of older versions (none modelled). */
  energyDramBackground?: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  cycles: number;
  seconds: number;
  macSteps: number;
  /** Weight bits placed on chip / all weight bits; weight bit-planes entirely on chip. */
  weightBitsOnChip: number;
  weightBits: number;
  weightPlanesOnChip: number;
  weightPlanes: number;
  /** The working set (activations, errors, logits, mini-batch, caches: all but weights and data sets) is on chip. */
  workingSetOnChip: boolean;
  sramUsedBits: number;
}

export function costPoint(report: SimReport, sramBits: number, frozen: 'recompute' | 'cache'): CostPoint {
  const t = report.total;
  const parts = energyByPart(t.energy.byAction);
  const tensors = report.placement.tensors;
  const weights = tensors.filter((x) => x.name.startsWith('weights.'));
  const working = tensors.filter((x) => !x.name.startsWith('dataset.') && !x.name.startsWith('weights.'));
  return {
    sramBits,
    frozen,
    energy: t.energy.total,
    dynamicEnergy: t.energy.dynamic,
    leakageEnergy: t.energy.leakage,
    energyPerTrainingSample: report.energyPerTrainingSample,
    energySram: parts.sram,
    energyDram: parts.dramDynamic,
    energyMac: parts.mac,
    energyBuffers: parts.buffers,
    energyDramBackground: parts.dramBackground,
    dramReadBytes: t.counts.dramReadBytes,
    dramWriteBytes: t.counts.dramWriteBytes,
    cycles: t.cycles.total,
    seconds: t.seconds,
    macSteps: t.counts.macSteps,
    weightBitsOnChip: weights.reduce((s, x) => s + x.onChipBits, 0),
    weightBits: weights.reduce((s, x) => s + x.bits, 0),
    weightPlanesOnChip: weights.filter((x) => x.location === 'sram').length,
    weightPlanes: weights.length,
    workingSetOnChip: working.every((x) => x.location === 'sram'),
    sramUsedBits: report.placement.sramUsedBits,
  };
}

/**
 * Costs the configured schedule (schedule-only) on an SRAM of `sramBits` with a frozen-network
 * policy; with `epochsPerIteration` (a trained run's), the schedule that run ran.
 */
export async function costRun(
  cfg: Config,
  sramBits: number,
  frozen: 'recompute' | 'cache',
  epochsPerIteration?: readonly number[],
): Promise<CostPoint> {
  const c = structuredClone(cfg);
  c.hardware.sram.capacity = sramBits;
  c.hardware.policy.frozen = frozen;
  const { report } = await simulateRun(c, {
    scheduleOnly: true,
    ...(epochsPerIteration ? { epochsPerIteration } : {}),
  });
  return costPoint(report, sramBits, frozen);
}
