/**
 * Functional training: the RBNN schedule (SPEC section 1) and conventional BinaryConnect, in
 * fixed-point integer arithmetic, on real MNIST.
 *
 * Iteration k trains sub-network S_k with n-k+1-bit weights; its forward pass runs through
 * S_1..S_k, whose output pre-activations are summed; backward and update touch S_k only. After
 * the iteration, S_k's best-validation weights are binarized and frozen.
 *
 * Shortcut (bit-identical): frozen sub-networks never change, so their summed output
 * pre-activations are computed once per sample when they freeze and reused. The operation
 * stream still reports the forward passes the modelled hardware performs.
 *
 * Interruptible: the schedule is a generator of steps (a training batch, an evaluation batch,
 * the end of an epoch, the end of an iteration). `trainOn` runs it synchronously; `train` runs
 * it asynchronously and yields to the event loop about every YIELD_MS so that signal handlers
 * run. Between two training batches the run can stop (`shouldStop`, `signal`: a TrainingStopped
 * error carries its state); after every epoch and iteration `onCheckpoint` receives the state;
 * `resume` continues from a saved state (trainer/checkpoint.ts). A resumed run is bit-identical
 * to an uninterrupted one (test/robustness/resume.test.ts).
 */
import { UserError } from '../config/errors.js';
import type { Config } from '../config/schema.js';
import type { OpObserver } from '../model/ops.js';
import { networkSpec } from '../model/network.js';
import type { Topology } from '../model/topology.js';
import type { StoragePlan } from '../model/storage-plan.js';
import { formats, type Formats } from './arith.js';
import { argmaxRows, outputScale, softmaxError } from './arith.js';
import { OpEmitter, batchSizes } from './op-emitter.js';
import { Rng } from './rng.js';
import { Subnet } from './subnet.js';
import { recipe, type Recipe } from './recipes.js';
import type { Dataset, MnistSplits } from './mnist/dataset.js';
import type { IterationResult, ProgressFn, TrainResult } from '../model/results.js';
import {
  TrainingStopped,
  packNegative,
  weightsFromNegative,
  type CurrentIteration,
  type PartialTrainResult,
  type Position,
  type TrainState,
} from './checkpoint-state.js';

export { TrainingStopped, type TrainState, type PartialTrainResult } from './checkpoint-state.js';

/** Where a checkpoint is offered: after an epoch (its validation pass) or after an iteration. */
export type CheckpointPoint = 'epoch' | 'iteration';

export interface TrainOptions {
  observer?: OpObserver;
  progress?: ProgressFn;
  /** Data already loaded (tests, sweeps); loaded from the configuration otherwise. */
  data?: MnistSplits;
  /** Called with the trained network at the end (tests inspect weights). */
  onSubnetFrozen?: (k: number, net: Subnet) => void;
  /**
   * Continue a run from a saved state instead of starting afresh. The ops emitted before it are
   * not emitted again: the observer must already hold them (a Simulator given restoreState()).
   */
  resume?: TrainState;
  /** Receives the state after every epoch and every iteration (synchronously; copy what you keep). */
  onCheckpoint?: (state: TrainState, at: CheckpointPoint) => void;
  /** Asked between training batches and at checkpoints: true stops the run (TrainingStopped). */
  shouldStop?: () => boolean;
  /** Stops the run like shouldStop once aborted. */
  signal?: AbortSignal;
}

/** The trained sub-networks after a run (S_1..S_k, all frozen). */
export interface TrainedNetwork {
  subnets: Subnet[];
}

/** `train` lets the event loop run (signals, timers) at least this often, in milliseconds. */
export const YIELD_MS = 50;

export async function train(cfg: Config, opts: TrainOptions = {}): Promise<TrainResult & { network: TrainedNetwork }> {
  const { loadMnist } = await import('./mnist/dataset.js');
  const data =
    opts.data ??
    loadMnist(cfg.data, {
      activationBits: cfg.model.activationBits,
      trainSamples: cfg.training.trainSamples,
      validationSamples: cfg.training.validationSamples,
      testSamples: cfg.training.testSamples,
    });
  const run = new TrainingRun(cfg, data, opts);
  let last = performance.now();
  for (const step of run.steps()) {
    const now = performance.now();
    if (now - last >= YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    }
    run.after(step);
  }
  return run.result();
}

