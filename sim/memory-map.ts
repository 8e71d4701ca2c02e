/**
 * The controller's memory map: every tensor of a training run gets real addresses, in SRAM
 * (word-interleaved over the banks) or in DRAM. Built once per run from the run-begin op.
 *
 * Tensors (c = training mini-batch, the execution chunk; W0 = weights of one sub-network):
 * - `labels`             c labels of the current batch
 * - `weights.p<p>`       bit-plane p of all W0 weight slots (layers one after the other): plane p
 *                        holds the sign of S_{p+1} once frozen and the trainable weight of S_k
 *                        sits in planes k-1..n-1, so a forward pass reads 1 bit per weight
 * - `activations.h<l>`   hidden activations of layer l for c samples (shared by all sub-networks:
 *                        S_k is computed last and its activations are the ones kept)
 * - `errors.h<l>`, `errors.out`   back-propagated errors for c samples
 * - `logits`             output pre-activations, one slice of c samples per planned sub-network
 * - `input`              the current mini-batch (c samples of 784 pixels at the activation
 *                        precision; converted from the raw 8-bit pixels as they are loaded)
 * - `gradients`          W0 gradient accumulators (policy.gradients = sram or dram)
 * - `frozen-cache.<set>` per sample of each data set, the summed output contributions of the
 *                        frozen sub-networks (policy.frozen = cache)
 * - `dataset.<set>`      the training, validation and test samples: always in DRAM, one record
 *                        (pixels + label) per sample, each padded to whole bursts
 *
 * Placement: greedily in this priority order, each tensor as much as fits; the first tensor
 * that cannot be placed (wholly, for the all-or-nothing ones) closes the SRAM, so that more SRAM
 * never moves a tensor off chip:
 *   1. labels (all or nothing)
 *   2. the sign planes 0..K-1 of the K planned sub-networks (read for every sample group)
 *   3. the working set: errors.out, activations.h*, errors.h*, logits
 *   4. input (by whole samples; samples not on chip are read from their DRAM records)
 *   5. the remaining planes K..n-1 (read and written once per batch by the update)
 *   6. gradients (policy sram)
 *   7. frozen-cache.train, .validation, .test (policy cache; all or nothing)
 * A tensor split between SRAM and DRAM keeps a prefix on chip, a multiple of lcm(word, burst)
 * bits, so the DRAM part keeps the burst alignment of the whole tensor. Records kept in SRAM
 * (frozen cache) are packed in whole words, padded only so that every batch of them starts in the
 * same bank (then each batch costs the same per bank).
 */
import type { RunBeginOp, DataPurpose } from '../model/ops.js';
import type { HardwareConfig } from '../config/schema.js';
import { LABEL_BITS, PIXEL_BITS } from '../model/ops.js';
import type { Sram } from './components/sram.js';
import type { Dram } from './components/dram.js';

export type TensorLayout = 'plain' | 'rows' | 'records';

export interface Tensor {
  id: number;
  name: string;
  layout: TensorLayout;
  /** Logical size in bits (records: count x record bits, unpadded). */
  bits: number;
  /** plain: bits [0, onChipBits) are in SRAM, the rest in DRAM. */
  onChipBits: number;
  /** Bit address of the SRAM part (word aligned) and of the DRAM part (burst aligned); -1: none. */
  sramBase: number;
  dramBase: number;
  /** rows (the input): bits per sample row, samples on chip (the others live in dataset records). */
  rowBits: number;
  onChipRows: number;
  /** records: record bits, count, stride in the component holding them. */
  recordBits: number;
  records: number;
  recordStride: number;
  /** records: where they live. */
  inSram: boolean;
}

export interface MemoryMap {
  tensors: Tensor[];
  chunk: number;
  dims: readonly number[];
  /** First weight index of each layer within a plane. */
  layerOffsets: number[];
  slots: number;
  bits: number;
  plannedIterations: number;
  plane(p: number): Tensor;
  act(l: number): Tensor;
  err(l: number): Tensor;
  errOut: Tensor;
  logits: Tensor;
  labels: Tensor;
  input: Tensor;
  gradients: Tensor | null;
  dataset(purpose: DataPurpose): Tensor;
  cache(purpose: DataPurpose): Tensor | null;
  /** SRAM bits allocated (word-rounded) and DRAM bits allocated. */
  sramUsedBits: number;
  dramUsedBits: number;
  /** Bits of the input record (pixels) and of its label, as read from DRAM. */
  pixelBits: number;
  labelBits: number;
  /** Whether loads are prefetched under the previous batch's compute (a second input/label buffer is placed). */
  prefetch: boolean;
}

