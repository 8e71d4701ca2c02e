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
 */
import type { Config } from '../config/schema.js';
import type { OpObserver } from '../model/ops.js';
import { networkSpec } from '../model/network.js';
import { formats } from './arith.js';
import { argmaxRows, outputScale, softmaxError } from './arith.js';
import { OpEmitter, batchSizes } from './op-emitter.js';
import { Rng } from './rng.js';
import { Subnet } from './subnet.js';
import { recipe } from './recipes.js';
import type { Dataset, MnistSplits } from './mnist/dataset.js';
import type { IterationResult, ProgressFn, TrainResult } from './results.js';

export interface TrainOptions {
  observer?: OpObserver;
  progress?: ProgressFn;
  /** Data already loaded (tests, sweeps); loaded from the configuration otherwise. */
  data?: MnistSplits;
  /** Called with the trained network at the end (tests inspect weights). */
  onSubnetFrozen?: (k: number, net: Subnet) => void;
}

/** The trained sub-networks after a run (S_1..S_k, all frozen). */
export interface TrainedNetwork {
  subnets: Subnet[];
}

export async function train(cfg: Config, opts: TrainOptions = {}): Promise<TrainResult & { network: TrainedNetwork }> {
  const { loadMnist } = await import('./mnist/dataset.js');
  const data = opts.data ?? loadMnist(cfg.data, {
    activationBits: cfg.model.activationBits,
    trainSamples: cfg.training.trainSamples,
    validationSamples: cfg.training.validationSamples,
    testSamples: cfg.training.testSamples,
  });
  return trainOn(cfg, data, opts);
}

