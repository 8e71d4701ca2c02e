/**
 * One sub-network (or the conventional network) in fixed point: n-bit trainable weights while
 * it trains, its sign bits once frozen. Holds the per-layer buffers of a mini-batch so the
 * training loop allocates nothing per sample.
 *
 * Two implementations of the same arithmetic, bit-identical (test/trainer/kernels.test.ts):
 * - `js`: the plain TypeScript loops of trainer/kernels.ts on Float64Arrays;
 * - `wasm` (default): WebAssembly SIMD kernels (trainer/wasm/), weights and signs in the
 *   WebAssembly memory, large products split over two threads.
 * Chosen per sub-network by the `kernels` option, else by the environment variable
 * RBNN_KERNELS=js|wasm. Formats the fast path cannot reproduce exactly (errors wider than 16
 * bits, activations and errors both 16 bits) use the plain path.
 */
import type { FixedFormat } from '../model/fixed-point.js';
import { saturate } from '../model/fixed-point.js';
import { signMatmul, signMatmulT, outerAccumulate } from './kernels.js';
import { Formats, TanhUnit, preActivationShift, saturateAll, weightFormat } from './arith.js';
import type { Rng } from './rng.js';
import { WasmNet, wasmSupports } from './wasm/wasm-net.js';

export type Kernels = 'js' | 'wasm';

export interface SubnetOptions {
  /** Kernel implementation (default: RBNN_KERNELS, else 'wasm'). */
  kernels?: Kernels;
}

/** The kernels a new sub-network uses when no option says: RBNN_KERNELS, else 'wasm'. */
export function defaultKernels(): Kernels {
  const v = process.env.RBNN_KERNELS;
  if (v === undefined || v === '' || v === 'wasm') return 'wasm';
  if (v === 'js') return 'js';
  throw new RangeError(`RBNN_KERNELS must be "js" or "wasm", got "${v}"`);
}

/**
 * How an update is narrowed to the weight's LSB: `floor` drops LSBs of the two's-complement
 * product (an arithmetic shift), `toward-zero` drops LSBs of its magnitude, `nearest` rounds.
 */
export type Rounding = 'floor' | 'toward-zero' | 'nearest';

export class Subnet {
  readonly L: number;
  private jsWeights: Int32Array[] | null;
  private readonly jsSigns: Float64Array[];
  /** The fast path, or null for the plain TypeScript one. */
  private readonly fast: WasmNet | null;
  /** Which implementation this sub-network runs. */
  readonly kernels: Kernels;
  readonly wFmt: FixedFormat;
  readonly shifts: number[];
  private readonly tanh: TanhUnit;
  // Per-batch buffers: activations a[l] (B x dims[l]), pre-activations z, errors e[l].
  private a: Float64Array[] = [];
  private e: Float64Array[] = [];
  private grads: Float64Array[] = [];
  private cap = 0;

  constructor(
    readonly dims: readonly number[],
    readonly weightBits: number,
    readonly fmt: Formats,
    opts: SubnetOptions = {},
  ) {
    this.L = dims.length - 1;
    this.wFmt = weightFormat(weightBits);
    this.shifts = dims.slice(0, -1).map((fanIn, l) => preActivationShift(fanIn, l < dims.length - 2));
    this.tanh = new TanhUnit(fmt.act);
    const want = opts.kernels ?? defaultKernels();
    this.kernels = want === 'wasm' && weightBits <= 32 && wasmSupports(dims, fmt) ? 'wasm' : 'js';
    this.jsWeights = [];
    this.jsSigns = [];
    if (this.kernels === 'wasm') {
      this.fast = new WasmNet(dims, this.wFmt, fmt, this.shifts, this.tanhTable(), -4 * 2 ** fmt.act.frac);
      this.jsWeights = this.fast.weights;
      this.fast.refreshSigns();
      return;
    }
    this.fast = null;
    for (let l = 0; l < this.L; l++) {
      this.jsWeights.push(new Int32Array(dims[l]! * dims[l + 1]!));
      this.jsSigns.push(new Float64Array(dims[l]! * dims[l + 1]!).fill(1));
    }
    this.grads = this.jsWeights.map((w) => new Float64Array(w.length));
  }

