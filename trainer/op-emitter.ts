/**
 * Emits the operation stream of the training schedule (see model/ops.ts). The trainer calls it
 * as it trains, and the schedule enumerator calls it without training, so the two streams
 * cannot drift apart.
 */
import type { Config } from '../config/schema.js';
import {
  LABEL_BITS,
  PIXEL_BITS,
  type DataPurpose,
  type OpObserver,
  type Where,
  type RunBeginOp,
} from '../model/ops.js';
import { layerCount, type Topology } from '../model/topology.js';
import type { StoragePlan } from '../model/storage-plan.js';

export class OpEmitter {
  private readonly dims: readonly number[];
  private readonly L: number;
  private readonly act: number;
  private readonly err: number;
  private readonly acc: number;

  constructor(
    private readonly obs: OpObserver,
    private readonly topo: Topology,
    private readonly plan: StoragePlan,
    private readonly cfg: Config,
  ) {
    this.dims = topo.dims;
    this.L = layerCount(topo);
    this.act = cfg.model.activationBits;
    this.err = cfg.model.errorBits;
    this.acc = cfg.model.accumulatorBits;
  }

  runBegin(): void {
    const m = this.cfg.model;
    const t = this.cfg.training;
    const op: RunBeginOp = {
      kind: 'run-begin',
      schedule: this.plan.schedule,
      dims: this.dims,
      bits: this.plan.bits,
      plannedIterations: this.plan.iterations.length,
      activationBits: m.activationBits,
      errorBits: m.errorBits,
      accumulatorBits: m.accumulatorBits,
      batch: t.batch,
      trainSamples: t.trainSamples,
      evalBatch: t.evalBatch,
      validationSamples: t.validationSamples,
      testSamples: t.testSamples,
    };
    this.obs.op(op);
  }

  iterationBegin(k: number): void {
    const p = this.plan.iterations[k - 1]!;
    this.obs.op({
      kind: 'iteration-begin',
      where: { iteration: k, epoch: 0, batch: 0 },
      trainableBits: p.trainableBits,
      subnets: k,
    });
  }

  iterationEnd(k: number, last: boolean): void {
    this.obs.op({ kind: 'iteration-end', where: { iteration: k, epoch: 0, batch: 0 }, last });
  }

  /** One training mini-batch of iteration k: forward through S_1..S_k, backward, gradient and update of S_k. */
  trainBatch(where: Where, samples: number, repeat = 1): void {
    const k = where.iteration;
    this.load(where, 'train', samples, repeat);
    this.forward(where, 'forward', samples, k, undefined, repeat);
    this.elementwise(
      where,
      'forward',
      'softmax-error',
      k,
      this.L,
      samples,
      this.dims[this.L]!,
      this.acc,
      this.err,
      undefined,
      repeat,
    );
    this.backward(where, samples, k, repeat);
    this.gradients(where, samples, k, repeat);
    this.updates(where, k, repeat);
  }

  /** One evaluation batch of iteration k (forward through S_1..S_k and argmax). */
  evalBatch(where: Where, purpose: DataPurpose, samples: number, repeat = 1): void {
    const k = where.iteration;
    this.load(where, purpose, samples, repeat);
    this.forward(where, 'evaluate', samples, k, purpose, repeat);
    this.elementwise(
      where,
      'evaluate',
      'argmax',
      k,
      this.L,
      samples,
      this.dims[this.L]!,
      this.acc,
      LABEL_BITS,
      purpose,
      repeat,
    );
  }

  private load(where: Where, purpose: DataPurpose, samples: number, repeat: number): void {
    this.obs.op({
      kind: 'load',
      phase: 'load',
      where,
      purpose,
      samples,
      features: this.dims[0]!,
      bitsPerFeature: PIXEL_BITS,
      labelBits: LABEL_BITS,
      repeat,
    });
  }

  private forward(
    where: Where,
    phase: 'forward' | 'evaluate',
    samples: number,
    k: number,
    purpose: DataPurpose | undefined,
    repeat: number,
  ): void {
    for (let s = 1; s <= k; s++) {
      for (let l = 0; l < this.L; l++) {
        const rows = this.dims[l]!;
        const cols = this.dims[l + 1]!;
        const last = l === this.L - 1;
        this.obs.op({
          kind: 'matmul',
          phase,
          where,
          subnet: s,
          frozen: s < k,
          layer: l,
          samples,
          rows,
          cols,
          inBits: this.act,
          outBits: this.acc,
          accBits: this.acc,
          ...(purpose ? { purpose } : {}),
          repeat,
        });
        if (!last)
          this.elementwise(where, phase, 'activation', s, l + 1, samples, cols, this.acc, this.act, purpose, repeat);
      }
    }
    if (k > 1)
      this.elementwise(
        where,
        phase,
        'output-sum',
        k,
        this.L,
        samples,
        this.dims[this.L]! * (k - 1),
        this.acc,
        this.acc,
        purpose,
        repeat,
      );
  }

  private backward(where: Where, samples: number, k: number, repeat: number): void {
    for (let l = this.L - 1; l >= 1; l--) {
      this.obs.op({
        kind: 'matmul',
        phase: 'backward',
        where,
        subnet: k,
        frozen: false,
        layer: l,
        samples,
        rows: this.dims[l]!,
        cols: this.dims[l + 1]!,
        inBits: this.err,
        outBits: this.err,
        accBits: this.acc,
        repeat,
      });
      this.elementwise(
        where,
        'backward',
        'activation-derivative',
        k,
        l,
        samples,
        this.dims[l]!,
        this.err,
        this.err,
        undefined,
        repeat,
      );
    }
  }

  private gradients(where: Where, samples: number, k: number, repeat: number): void {
    for (let l = 0; l < this.L; l++) {
      this.obs.op({
        kind: 'gradient',
        phase: 'gradient',
        where,
        subnet: k,
        layer: l,
        samples,
        rows: this.dims[l]!,
        cols: this.dims[l + 1]!,
        actBits: this.act,
        errBits: this.err,
        accBits: this.acc,
        repeat,
      });
    }
  }

  private updates(where: Where, k: number, repeat: number): void {
    const p = this.plan.iterations[k - 1]!;
    for (let l = 0; l < this.L; l++) {
      this.obs.op({
        kind: 'update',
        phase: 'update',
        where,
        subnet: k,
        layer: l,
        weights: this.dims[l]! * this.dims[l + 1]!,
        weightBits: p.trainableBits,
        firstPlane: p.firstTrainablePlane,
        gradBits: this.acc,
        repeat,
      });
    }
  }

  private elementwise(
    where: Where,
    phase: 'forward' | 'backward' | 'evaluate',
    fn: 'activation' | 'activation-derivative' | 'output-sum' | 'softmax-error' | 'argmax',
    subnet: number,
    layer: number,
    samples: number,
    width: number,
    inBits: number,
    outBits: number,
    purpose: DataPurpose | undefined,
    repeat: number,
  ): void {
    this.obs.op({
      kind: 'elementwise',
      phase,
      fn,
      where,
      subnet,
      layer,
      samples,
      width,
      inBits,
      outBits,
      ...(purpose ? { purpose } : {}),
      repeat,
    });
  }
}

/** Batches of an epoch over `samples` samples: sizes of the full batches and of the last one. */
export function batchSizes(samples: number, batch: number): { full: number; count: number; last: number } {
  const full = Math.floor(samples / batch);
  const rest = samples - full * batch;
  return { full, count: full + (rest > 0 ? 1 : 0), last: rest };
}