export function trainOn(
  cfg: Config,
  data: MnistSplits,
  opts: TrainOptions = {},
): TrainResult & { network: TrainedNetwork } {
  const run = new TrainingRun(cfg, data, opts);
  for (const step of run.steps()) run.after(step);
  return run.result();
}

/** Steps of the schedule: a training batch (the run may stop after it), an evaluation batch, a checkpoint. */
enum Step {
  TrainBatch,
  Tick,
  Epoch,
  Iteration,
}

/** The best-validation bookkeeping of the sub-network being trained. */
interface Current {
  net: Subnet;
  best: number;
  bestEpoch: number;
  bestWeights: Int32Array[];
  curve: number[];
  epochsRun: number;
  sinceBest: number;
  /** Wall-clock milliseconds of this iteration before this process, and when this process started it. */
  msBefore: number;
  since: number;
}

class TrainingRun {
  private readonly t: Config['training'];
  private readonly topology: Topology;
  private readonly plan: StoragePlan;
  private readonly dims: readonly number[];
  private readonly C: number;
  private readonly fmt: Formats;
  private readonly rec: Recipe;
  private readonly rng: Rng;
  private readonly em: OpEmitter;
  private readonly train: Dataset;
  private readonly val: Dataset;
  private readonly test: Dataset;
  // Summed output pre-activations of the frozen sub-networks, per sample of each set.
  private readonly frozenTrain: Float64Array;
  private readonly frozenVal: Float64Array;
  private readonly frozenTest: Float64Array;
  private readonly progressTotal: number;
  private progressDone = 0;
  private readonly results: IterationResult[] = [];
  private readonly subnets: Subnet[] = [];
  private stopReason: TrainResult['stopReason'];
  private bestOverall = Infinity;
  private sinceImproved = 0;
  private readonly xBuf: Int16Array;
  private readonly logits: Float64Array;
  private readonly errBuf: Float64Array;
  private readonly labelBuf: Uint8Array;
  private readonly pred: Int32Array;
  private readonly order: Int32Array;
  private next: Position = { iteration: 1, epoch: 1, batch: 0, stage: 'epoch' };
  private cur: Current | null = null;
  private readonly resume: TrainState | undefined;
  /** Wall-clock milliseconds of the run before this process, and when this process started it. */
  private readonly msBefore: number;
  private readonly since = performance.now();

  constructor(
    private readonly cfg: Config,
    data: MnistSplits,
    private readonly opts: TrainOptions,
  ) {
    const { topology, plan } = networkSpec(cfg.model);
    this.topology = topology;
    this.plan = plan;
    const dims = (this.dims = topology.dims);
    const C = (this.C = dims[dims.length - 1]!);
    const t = (this.t = cfg.training);
    this.fmt = formats(cfg.model.activationBits, cfg.model.errorBits, cfg.model.accumulatorBits);
    this.rec = recipe(t);
    this.em = new OpEmitter(opts.observer ?? { op: () => {} }, topology, plan, cfg);
    this.train = limit(data.train, t.trainSamples);
    this.val = limit(data.validation, t.validationSamples);
    this.test = limit(data.test, t.testSamples);
    checkFeatures(this.train, dims[0]!);
    this.frozenTrain = new Float64Array(this.train.count * C);
    this.frozenVal = new Float64Array(this.val.count * C);
    this.frozenTest = new Float64Array(this.test.count * C);
    this.progressTotal =
      plan.iterations.length *
      (t.epochs * (batchSizes(this.train.count, t.batch).count + batchSizes(this.val.count, t.evalBatch).count) +
        batchSizes(this.test.count, t.evalBatch).count);
    this.stopReason = plan.schedule === 'conventional' ? 'conventional' : 'max-iterations';
    const maxBatch = Math.max(t.batch, t.evalBatch);
    this.xBuf = new Int16Array(maxBatch * dims[0]!);
    this.logits = new Float64Array(maxBatch * C);
    this.errBuf = new Float64Array(t.batch * C);
    this.labelBuf = new Uint8Array(maxBatch);
    this.pred = new Int32Array(maxBatch);
    this.order = new Int32Array(this.train.count);
    const r = (this.resume = opts.resume);
    if (r) {
      this.rng = Rng.fromState(r.rng);
      this.next = { ...r.next };
      this.progressDone = r.progressDone;
      this.msBefore = r.seconds * 1000;
      this.results.push(...r.results.map((x) => ({ ...x, validationCurve: [...x.validationCurve] })));
      this.bestOverall = r.bestOverall;
      this.sinceImproved = r.sinceImproved;
      this.stopReason = r.stopReason;
    } else {
      this.rng = new Rng(t.seed);
      this.msBefore = 0;
    }
  }