  /** The tanh unit's table: its outputs for the inputs -4 .. 4 - LSB (shift 0). */
  private tanhTable(): Float64Array {
    const lo = -4 * 2 ** this.fmt.act.frac;
    const z = new Float64Array(-2 * lo);
    for (let i = 0; i < z.length; i++) z[i] = lo + i;
    this.tanh.apply(z, z, z.length, 0);
    return z;
  }

  /**
   * n-k+1-bit weights per layer (row-major rows x cols); null once frozen. With the wasm
   * kernels these are live views of the WebAssembly memory: change them through restore().
   */
  get weights(): Int32Array[] | null {
    return this.fast ? this.fast.weights : this.jsWeights;
  }

  /** Sign of every weight per layer, +1 / -1 (what multiply-accumulates use). */
  get signs(): Float64Array[] {
    return this.fast ? this.fast.signs() : this.jsSigns;
  }

  /** Uniform random weights in [-range, range] (as a fraction of the weight's full scale). */
  init(rng: Rng, range: number): void {
    const m = Math.max(1, Math.floor(range * 2 ** (this.weightBits - 1)));
    const lo = Math.max(-m, -(2 ** (this.weightBits - 1)));
    const hi = Math.min(m, 2 ** (this.weightBits - 1) - 1);
    for (let l = 0; l < this.L; l++) {
      const w = this.weights![l]!;
      for (let i = 0; i < w.length; i++) w[i] = rng.intIn(lo, hi);
      if (!this.fast) this.refreshSigns(l);
    }
    this.fast?.refreshSigns();
  }

  private refreshSigns(l: number): void {
    const w = this.jsWeights![l]!;
    const s = this.jsSigns[l]!;
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
  forward(x: Float64Array | Int16Array, B: number, logits: Float64Array): void {
    if (this.fast) {
      this.fast.forward(x, B, logits);
      return;
    }
    this.ensure(B);
    const a = this.a;
    a[0]!.set(x.subarray(0, B * this.dims[0]!));
    for (let l = 0; l < this.L; l++) {
      const I = this.dims[l]!;
      const O = this.dims[l + 1]!;
      const z = a[l + 1]!;
      signMatmul(a[l]!, this.jsSigns[l]!, z, B, I, O);
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
    if (this.fast) {
      this.fast.backwardAndUpdate(outErr, B, this.updateScale(lr, B), rounding);
      return;
    }
    const { a, e, dims, L } = this;
    e[L]!.set(outErr.subarray(0, B * dims[L]!));
    for (let l = L - 1; l >= 1; l--) {
      signMatmulT(e[l + 1]!, this.jsSigns[l]!, e[l]!, B, dims[l]!, dims[l + 1]!);
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
    const w = this.jsWeights![l]!;
    const s = this.jsSigns[l]!;
    const scale = this.updateScale(lr, B);
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

  /** Weight units per gradient unit: the learning rate in LSBs, per sample of the batch. */
  private updateScale(lr: number, B: number): number {
    return (lr * 2 ** this.wFmt.frac) / (2 ** (this.fmt.act.frac + this.fmt.err.frac) * B);
  }

  /** Binarize: keep only the signs; the weights are gone (their planes are recycled). */
  freeze(): void {
    this.fast?.freeze();
    this.jsWeights = null;
  }

  snapshot(): Int32Array[] {
    return this.weights!.map((w) => w.slice());
  }

  restore(ws: Int32Array[]): void {
    for (let l = 0; l < this.L; l++) {
      this.weights![l]!.set(ws[l]!);
      if (!this.fast) this.refreshSigns(l);
    }
    this.fast?.refreshSigns();
  }
}
