/**
 * One row of a sweep: a point's configuration values and what it costs. Built from a SimReport
 * (and the TrainResult when the point trained) by `rowFromReport`, the one function both the
 * sweep and a single `simulateRun` of the same point go through, so their rows can be compared.
 * Every field is deterministic: no wall-clock times, no cache status.
 */
import type { Config } from '../../config/schema.js';
import type { TrainResult } from '../../model/results.js';
import type { SimReport } from '../../sim/report.js';
import { energyByPart } from '../../sim/energy.js';
import type { Point } from './points.js';

export interface SweepRow {
  /** Position of the point in the whole (unsharded) sweep. */
  index: number;
  id: string;
  /** The workload: a preset ("R2", "R2+paper") or a storage-mode candidate ("rbnn h0=100 n=16 k=7"). */
  workload: string;
  family: 'rbnn' | 'conventional';
  /** Storage mode: the smallest budget the network fits (bits); null in hardware mode. */
  budgetBits: number | null;
  /** The swept configuration values, as in a config file ("64 KiB"). */
  values: Record<string, string | number | boolean | number[] | null>;
  /** Hidden units of one sub-network, and of the final network (RBNN: k sub-networks). */
  hidden: number[];
  finalHidden: number[];
  bits: number;
  iterations: number;
  epochs: number;
  /** Test and validation error of the final network (fractions); null: schedule-only. */
  testError: number | null;
  validationError: number | null;
  bitsPerWeight: number;
  weightStorageBits: number;
  /** SRAM as modelled (capacity rounded down to whole words per bank) and as used. */
  sramBits: number;
  sramUsedBits: number;
  /** Everything but the data sets (weights, working set, mini-batch) is on chip. */
  onChip: boolean;
  /** Share of the weight bits placed on chip. */
  weightsOnChip: number;
  energyJ: number;
  energyPerSampleJ: number | null;
  dynamicJ: number;
  leakageJ: number;
  sramJ: number;
  /** DRAM dynamic energy (read, write, activate). */
  dramJ: number;
  /** DRAM refresh and background power by state over the run. */
  dramBackgroundJ: number;
  /** Operand buffer (read, write, leakage) and register files (read, write). */
  buffersJ: number;
  macJ: number;
  cycles: number;
  seconds: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  trainSamples: number;
  /** Identifies the training run (hash of model, training, data sections). */
  trainingId: string;
  /** What the energy table had to assume for this point (e.g. banks below an anchored size). */
  notes: string[];
}

/** The row of `point` from its simulation report (and training result, unless schedule-only). */
export function rowFromReport(
  point: Point,
  cfg: Config,
  report: SimReport,
  training: TrainResult | null,
  trainingId: string,
): SweepRow {
  const t = report.total;
  const parts = energyByPart(t.energy.byAction);
  const tensors = report.placement.tensors;
  const weights = tensors.filter((x) => x.name.startsWith('weights.'));
  const weightBits = weights.reduce((s, x) => s + x.bits, 0);
  const onChipWeightBits = weights.reduce((s, x) => s + x.onChipBits, 0);
  const net = report.network!;
  const iterations = net.iterationsRun;
  const m = cfg.model;
  const final = m.schedule === 'rbnn' ? m.hidden.map((h) => h * iterations) : [...m.hidden];
  return {
    index: point.index,
    id: point.id,
    workload: point.workload,
    family: m.schedule,
    budgetBits: point.budgetBits,
    values: { ...point.values },
    hidden: [...m.hidden],
    finalHidden: final,
    bits: m.bits,
    iterations,
    epochs: cfg.training.epochs,
    testError: training ? training.testError : null,
    validationError: training ? training.validationError : null,
    bitsPerWeight: training ? training.bitsPerWeight : m.bits / iterations,
    weightStorageBits: net.weightStorageBits,
    sramBits: report.hardware.sram.capacityBits,
    sramUsedBits: report.placement.sramUsedBits,
    onChip: tensors.filter((x) => !x.name.startsWith('dataset.')).every((x) => x.location === 'sram'),
    weightsOnChip: weightBits > 0 ? onChipWeightBits / weightBits : 1,
    energyJ: t.energy.total,
    energyPerSampleJ: report.energyPerTrainingSample,
    dynamicJ: t.energy.dynamic,
    leakageJ: t.energy.leakage,
    sramJ: parts.sram,
    dramJ: parts.dramDynamic,
    dramBackgroundJ: parts.dramBackground,
    buffersJ: parts.buffers,
    macJ: parts.mac,
    cycles: t.cycles.total,
    seconds: t.seconds,
    dramReadBytes: t.counts.dramReadBytes,
    dramWriteBytes: t.counts.dramWriteBytes,
    trainSamples: t.samples.train,
    trainingId,
    notes: [...report.energyTable.notes],
  };
}

/** A CSV / table column: header (with its unit), the value, and what it means. */
export interface Column {
  header: string;
  doc: string;
  get(r: SweepRow): string | number | boolean | null;
}