export function trainOn(cfg: Config, data: MnistSplits, opts: TrainOptions = {}): TrainResult & { network: TrainedNetwork } {
  const t0 = performance.now();
  const { topology, plan } = networkSpec(cfg.model);
  const dims = topology.dims;
  const C = dims[dims.length - 1]!;
  const t = cfg.training;
  const fmt = formats(cfg.model.activationBits, cfg.model.errorBits, cfg.model.accumulatorBits);
  const rec = recipe(t);
  const rng = new Rng(t.seed);
  const obs = opts.observer ?? { op: () => {} };
  const em = new OpEmitter(obs, topology, plan, cfg);
  const train = limit(data.train, t.trainSamples);
  const val = limit(data.validation, t.validationSamples);
  const test = limit(data.test, t.testSamples);
  checkFeatures(train, dims[0]!);

  // Summed output pre-activations of the frozen sub-networks, per sample of each set.
  const frozenTrain = new Float64Array(train.count * C);
  const frozenVal = new Float64Array(val.count * C);
  const frozenTest = new Float64Array(test.count * C);

  const progressTotal = plan.iterations.length * (t.epochs * (batchSizes(train.count, t.batch).count + batchSizes(val.count, t.evalBatch).count) + batchSizes(test.count, t.evalBatch).count);
  let progressDone = 0;
  const tick = (label: string): void => { progressDone++; opts.progress?.(progressDone, progressTotal, label); };

  const results: IterationResult[] = [];
  const subnets: Subnet[] = [];
  let stopReason: TrainResult['stopReason'] = plan.schedule === 'conventional' ? 'conventional' : 'max-iterations';
  let bestOverall = Infinity;
  let sinceImproved = 0;

  const xBuf = new Int16Array(Math.max(t.batch, t.evalBatch) * dims[0]!);
  const logits = new Float64Array(Math.max(t.batch, t.evalBatch) * C);
  const errBuf = new Float64Array(t.batch * C);
  const labelBuf = new Uint8Array(Math.max(t.batch, t.evalBatch));
  const pred = new Int32Array(Math.max(t.batch, t.evalBatch));
  const order = new Int32Array(train.count);

  em.runBegin();
  for (const ip of plan.iterations) {
    const k = ip.k;
    const ti = performance.now();
    em.iterationBegin(k);
    const net = new Subnet(dims, ip.trainableBits, fmt);
    net.init(rng, rec.initRange);
    const outScale = outputScale(fmt.act, net.shifts[net.L - 1]!, k);

    const evaluate = (set: Dataset, frozen: Float64Array, epoch: number, purpose: 'validation' | 'test'): number => {
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
        em.evalBatch({ iteration: k, epoch, batch: bi }, purpose, B);
        tick(`k=${k} ${purpose}`);
      }
      return wrong / set.count;
    };

    let best = Infinity;
    let bestEpoch = 0;
    let bestWeights = net.snapshot();
    const curve: number[] = [];
    let epochsRun = 0;
    let sinceBest = 0;
    for (let epoch = 1; epoch <= t.epochs; epoch++) {
      epochsRun = epoch;
      for (let i = 0; i < order.length; i++) order[i] = i;
      rng.shuffle(order);
      const lr = rec.learningRate(epoch);
      const b = batchSizes(train.count, t.batch);
      for (let bi = 0; bi < b.count; bi++) {
        const start = bi * t.batch;
        const B = Math.min(t.batch, train.count - start);
        gather(train, start, B, order, xBuf, labelBuf);
        for (let i = 0; i < B; i++) for (let c = 0, f = order[start + i]! * C; c < C; c++) logits[i * C + c] = frozenTrain[f + c]!;
        net.forward(xBuf, B, logits);
        softmaxError(logits, labelBuf, B, C, outScale, fmt.err, errBuf);
        net.backwardAndUpdate(errBuf, B, lr, rec.rounding);
        em.trainBatch({ iteration: k, epoch, batch: bi }, B);
        tick(`k=${k} epoch ${epoch}`);
      }
      const v = evaluate(val, frozenVal, epoch, 'validation');
      curve.push(v);
      if (v < best) {
        best = v;
        bestEpoch = epoch;
        bestWeights = net.snapshot();
        sinceBest = 0;
      } else if (t.epochPatience > 0 && ++sinceBest >= t.epochPatience) {
        break;
      }
    }
    net.restore(bestWeights);
    const testError = evaluate(test, frozenTest, epochsRun + 1, 'test');
    // Binarize and freeze S_k: fold its output contributions into the frozen sums.
    net.freeze();
    addContributions(net, train, frozenTrain, xBuf, logits, t.evalBatch, C);
    addContributions(net, val, frozenVal, xBuf, logits, t.evalBatch, C);
    addContributions(net, test, frozenTest, xBuf, logits, t.evalBatch, C);
    subnets.push(net);
    opts.onSubnetFrozen?.(k, net);

    results.push({
      k, trainableBits: ip.trainableBits, weights: ip.weights, storageBits: ip.storageBits, bitsPerWeight: ip.bitsPerWeight,
      epochsRun, bestEpoch, validationError: best, testError, validationCurve: curve, seconds: (performance.now() - ti) / 1000,
    });

    let last = k === plan.iterations.length;
    if (plan.schedule === 'rbnn') {
      if (best < bestOverall) { bestOverall = best; sinceImproved = 0; } else sinceImproved++;
      if (!last && cfg.model.iterationPatience > 0 && sinceImproved >= cfg.model.iterationPatience) {
        last = true;
        stopReason = 'no-improvement';
      } else if (last) {
        stopReason = k === cfg.model.bits ? 'no-bits-left' : k === cfg.model.maxIterations ? 'max-iterations' : 'min-trainable-bits';
      }
    }
    em.iterationEnd(k, last);
    if (last) break;
  }

  const final = results[results.length - 1]!;
  return {
    schedule: plan.schedule,
    dims: [...dims],
    bits: plan.bits,
    iterations: results,
    testError: final.testError,
    validationError: final.validationError,
    bitsPerWeight: final.bitsPerWeight,
    storageBits: final.storageBits,
    weights: final.weights,
    seconds: (performance.now() - t0) / 1000,
    stopReason,
    network: { subnets },
  };
}

function limit(d: Dataset, n: number): Dataset {
  if (n >= d.count) return d;
  return { count: n, features: d.features, images: d.images.subarray(0, n * d.features), labels: d.labels.subarray(0, n) };
}

function checkFeatures(d: Dataset, inputs: number): void {
  if (d.features !== inputs) throw new RangeError(`the data has ${d.features} features but model.inputs is ${inputs}`);
}

/** Copy B samples (through `order` if given) into the batch buffers. */
function gather(d: Dataset, start: number, B: number, order: Int32Array | null, x: Int16Array, labels: Uint8Array): void {
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
function addContributions(net: Subnet, d: Dataset, sums: Float64Array, x: Int16Array, logits: Float64Array, batch: number, C: number): void {
  const dummy = new Uint8Array(batch);
  for (let start = 0; start < d.count; start += batch) {
    const B = Math.min(batch, d.count - start);
    gather(d, start, B, null, x, dummy);
    logits.fill(0, 0, B * C);
    net.forward(x, B, logits);
    for (let i = 0; i < B * C; i++) sums[start * C + i]! += logits[i]!;
  }
}