  private tick(label: string): void {
    this.progressDone++;
    this.opts.progress?.(this.progressDone, this.progressTotal, label);
  }

  /** What to do after a step: offer a checkpoint, stop if asked. */
  after(step: Step): void {
    if (step === Step.Tick) return;
    if (step !== Step.TrainBatch) this.opts.onCheckpoint?.(this.state(), step === Step.Epoch ? 'epoch' : 'iteration');
    if (this.next.stage !== 'done' && (this.opts.shouldStop?.() === true || this.opts.signal?.aborted === true)) {
      throw new TrainingStopped(this.state(), this.partial());
    }
  }

  *steps(): Generator<Step, void, undefined> {
    const { t, plan, dims, C, fmt, rec, rng, em, order } = this;
    const { xBuf, logits, errBuf, labelBuf } = this;
    if (this.resume) yield* this.restore(this.resume);
    else em.runBegin();
    while (this.next.stage !== 'done') {
      const k = this.next.iteration;
      const ip = plan.iterations[k - 1]!;
      if (!this.cur) {
        const since = performance.now();
        em.iterationBegin(k);
        const net = new Subnet(dims, ip.trainableBits, fmt);
        net.init(rng, rec.initRange);
        this.cur = {
          net,
          best: Infinity,
          bestEpoch: 0,
          bestWeights: net.snapshot(),
          curve: [],
          epochsRun: 0,
          sinceBest: 0,
          msBefore: 0,
          since,
        };
      }
      const cur = this.cur;
      const net = cur.net;
      const outScale = outputScale(fmt.act, net.shifts[net.L - 1]!, k, rec.outputGain);

      while (this.next.stage === 'epoch') {
        const epoch = this.next.epoch;
        cur.epochsRun = epoch;
        if (this.next.batch === 0) {
          for (let i = 0; i < order.length; i++) order[i] = i;
          rng.shuffle(order);
        }
        const lr = rec.learningRate(epoch);
        const b = batchSizes(this.train.count, t.batch);
        for (let bi = this.next.batch; bi < b.count; bi++) {
          const start = bi * t.batch;
          const B = Math.min(t.batch, this.train.count - start);
          gather(this.train, start, B, order, xBuf, labelBuf);
          for (let i = 0; i < B; i++)
            for (let c = 0, f = order[start + i]! * C; c < C; c++) logits[i * C + c] = this.frozenTrain[f + c]!;
          net.forward(xBuf, B, logits);
          softmaxError(logits, labelBuf, B, C, outScale, fmt.err, errBuf);
          net.backwardAndUpdate(errBuf, B, lr, rec.rounding);
          em.trainBatch({ iteration: k, epoch, batch: bi }, B);
          this.tick(`k=${k} epoch ${epoch}`);
          this.next.batch = bi + 1;
          yield Step.TrainBatch;
        }
        const v = yield* this.evaluate(net, this.val, this.frozenVal, k, epoch, 'validation');
        cur.curve.push(v);
        let more = epoch < t.epochs;
        if (v < cur.best) {
          cur.best = v;
          cur.bestEpoch = epoch;
          cur.bestWeights = net.snapshot();
          cur.sinceBest = 0;
        } else if (t.epochPatience > 0 && ++cur.sinceBest >= t.epochPatience) {
          more = false;
        }
        this.next = more
          ? { iteration: k, epoch: epoch + 1, batch: 0, stage: 'epoch' }
          : { iteration: k, epoch, batch: 0, stage: 'test' };
        yield Step.Epoch;
      }

      net.restore(cur.bestWeights);
      const testError = yield* this.evaluate(net, this.test, this.frozenTest, k, cur.epochsRun + 1, 'test');
      // Binarize and freeze S_k: fold its output contributions into the frozen sums.
      net.freeze();
      yield* this.addFrozen(net);
      this.subnets.push(net);
      this.opts.onSubnetFrozen?.(k, net);

      this.results.push({
        k,
        trainableBits: ip.trainableBits,
        weights: ip.weights,
        storageBits: ip.storageBits,
        bitsPerWeight: ip.bitsPerWeight,
        epochsRun: cur.epochsRun,
        bestEpoch: cur.bestEpoch,
        validationError: cur.best,
        testError,
        validationCurve: cur.curve,
        seconds: (cur.msBefore + performance.now() - cur.since) / 1000,
      });

      let last = k === plan.iterations.length;
      if (plan.schedule === 'rbnn') {
        if (cur.best < this.bestOverall) {
          this.bestOverall = cur.best;
          this.sinceImproved = 0;
        } else this.sinceImproved++;
        if (!last && this.cfg.model.iterationPatience > 0 && this.sinceImproved >= this.cfg.model.iterationPatience) {
          last = true;
          this.stopReason = 'no-improvement';
        } else if (last) {
          this.stopReason =
            k === this.cfg.model.bits
              ? 'no-bits-left'
              : k === this.cfg.model.maxIterations
                ? 'max-iterations'
                : 'min-trainable-bits';
        }
      }
      em.iterationEnd(k, last);
      this.cur = null;
      this.next = last
        ? { iteration: k, epoch: 0, batch: 0, stage: 'done' }
        : { iteration: k + 1, epoch: 1, batch: 0, stage: 'epoch' };
      yield Step.Iteration;
    }
  }

