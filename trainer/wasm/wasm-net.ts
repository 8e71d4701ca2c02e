/**
 * The fast path of a sub-network: its weights, signs and per-batch buffers live in the
 * WebAssembly memory, and the kernels of trainer/wasm/kernels-wat.ts run the multiply-
 * accumulates, the element-wise steps and the fused gradient + weight update. Bit-identical to
 * the plain TypeScript path of trainer/subnet.ts (test/trainer/kernels.test.ts).
 *
 * Layouts (see kernels-wat.ts): every width is padded to a multiple of 4 (Dp); level j of the
 * network (j = 0: inputs, L: outputs) has per batch
 *   act[j]  int16 rows x Dp_j       activations (inputs), row-major
 *   actT[j] int16 Dp_j x rowsCap    the same, transposed (left operand of the gradient)
 *   out[j]  int32 rows x Dp_j       pre-activations (forward) or back-propagated sums
 *   err[j]  int16 rows x Dp_j       errors, row-major
 *   err2[j] int16 rowsCap/2 x 2Dp_j errors, sample pairs interleaved (right operand of the gradient)
 * and layer l (Dp_l -> Dp_l+1) has W (int32, rows x O, public view), S2 (signs, pairs of rows)
 * and, for l >= 1, ST2 (signs, pairs of columns, for the backward pass).
 */
import type { FixedFormat } from '../../model/fixed-point.js';
import type { Formats } from '../arith.js';
import { MB } from './kernels-wat.js';
import { wasmRuntime, type WasmRuntime } from './runtime.js';

export type RoundingMode = 'floor' | 'toward-zero' | 'nearest';

const pad4 = (n: number): number => Math.ceil(n / 4) * 4;
const roundRows = (n: number): number => Math.ceil(n / MB) * MB;
/** Work (multiply-accumulates) above which a kernel call is split over two threads. */
const SPLIT_MACS = 1 << 20;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

interface Region {
  off: number;
  bytes: number;
}

const registry = new FinalizationRegistry<{ rt: WasmRuntime; regions: Region[] }>(({ rt, regions }) => {
  for (const r of regions) rt.release(r.off, r.bytes);
});

/**
 * Whether the fast path reproduces the reference exactly for these formats: activations and
 * errors must fit int16, and the int32 lanes of the forward and backward sums cannot overflow.
 */
export function wasmSupports(dims: readonly number[], fmt: Formats): boolean {
  if (fmt.act.bits > 16 || fmt.err.bits > 16) return false;
  if (!wasmAvailable()) return false;
  if (gradChunk(fmt) < 1) return false;
  const maxIn = Math.max(...dims.slice(0, -1));
  const maxOut = Math.max(...dims.slice(1));
  return maxIn * 2 ** (fmt.act.bits - 1) <= INT32_MAX && maxOut * 2 ** (fmt.err.bits - 1) <= INT32_MAX;
}

let available: boolean | undefined;