const PURPOSES: readonly DataPurpose[] = ['train', 'validation', 'test'];

function roundUp(x: number, g: number): number {
  return Math.ceil(x / g) * g;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export function buildMemoryMap(run: RunBeginOp, hw: HardwareConfig, sram: Sram, dram: Dram): MemoryMap {
  const dims = run.dims;
  const L = dims.length - 1;
  const F = dims[0]!;
  const O = dims[L]!;
  const c = Math.max(1, run.batch);
  const K = run.schedule === 'rbnn' ? Math.max(1, run.plannedIterations) : 1;
  const n = run.bits;
  const layerOffsets: number[] = [];
  let slots = 0;
  for (let l = 0; l < L; l++) {
    layerOffsets.push(slots);
    slots += dims[l]! * dims[l + 1]!;
  }
  const W = sram.wordBits;
  const Bb = dram.burstBits;
  const granule = (W / gcd(W, Bb)) * Bb;
  // Records in SRAM are packed in whole words, padded only as far as needed for every batch of
  // records to start in the same bank (every batch then costs the same accesses per bank): the
  // stride is k words with k x (a common divisor of the batch sizes) a multiple of the banks.
  const batchGcd = gcd(c, Math.max(1, run.evalBatch));
  const sramStride = (recordBits: number): number => {
    const words = Math.ceil(recordBits / W);
    return words * (sram.banks / gcd(sram.banks, words * batchGcd)) * W;
  };

  const tensors: Tensor[] = [];
  const make = (name: string, layout: TensorLayout, bits: number, extra: Partial<Tensor> = {}): Tensor => {
    const t: Tensor = {
      id: tensors.length,
      name,
      layout,
      bits,
      onChipBits: 0,
      sramBase: -1,
      dramBase: -1,
      rowBits: 0,
      onChipRows: 0,
      recordBits: 0,
      records: 0,
      recordStride: 0,
      inSram: false,
      ...extra,
    };
    tensors.push(t);
    return t;
  };

  const pixelBits = F * PIXEL_BITS;
  const labelBits = LABEL_BITS;
  const labels = make('labels', 'plain', c * labelBits);
  const planes = Array.from({ length: n }, (_, p) => make(`weights.p${p}`, 'plain', slots));
  const acts = new Map<number, Tensor>();
  const errs = new Map<number, Tensor>();
  const errOut = make('errors.out', 'plain', c * O * run.errorBits);
  for (let l = 1; l < L; l++) acts.set(l, make(`activations.h${l}`, 'plain', c * dims[l]! * run.activationBits));
  for (let l = 1; l < L; l++) errs.set(l, make(`errors.h${l}`, 'plain', c * dims[l]! * run.errorBits));
  const logits = make('logits', 'plain', K * c * O * run.accumulatorBits);
  // Pixels are converted to the activation format as they are loaded.
  const input = make('input', 'rows', c * F * run.activationBits, { rowBits: F * run.activationBits });
  const gradients = hw.policy.gradients === 'fused' ? null : make('gradients', 'plain', slots * run.accumulatorBits);
  const counts: Record<DataPurpose, number> = {
    train: run.trainSamples,
    validation: run.validationSamples,
    test: run.testSamples,
  };
  const caches = new Map<DataPurpose, Tensor>();
  if (hw.policy.frozen === 'cache' && K >= 2) {
    for (const p of PURPOSES) {
      const rb = O * run.accumulatorBits;
      caches.set(p, make(`frozen-cache.${p}`, 'records', counts[p] * rb, { recordBits: rb, records: counts[p] }));
    }
  }
  const datasets = new Map<DataPurpose, Tensor>();
  for (const p of PURPOSES) {
    const rb = pixelBits + labelBits;
    datasets.set(
      p,
      make(`dataset.${p}`, 'records', counts[p] * rb, {
        recordBits: rb,
        records: counts[p],
        recordStride: roundUp(rb, Bb),
      }),
    );
  }

  // ---- SRAM placement, in priority order ----
  type Item = { t: Tensor; mode: 'whole' | 'split' | 'rows' };
  const order: Item[] = [{ t: labels, mode: 'whole' }];
  for (let p = 0; p < Math.min(K, n); p++) order.push({ t: planes[p]!, mode: 'split' });
  order.push({ t: errOut, mode: 'split' });
  for (const t of acts.values()) order.push({ t, mode: 'split' });
  for (const t of errs.values()) order.push({ t, mode: 'split' });
  order.push({ t: logits, mode: 'split' });
  order.push({ t: input, mode: 'rows' });
  for (let p = K; p < n; p++) order.push({ t: planes[p]!, mode: 'split' });
  if (gradients && hw.policy.gradients === 'sram') order.push({ t: gradients, mode: 'split' });
  for (const t of caches.values()) order.push({ t, mode: 'whole' });

  let free = sram.capacityBits;
  let next = 0; // next free SRAM bit (word aligned)
  let closed = false;
  for (const { t, mode } of order) {
    if (closed || t.bits === 0) continue;
    const sizeOnChip = t.layout === 'records' ? t.records * sramStride(t.recordBits) : roundUp(t.bits, W);
    if (sizeOnChip <= free) {
      t.sramBase = next;
      t.onChipBits = t.bits;
      if (t.layout === 'rows') t.onChipRows = c;
      if (t.layout === 'records') {
        t.inSram = true;
        t.recordStride = sramStride(t.recordBits);
      }
      next += sizeOnChip;
      free -= sizeOnChip;
      continue;
    }
    closed = true;
    if (mode === 'split') {
      const part = Math.floor(free / granule) * granule;
      if (part > 0) {
        t.sramBase = next;
        t.onChipBits = part;
        next += part;
        free -= part;
      }
    } else if (mode === 'rows') {
      // free is a whole number of words, so whole rows up to free bits fit once word-rounded.
      const rows = Math.floor(free / t.rowBits);
      if (rows > 0) {
        t.sramBase = next;
        t.onChipRows = rows;
        t.onChipBits = rows * t.rowBits;
        const used = roundUp(t.onChipBits, W);
        next += used;
        free -= used;
      }
    }
  }

  // ---- Prefetch (policy.prefetch auto): a second input and label buffer, when both fit whole after
  // everything else; the two alternate (costed at the first one's addresses). ----
  const need = roundUp(input.bits, W) + roundUp(labels.bits, W);
  const prefetch = hw.policy.prefetch === 'auto' && !closed && input.onChipBits === input.bits && need <= free;
  if (prefetch) {
    for (const twin of [
      make('input.next', 'rows', input.bits, { rowBits: input.rowBits }),
      make('labels.next', 'plain', labels.bits),
    ]) {
      twin.sramBase = next;
      twin.onChipBits = twin.bits;
      if (twin.layout === 'rows') twin.onChipRows = c;
      next += roundUp(twin.bits, W);
      free -= roundUp(twin.bits, W);
    }
  }

  // ---- DRAM: the data sets first, then every tensor part not on chip ----
  let dnext = 0;
  for (const t of datasets.values()) {
    t.dramBase = dnext;
    dnext += roundUp(t.records * t.recordStride, Bb);
  }
  for (const t of tensors) {
    if (t.name.startsWith('dataset.')) continue;
    if (t.layout === 'rows') continue; // samples not on chip are read from the dataset records
    if (t.layout === 'records') {
      if (t.inSram) continue;
      t.recordStride = roundUp(t.recordBits, Bb);
      t.dramBase = dnext;
      dnext += t.records * t.recordStride;
      continue;
    }
    if (t.onChipBits < t.bits) {
      t.dramBase = dnext;
      dnext += roundUp(t.bits - t.onChipBits, Bb);
    }
  }

  return {
    tensors,
    chunk: c,
    dims,
    layerOffsets,
    slots,
    bits: n,
    plannedIterations: K,
    plane: (p) => planes[p]!,
    act: (l) => acts.get(l)!,
    err: (l) => errs.get(l)!,
    errOut,
    logits,
    labels,
    input,
    gradients,
    dataset: (p) => datasets.get(p)!,
    cache: (p) => caches.get(p) ?? null,
    sramUsedBits: next,
    dramUsedBits: dnext,
    pixelBits,
    labelBits,
    prefetch,
  };
}