  /** The error rate of `net` (with the frozen sums) on a set; emits its evaluation batches. */
  private *evaluate(
    net: Subnet,
    set: Dataset,
    frozen: Float64Array,
    k: number,
    epoch: number,
    purpose: 'validation' | 'test',
  ): Generator<Step, number, undefined> {
    const { t, C, xBuf, logits, labelBuf, pred } = this;
    const b = batchSizes(set.count, t.evalBatch);
    let wrong = 0;
    for (let bi = 0; bi < b.count; bi++) {
      const start = bi * t.evalBatch;
      const B = Math.min(t.evalBatch, set.count - start);
      gather(set, start, B, null, xBuf, labelBuf);
      logits.set(frozen.subarray(start * C, (start + B) * C));
      net.forward(xBuf, B, logits);
      argmaxRows(logits, B, C, pred);
      for (let i = 0; i < B; i++) if (pred[i] !== labelBuf[i]) wrong++;
      this.em.evalBatch({ iteration: k, epoch, batch: bi }, purpose, B);
      this.tick(`k=${k} ${purpose}`);
      yield Step.Tick;
    }
    return wrong / set.count;
  }

  /** Adds a frozen sub-network's output pre-activations, for every sample of the three sets, to the frozen sums. */
  private *addFrozen(net: Subnet): Generator<Step, void, undefined> {
    yield* addContributions(net, this.train, this.frozenTrain, this.xBuf, this.logits, this.t.evalBatch, this.C);
    yield* addContributions(net, this.val, this.frozenVal, this.xBuf, this.logits, this.t.evalBatch, this.C);
    yield* addContributions(net, this.test, this.frozenTest, this.xBuf, this.logits, this.t.evalBatch, this.C);
  }

  /** Rebuilds the frozen sub-networks (from their signs) and their sums, and the sub-network being trained. */
  private *restore(s: TrainState): Generator<Step, void, undefined> {
    const layers = this.dims.length - 1;
    for (const f of s.frozen) {
      const net = new Subnet(this.dims, f.weightBits, this.fmt);
      const ws: Int32Array[] = [];
      for (let l = 0; l < layers; l++) ws.push(weightsFromNegative(f.negative[l]!, this.dims[l]! * this.dims[l + 1]!));
      net.restore(ws);
      net.freeze();
      yield* this.addFrozen(net);
      this.subnets.push(net);
    }
    const c = s.current;
    if (c && s.next.stage !== 'done') {
      const net = new Subnet(this.dims, this.plan.iterations[s.next.iteration - 1]!.trainableBits, this.fmt);
      net.restore(c.weights);
      if (c.order) this.order.set(c.order);
      this.cur = {
        net,
        best: c.bestError,
        bestEpoch: c.bestEpoch,
        bestWeights: c.bestWeights.map((w) => w.slice()),
        curve: [...c.curve],
        epochsRun: c.epochsRun,
        sinceBest: c.sinceBest,
        msBefore: c.seconds * 1000,
        since: performance.now(),
      };
    }
  }