/** Whether this JavaScript engine runs the kernels (WebAssembly SIMD, shared memory). */
export function wasmAvailable(): boolean {
  if (available === undefined) {
    try {
      wasmRuntime();
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

/** Sample pairs whose products (|a| |e| <= 2^(a+e-2), two per pair) sum exactly in int32. */
function gradChunk(fmt: Formats): number {
  return Math.floor(INT32_MAX / 2 ** (fmt.act.bits + fmt.err.bits - 1));
}

export class WasmNet {
  private readonly rt: WasmRuntime;
  private readonly L: number;
  private readonly dp: number[];
  private readonly regions: Region[] = [];
  private readonly W: number[] = [];
  private readonly S2: number[] = [];
  private readonly ST2: number[] = [];
  private wViews: Int32Array[] | null = [];
  private readonly lut: number;
  private readonly lutLen: number;
  private readonly scratch: [number, number];
  /** Pairs of input columns not zero in the current batch (layer 0 skips the others). */
  private readonly pairList: number;
  private readonly pairMask: number;
  private activePairs = 0;
  // Batch buffers.
  private cap = 0;
  private rowsCap = 0;
  private act: number[] = [];
  private actT: number[] = [];
  private out: number[] = [];
  private err: number[] = [];
  private err2: number[] = [];
  private batchRegions: Region[] = [];
  // Views of the batch buffers the TypeScript side reads or writes (made once per capacity).
  private inView: Int16Array = new Int16Array(0);
  private logitView: Int32Array = new Int32Array(0);
  private errView: Int16Array = new Int16Array(0);
  private err2Views: Int16Array[] = [];
  private signCache: Float64Array[] | null = null;

  constructor(
    private readonly dims: readonly number[],
    private readonly wFmt: FixedFormat,
    private readonly fmt: Formats,
    private readonly shifts: readonly number[],
    /** The tanh look-up table (inputs lutLo, lutLo + 1, ...), values in the activation format. */
    lutValues: Float64Array,
    private readonly lutLo: number,
  ) {
    this.rt = wasmRuntime();
    this.L = dims.length - 1;
    this.dp = dims.map(pad4);
    for (let l = 0; l < this.L; l++) {
      const I = dims[l]!;
      const O = dims[l + 1]!;
      this.W.push(this.region(this.dp[l]! * O * 4 + 16));
      this.wViews!.push(this.rt.i32(this.W[l]!, I * O));
      this.S2.push(this.region(this.dp[l]! * this.dp[l + 1]! * 2));
      this.ST2.push(l >= 1 ? this.region(this.dp[l]! * this.dp[l + 1]! * 2) : 0);
    }
    this.lutLen = lutValues.length;
    this.lut = this.region(lutValues.length * 2);
    this.rt.i16(this.lut, lutValues.length).set(lutValues);
    const scr = 2 * MB * 8 * 4 * 8; // MB x NV(<= 8) vectors of 4 float64
    this.scratch = [this.region(scr), this.region(scr)];
    this.pairList = this.region(this.dp[0]! * 2);
    this.pairMask = this.region(this.dp[0]! * 2 + 32);
    registry.register(this, { rt: this.rt, regions: this.regions });
  }

  private region(bytes: number, list: Region[] = this.regions): number {
    const off = this.rt.alloc(bytes);
    list.push({ off, bytes });
    return off;
  }

  /** Live views of the weights (row-major rows x cols), null once frozen. */
  get weights(): Int32Array[] | null {
    return this.wViews;
  }

  /** Signs (+1 / -1, row-major) read back from the forward sign layout. */
  signs(): Float64Array[] {
    if (this.signCache) return this.signCache;
    const out: Float64Array[] = [];
    for (let l = 0; l < this.L; l++) {
      const I = this.dims[l]!;
      const O = this.dims[l + 1]!;
      const row = this.dp[l + 1]! * 2;
      const s2 = this.rt.i16(this.S2[l]!, (this.dp[l]! / 2) * row);
      const s = new Float64Array(I * O);
      for (let i = 0; i < I; i++) for (let o = 0; o < O; o++) s[i * O + o] = s2[(i >> 1) * row + o * 2 + (i & 1)]!;
      out.push(s);
    }
    this.signCache = out;
    return out;
  }

  /** Recomputes S2 / ST2 from the weights (after init or restore). */
  refreshSigns(): void {
    for (let l = 0; l < this.L; l++) {
      const I = this.dims[l]!;
      const O = this.dims[l + 1]!;
      const w = this.wViews![l]!;
      const row = this.dp[l + 1]! * 2;
      const rowT = this.dp[l]! * 2;
      const s2 = this.rt.i16(this.S2[l]!, (this.dp[l]! / 2) * row);
      const st2 = l >= 1 ? this.rt.i16(this.ST2[l]!, (this.dp[l + 1]! / 2) * rowT) : null;
      for (let i = 0; i < I; i++) {
        for (let o = 0; o < O; o++) {
          const s = w[i * O + o]! < 0 ? -1 : 1;
          s2[(i >> 1) * row + o * 2 + (i & 1)] = s;
          if (st2) st2[(o >> 1) * rowT + i * 2 + (o & 1)] = s;
        }
      }
    }
    this.signCache = null;
  }

  /** Frees the weights (the signs stay for forward passes). */
  freeze(): void {
    this.signs();
    this.wViews = null;
  }

  private ensure(B: number): void {
    if (B <= this.cap) return;
    for (const r of this.batchRegions) {
      this.rt.release(r.off, r.bytes);
      this.regions.splice(this.regions.indexOf(r), 1);
    }
    this.batchRegions = [];
    const rows = roundRows(B);
    const list = this.batchRegions;
    const add = (bytes: number): number => {
      const off = this.region(bytes, list);
      this.regions.push(list[list.length - 1]!);
      return off;
    };
    this.act = this.dp.map((d) => add(rows * d * 2 + 16));
    this.actT = this.dp.map((d) => add(d * rows * 2));
    this.out = this.dp.map((d) => add(rows * d * 4));
    this.err = this.dp.map((d) => add(rows * d * 2));
    this.err2 = this.dp.map((d) => add(rows * d * 2));
    this.cap = B;
    this.rowsCap = rows;
    const L = this.L;
    this.inView = this.rt.i16(this.act[0]!, rows * this.dp[0]!);
    this.logitView = this.rt.i32(this.out[L]!, rows * this.dp[L]!);
    this.errView = this.rt.i16(this.err[L]!, rows * this.dp[L]!);
    this.err2Views = this.dp.map((d, j) => this.rt.i16(this.err2[j]!, rows * d));
  }

  /**
   * Forward pass: x (B x inputs, integers of the activation format) -> output pre-activations
   * added into logits.
   */
  forward(x: Float64Array | Int16Array, B: number, logits: Float64Array): void {
    this.ensure(B);
    const { rt, dims, dp, L } = this;
    const I0 = dims[0]!;
    const a0 = this.inView;
    if (x instanceof Int16Array && dp[0] === I0) {
      a0.set(x.subarray(0, B * I0));
    } else {
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < I0; i++) {
          const v = x[b * I0 + i]!;
          if (!(v >= -32768 && v <= 32767 && Number.isInteger(v)))
            throw new RangeError(`input ${v} is not an int16 fixed-point value`);
          a0[b * dp[0]! + i] = v;
        }
      }
    }
    const M = roundRows(B);
    const acc = this.fmt.acc;
    const accLo = acc.bits >= 32 ? INT32_MIN : -(2 ** (acc.bits - 1));
    const accHi = acc.bits >= 32 ? INT32_MAX : 2 ** (acc.bits - 1) - 1;
    for (let l = 0; l < L; l++) {
      const I = dims[l]!;
      const O = dims[l + 1]!;
      const Ip = dp[l]!;
      const Op = dp[l + 1]!;
      // Layer 0 sums only over the pairs of inputs that are not zero in the whole batch
      // (about 30 % of MNIST's are, at batch 100): the same sums, less work.
      if (l === 0) this.activePairs = rt.k.active_pairs(this.act[0]!, Ip * 2, B, Ip / 2, this.pairMask, this.pairList);
      const k2 = l === 0 ? this.activePairs : Math.ceil(I / 2);
      const idx = l === 0 ? this.pairList : 0;
      const V = Op / 4;
      const a = this.act[l]!;
      const c = this.out[l + 1]!;
      if (rt.parallel && V >= 2 && M * 2 * k2 * Op >= SPLIT_MACS) {
        const vm = V >> 1;
        rt.split(
          'mm',
          [a, Ip * 2, this.S2[l]!, Op * 4, c, Op * 4, M, k2, 0, vm, idx],
          [a, Ip * 2, this.S2[l]!, Op * 4, c, Op * 4, M, k2, vm, V, idx],
        );
      } else {
        rt.k.mm(a, Ip * 2, this.S2[l]!, Op * 4, c, Op * 4, M, k2, 0, V, idx);
      }
      if (l < L - 1) {
        rt.k.tanh_fwd(
          this.out[l + 1]!,
          Op * 4,
          B,
          O,
          accLo,
          accHi,
          this.shifts[l]!,
          this.lut,
          this.lutLo,
          this.lutLo + this.lutLen - 1,
          this.act[l + 1]!,
          Op * 2,
          this.actT[l + 1]!,
          this.rowsCap * 2,
        );
      } else {
        const z = this.logitView;
        for (let b = 0; b < B; b++) {
          for (let o = 0; o < O; o++) {
            const v = z[b * Op + o]!;
            logits[b * O + o]! += v < accLo ? accLo : v > accHi ? accHi : v;
          }
        }
      }
    }
  }

  /**
   * Backward pass and fused gradient + update of every layer, for the errors of the last
   * forward pass; `scale` is the reference's lr * 2^wfrac / (2^(afrac+efrac) * B).
   */
  backwardAndUpdate(outErr: Float64Array, B: number, scale: number, rounding: RoundingMode): void {
    const { rt, dims, dp, L, fmt } = this;
    const rows = this.rowsCap;
    const M = roundRows(B);
    const C = dims[L]!;
    const Cp = dp[L]!;
    // Output errors: row-major and sample-pair interleaved.
    const eL = this.errView;
    const e2L = this.err2Views[L]!;
    if (B & 1) e2L.fill(0, (B >> 1) * Cp * 2, ((B >> 1) + 1) * Cp * 2);
    for (let b = 0; b < B; b++) {
      const p = (b >> 1) * Cp * 2 + (b & 1);
      for (let o = 0; o < C; o++) {
        const v = outErr[b * C + o]!;
        eL[b * Cp + o] = v;
        e2L[p + o * 2] = v;
      }
    }
    const eLo = -(2 ** (fmt.err.bits - 1));
    const eHi = 2 ** (fmt.err.bits - 1) - 1;
    for (let l = L - 1; l >= 1; l--) {
      const Ip = dp[l]!;
      const Op = dp[l + 1]!;
      rt.k.mm(this.err[l + 1]!, Op * 2, this.ST2[l]!, Ip * 4, this.out[l]!, Ip * 4, M, Op / 2, 0, Ip / 4, 0);
      if (B & 1) this.err2Views[l]!.fill(0, (B >> 1) * Ip * 2, ((B >> 1) + 1) * Ip * 2);
      rt.k.tanh_bwd(
        this.out[l]!,
        Ip * 4,
        this.act[l]!,
        Ip * 2,
        B,
        dims[l]!,
        fmt.act.frac,
        eLo,
        eHi,
        this.err[l]!,
        Ip * 2,
        this.err2[l]!,
        Ip * 4,
      );
    }
    // Layer 0's gradient rows: only the active input pairs (the others have zero gradients).
    rt.k.gather_pairs_t(this.act[0]!, dp[0]! * 2, B, this.pairList, this.activePairs, this.actT[0]!, rows * 2);
    const mode = rounding === 'floor' ? 0 : rounding === 'toward-zero' ? 1 : 2;
    const accLo = -(2 ** (fmt.acc.bits - 1));
    const accHi = 2 ** (fmt.acc.bits - 1) - 1;
    const wLo = -(2 ** (this.wFmt.bits - 1));
    const wHi = 2 ** (this.wFmt.bits - 1) - 1;
    const k2 = Math.ceil(B / 2);
    const chunk = gradChunk(fmt);
    for (let l = 0; l < L; l++) {
      const O = dims[l + 1]!;
      const Ip = dp[l]!;
      const Op = dp[l + 1]!;
      const V = Op / 4;
      const R = l === 0 ? 2 * this.activePairs : Ip;
      const idx = l === 0 ? this.pairList : 0;
      const head = [this.actT[l]!, rows * 2, this.err2[l + 1]!, Op * 4, k2, chunk];
      const tail = [this.W[l]!, O * 4, O, this.S2[l]!, Op * 4, this.ST2[l]!, Ip * 4];
      if (rt.parallel && R >= 2 * MB && R * B * Op >= SPLIT_MACS) {
        const rm = roundRows(R / 2);
        rt.split(
          'grad_update',
          [...head, 0, rm, 0, V, ...tail, this.scratch[0], mode, accLo, accHi, scale, wLo, wHi, idx],
          [...head, rm, R, 0, V, ...tail, this.scratch[1], mode, accLo, accHi, scale, wLo, wHi, idx],
        );
      } else {
        (rt.k.grad_update as (...a: number[]) => void)(
          ...head,
          0,
          R,
          0,
          V,
          ...tail,
          this.scratch[0],
          mode,
          accLo,
          accHi,
          scale,
          wLo,
          wHi,
          idx,
        );
      }
    }
    this.signCache = null;
  }
}