const KiB = 8 * 1024;
const round = (x: number, digits = 6): number => Number(x.toPrecision(digits));

/** Columns of sweep.csv, in order; the swept configuration values come after `workload`. */
export function csvColumns(paths: readonly string[]): Column[] {
  return [
    { header: 'index', doc: 'position in the sweep', get: (r) => r.index },
    { header: 'workload', doc: 'preset or candidate network', get: (r) => r.workload },
    ...paths.map(
      (p): Column => ({
        header: p,
        doc: `swept value of ${p} (as in a config file)`,
        get: (r) => csvValue(r.values[p]),
      }),
    ),
    { header: 'family', doc: 'rbnn or conventional', get: (r) => r.family },
    {
      header: 'budget_KiB',
      doc: 'storage mode: smallest weight-storage budget the network fits',
      get: (r) => (r.budgetBits === null ? null : r.budgetBits / KiB),
    },
    { header: 'hidden', doc: 'hidden units of one sub-network', get: (r) => r.hidden.join('-') },
    { header: 'final_hidden', doc: 'hidden units of the final network', get: (r) => r.finalHidden.join('-') },
    { header: 'bits', doc: 'weight slot bits n', get: (r) => r.bits },
    { header: 'iterations', doc: 'iterations run', get: (r) => r.iterations },
    { header: 'epochs', doc: 'epochs (RBNN: per iteration)', get: (r) => r.epochs },
    {
      header: 'test_error_pct',
      doc: 'test error of the final network, %',
      get: (r) => (r.testError === null ? null : round(100 * r.testError)),
    },
    {
      header: 'validation_error_pct',
      doc: 'validation error, %',
      get: (r) => (r.validationError === null ? null : round(100 * r.validationError)),
    },
    {
      header: 'bits_per_weight',
      doc: 'weight storage / weights of the final network',
      get: (r) => round(r.bitsPerWeight),
    },
    { header: 'weight_storage_KiB', doc: 'weight storage, KiB', get: (r) => round(r.weightStorageBits / KiB) },
    { header: 'sram_KiB', doc: 'SRAM capacity as modelled, KiB', get: (r) => round(r.sramBits / KiB) },
    { header: 'sram_used_KiB', doc: 'SRAM used, KiB', get: (r) => round(r.sramUsedBits / KiB) },
    { header: 'on_chip', doc: 'weights and working set all in SRAM', get: (r) => r.onChip },
    {
      header: 'weights_on_chip_pct',
      doc: 'share of the weight bits in SRAM, %',
      get: (r) => round(100 * r.weightsOnChip),
    },
    { header: 'energy_J', doc: 'energy of one training run, J', get: (r) => r.energyJ },
    { header: 'energy_per_sample_J', doc: 'energy per training sample, J', get: (r) => r.energyPerSampleJ },
    { header: 'dynamic_J', doc: 'dynamic energy, J', get: (r) => r.dynamicJ },
    { header: 'leakage_J', doc: 'SRAM and operand-buffer leakage energy, J', get: (r) => r.leakageJ },
    { header: 'sram_J', doc: 'SRAM energy (read, write, leakage), J', get: (r) => r.sramJ },
    {
      header: 'buffers_J',
      doc: 'operand buffer (read, write, leakage) and register files (read, write), J',
      get: (r) => r.buffersJ,
    },
    { header: 'dram_J', doc: 'DRAM dynamic energy (read, write, activate), J', get: (r) => r.dramJ },
    {
      header: 'dram_background_J',
      doc: 'DRAM refresh and background power by state over the run, J',
      get: (r) => r.dramBackgroundJ,
    },
    { header: 'mac_J', doc: 'MAC array energy, J', get: (r) => r.macJ },
    { header: 'cycles', doc: 'accelerator cycles of the run', get: (r) => r.cycles },
    { header: 'seconds_s', doc: 'run time at the accelerator clock, s', get: (r) => r.seconds },
    { header: 'dram_read_bytes', doc: 'bytes read from DRAM', get: (r) => r.dramReadBytes },
    { header: 'dram_write_bytes', doc: 'bytes written to DRAM', get: (r) => r.dramWriteBytes },
    {
      header: 'train_samples',
      doc: 'training samples processed (all iterations and epochs)',
      get: (r) => r.trainSamples,
    },
    { header: 'training_id', doc: 'identifies the training run', get: (r) => r.trainingId },
  ];
}

function csvValue(v: SweepRow['values'][string] | undefined): string | number | boolean | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? `[${v.join(',')}]` : v;
}

/** RFC 4180 CSV text of the rows. */
export function toCsv(rows: readonly SweepRow[], paths: readonly string[]): string {
  const cols = csvColumns(paths);
  const cell = (v: string | number | boolean | null): string => {
    if (v === null) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [cols.map((c) => cell(c.header)).join(',')];
  for (const r of rows) lines.push(cols.map((c) => cell(c.get(r))).join(','));
  return `${lines.join('\n')}\n`;
}