  /** The state to continue from (copies). */
  state(): TrainState {
    const cur = this.cur;
    const now = performance.now();
    let current: CurrentIteration | null = null;
    if (cur) {
      const midEpoch = this.next.stage === 'epoch' && this.next.batch > 0;
      current = {
        weights: cur.net.snapshot(),
        bestWeights: cur.bestWeights.map((w) => w.slice()),
        bestError: cur.best,
        bestEpoch: cur.bestEpoch,
        curve: [...cur.curve],
        epochsRun: cur.epochsRun,
        sinceBest: cur.sinceBest,
        seconds: (cur.msBefore + now - cur.since) / 1000,
        order: midEpoch ? this.order.slice() : null,
      };
    }
    return {
      next: { ...this.next },
      rng: this.rng.state(),
      progressDone: this.progressDone,
      seconds: (this.msBefore + now - this.since) / 1000,
      results: this.results.map((r) => ({ ...r, validationCurve: [...r.validationCurve] })),
      frozen: this.subnets.map((net, i) => ({
        k: i + 1,
        weightBits: net.weightBits,
        negative: net.signs.map(packNegative),
      })),
      bestOverall: this.bestOverall,
      sinceImproved: this.sinceImproved,
      stopReason: this.stopReason,
      current,
    };
  }

  partial(): PartialTrainResult {
    return {
      incomplete: true,
      schedule: this.plan.schedule,
      dims: [...this.dims],
      bits: this.plan.bits,
      iterations: this.results.map((r) => ({ ...r, validationCurve: [...r.validationCurve] })),
      seconds: (this.msBefore + performance.now() - this.since) / 1000,
      next: { ...this.next },
    };
  }

  result(): TrainResult & { network: TrainedNetwork } {
    const final = this.results[this.results.length - 1]!;
    return {
      schedule: this.plan.schedule,
      dims: [...this.dims],
      bits: this.plan.bits,
      iterations: this.results,
      testError: final.testError,
      validationError: final.validationError,
      bitsPerWeight: final.bitsPerWeight,
      storageBits: final.storageBits,
      weights: final.weights,
      seconds: (this.msBefore + performance.now() - this.since) / 1000,
      stopReason: this.stopReason,
      network: { subnets: this.subnets },
    };
  }
}

function limit(d: Dataset, n: number): Dataset {
  if (n >= d.count) return d;
  return {
    count: n,
    features: d.features,
    images: d.images.subarray(0, n * d.features),
    labels: d.labels.subarray(0, n),
  };
}

function checkFeatures(d: Dataset, inputs: number): void {
  if (d.features !== inputs)
    throw new UserError(`model.inputs: expected ${d.features}, the features per sample of the data, got ${inputs}`);
}

/** Copy B samples (through `order` if given) into the batch buffers. */
function gather(
  d: Dataset,
  start: number,
  B: number,
  order: Int32Array | null,
  x: Int16Array,
  labels: Uint8Array,
): void {
  const F = d.features;
  for (let i = 0; i < B; i++) {
    const s = order ? order[start + i]! : start + i;
    const src = s * F;
    const dst = i * F;
    for (let f = 0; f < F; f++) x[dst + f] = d.images[src + f]!;
    labels[i] = d.labels[s]!;
  }
}

/** Adds a frozen sub-network's output pre-activations for every sample of a set into `sums`. */
function* addContributions(
  net: Subnet,
  d: Dataset,
  sums: Float64Array,
  x: Int16Array,
  logits: Float64Array,
  batch: number,
  C: number,
): Generator<Step, void, undefined> {
  const dummy = new Uint8Array(batch);
  for (let start = 0; start < d.count; start += batch) {
    const B = Math.min(batch, d.count - start);
    gather(d, start, B, null, x, dummy);
    logits.fill(0, 0, B * C);
    net.forward(x, B, logits);
    for (let i = 0; i < B * C; i++) sums[start * C + i]! += logits[i]!;
    yield Step.Tick;
  }
}
