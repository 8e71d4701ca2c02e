/**
 * One sub-network (or the conventional network) in fixed point: n-bit trainable weights while
 * it trains, its sign bits once frozen. Holds the per-layer buffers of a mini-batch so the
 * training loop allocates nothing per sample.
 */
import type { FixedFormat } from '../model/fixed-point.js';
import { saturate } from '../model/fixed-point.js';
import { signMatmul, signMatmulT, outerAccumulate } from './kernels.js';
import { Formats, TanhUnit, preActivationShift, saturateAll, weightFormat } from './arith.js';
import type { Rng } from './rng.js';

/**
 * How an update is narrowed to the weight's LSB: `floor` drops LSBs of the two's-complement
 * product (an arithmetic shift), `toward-zero` drops LSBs of its magnitude, `nearest` rounds.
 */
export type Rounding = 'floor' | 'toward-zero' | 'nearest';

export class Subnet {
  readonly L: number;
  /** n-k+1-bit weights per layer (row-major rows x cols); null once frozen. */
  weights: Int32Array[] | null;
  /** Sign of every weight per layer, +1 / -1 (what multiply-accumulates use). */
  readonly signs: Float64Array[];
  readonly wFmt: FixedFormat;
  readonly shifts: number[];
  private readonly tanh: TanhUnit;
  // Per-batch buffers: activations a[l] (B x dims[l]), pre-activations z, errors e[l].
  private a: Float64Array[] = [];
  private e: Float64Array[] = [];
  private grads: Float64Array[] = [];
  private cap = 0;

  constructor(readonly dims: readonly number[], readonly weightBits: number, readonly fmt: Formats) {
    this.L = dims.length - 1;
    this.wFmt = weightFormat(weightBits);
    this.shifts = dims.slice(0, -1).map((fanIn, l) => preActivationShift(fanIn, l < dims.length - 2));
    this.tanh = new TanhUnit(fmt.act);
    this.weights = [];
    this.signs = [];
    for (let l = 0; l < this.L; l++) {
      this.weights.push(new Int32Array(dims[l]! * dims[l + 1]!));
      this.signs.push(new Float64Array(dims[l]! * dims[l + 1]!).fill(1));
    }
    this.grads = this.weights.map((w) => new Float64Array(w.length));
  }

  /** Uniform random weights in [-range, range] (as a fraction of the weight's full scale). */
  init(rng: Rng, range: number): void {
    const m = Math.max(1, Math.floor(range * 2 ** (this.weightBits - 1)));
    const lo = Math.max(-m, -(2 ** (this.weightBits - 1)));
    const hi = Math.min(m, 2 ** (this.weightBits - 1) - 1);
    for (let l = 0; l < this.L; l++) {
      const w = this.weights![l]!;
      for (let i = 0; i < w.length; i++) w[i] = rng.intIn(lo, hi);
      this.refreshSigns(l);
    }
  }

  private refreshSigns(l: number): void {
    const w = this.weights![l]!;
    const s = this.signs[l]!;
    for (let i = 0; i < w.length; i++) s[i] = w[i]! < 0 ? -1 : 1;
  }

  private ensure(B: number): void {
    if (B <= this.cap) return;
    this.a = this.dims.map((d) => new Float64Array(B * d));
    this.e = this.dims.map((d) => new Float64Array(B * d));
    this.cap = B;
  }

  /**
   * Forward pass of a batch: x (B x inputs, integers) -> output pre-activations added into
   * `logits` (B x outputs). Keeps activations for backward.
   */
  forward(x: Float64Array, B: number, logits: Float64Array): void {
    this.ensure(B);
    const a = this.a;
    a[0]!.set(x.subarray(0, B * this.dims[0]!));
    for (let l = 0; l < this.L; l++) {
      const I = this.dims[l]!;
      const O = this.dims[l + 1]!;
      const z = a[l + 1]!;
      signMatmul(a[l]!, this.signs[l]!, z, B, I, O);
      saturateAll(z, B * O, this.fmt.acc);
      if (l < this.L - 1) this.tanh.apply(z, z, B * O, this.shifts[l]!);
    }
    const out = a[this.L]!;
    for (let i = 0; i < B * this.dims[this.L]!; i++) logits[i]! += out[i]!;
  }

  /**
   * Backward pass and weight update, given the output errors (B x outputs, error format) of the
   * last forward pass. `lr` is the learning rate in real units of the weight range [-1, 1).
   */
  backwardAndUpdate(outErr: Float64Array, B: number, lr: number, rounding: Rounding): void {
    const { a, e, dims, L } = this;
    e[L]!.set(outErr.subarray(0, B * dims[L]!));
    for (let l = L - 1; l >= 1; l--) {
      signMatmulT(e[l + 1]!, this.signs[l]!, e[l]!, B, dims[l]!, dims[l + 1]!);
      this.tanh.backward(e[l]!, a[l]!, B * dims[l]!, this.fmt.err);
    }
    for (let l = 0; l < L; l++) {
      const g = this.grads[l]!;
      outerAccumulate(a[l]!, e[l + 1]!, g, B, dims[l]!, dims[l + 1]!);
      saturateAll(g, g.length, this.fmt.acc);
      this.update(l, g, B, lr, rounding);
    }
  }

  /** w <- saturate(w - narrow(lr * g)): the gradient is narrowed to the weight's LSB. */
  private update(l: number, g: Float64Array, B: number, lr: number, rounding: Rounding): void {
    const w = this.weights![l]!;
    const s = this.signs[l]!;
    const scale = (lr * 2 ** this.wFmt.frac) / (2 ** (this.fmt.act.frac + this.fmt.err.frac) * B);
    const f = this.wFmt;
    for (let i = 0; i < w.length; i++) {
      const d = g[i]! * scale;
      const step = rounding === 'floor' ? Math.floor(d) : rounding === 'toward-zero' ? Math.trunc(d) : Math.round(d);
      if (step === 0) continue;
      const nw = saturate(w[i]! - step, f);
      w[i] = nw;
      s[i] = nw < 0 ? -1 : 1;
    }
  }

  /** Binarize: keep only the signs; the weights are gone (their planes are recycled). */
  freeze(): void {
    this.weights = null;
  }

  snapshot(): Int32Array[] {
    return this.weights!.map((w) => w.slice());
  }

  restore(ws: Int32Array[]): void {
    for (let l = 0; l < this.L; l++) {
      this.weights![l]!.set(ws[l]!);
      this.refreshSigns(l);
    }
  }
}
