/**
 * Fixed-point arithmetic of training (element-wise parts). Formats:
 * - activations and inputs: `a` bits, a-1 fraction bits (range [-1, 1));
 * - pre-activations: integer sums of activations times signs, a-1 fraction bits, saturated to
 *   the accumulator width;
 * - errors: `e` bits, e-4 fraction bits (range [-8, 8)) so that sums of output errors do not clip;
 * - trainable weights of width w: w-1 fraction bits (range [-1, 1)); only their sign is used
 *   in multiply-accumulates; updates use all w bits.
 */
import { FixedFormat, fixed, saturate } from '../model/fixed-point.js';

export interface Formats {
  act: FixedFormat;
  err: FixedFormat;
  acc: FixedFormat;
}

export function formats(activationBits: number, errorBits: number, accumulatorBits: number): Formats {
  return {
    act: fixed(activationBits, activationBits - 1),
    err: fixed(errorBits, errorBits - 4),
    acc: fixed(accumulatorBits, activationBits - 1),
  };
}

export function weightFormat(bits: number): FixedFormat {
  return fixed(bits, bits - 1);
}

/**
 * Right shift applied to a layer's pre-activation (a sum of fan-in activations times signs):
 * hidden layers feed tanh with a gain of about 8/sqrt(fan-in) (shift log2(sqrt(fan-in)) - 3),
 * the output layer feeds softmax with a gain of about 1/sqrt(fan-in). Tuned on MNIST
 * (docs/TRAINING.md): smaller gains leave tanh almost linear, larger ones saturate it.
 */
export function preActivationShift(fanIn: number, hidden: boolean): number {
  const s = Math.round(Math.log2(Math.sqrt(fanIn)));
  return Math.max(0, hidden ? s - HIDDEN_GAIN_BITS : s);
}
const HIDDEN_GAIN_BITS = 3;

/**
 * Scale from the summed output pre-activations of k sub-networks to the softmax input:
 * the a-1 fraction bits, the output layer's shift, 1/sqrt(k), and a gain. The sum is the
 * paper's (Algorithm 1); the 1/sqrt(k) temperature keeps the softmax from saturating as
 * sub-networks are added (measured in docs/TRAINING.md: with a plain sum later iterations gain
 * little, with an average the new sub-network's voice is too weak). The gain
 * (`training.outputGain`) is the output's fixed-point range: sign-bit weights and tanh
 * activations bound every logit, so the network cannot learn its own softmax temperature, and
 * the best one differs per network (docs/TRAINING.md, "Output gain").
 */
export function outputScale(act: FixedFormat, outputShift: number, k: number, gain = 1): number {
  return (gain * 2 ** -(act.frac + outputShift)) / Math.sqrt(k);
}

/**
 * Hidden activation: a tanh look-up table. Input: the pre-activation shifted right by `shift`
 * (truncation) and clipped to [-4, 4); output: tanh of it in the activation format.
 * Returns the activation; the derivative 1 - h^2 is computed from the activation alone.
 */
export class TanhUnit {
  private readonly lut: Float64Array;
  private readonly lo: number;
  private readonly hi: number;
  private readonly scale: number;

  constructor(private readonly act: FixedFormat) {
    this.scale = 2 ** act.frac;
    this.lo = -4 * this.scale;
    this.hi = 4 * this.scale - 1;
    this.lut = new Float64Array(this.hi - this.lo + 1);
    for (let v = this.lo; v <= this.hi; v++) {
      this.lut[v - this.lo] = saturate(Math.round(Math.tanh(v / this.scale) * this.scale), act);
    }
  }

  /** h = tanh(z >> shift) for a block of pre-activations (in place into `h`). */
  apply(z: Float64Array, h: Float64Array, n: number, shift: number): void {
    const div = 2 ** shift;
    const { lo, hi, lut } = this;
    for (let i = 0; i < n; i++) {
      let v = Math.floor(z[i]! / div);
      v = v < lo ? lo : v > hi ? hi : v;
      h[i] = lut[v - lo]!;
    }
  }

  /** e_in = saturate((e * (1 - h^2)) >> frac): back-propagation through tanh, in place into `e`. */
  backward(e: Float64Array, h: Float64Array, n: number, err: FixedFormat): void {
    const s = this.scale;
    for (let i = 0; i < n; i++) {
      const hv = h[i]!;
      const d = s - Math.floor((hv * hv) / s);
      e[i] = saturate(Math.floor((e[i]! * d) / s), err);
    }
  }
}

/**
 * Output error of softmax + cross-entropy: e = softmax(o * scale) - onehot(label), quantized to
 * the error format. `logits` holds the summed output pre-activations of all sub-networks.
 * The softmax unit is modelled as exact arithmetic followed by quantization.
 */
export function softmaxError(
  logits: Float64Array,
  labels: ArrayLike<number>,
  B: number,
  C: number,
  scale: number,
  err: FixedFormat,
  out: Float64Array,
): void {
  const q = 2 ** err.frac;
  for (let b = 0; b < B; b++) {
    const o = b * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) if (logits[o + c]! > max) max = logits[o + c]!;
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const ex = Math.exp((logits[o + c]! - max) * scale);
      out[o + c] = ex;
      sum += ex;
    }
    const y = labels[b]!;
    for (let c = 0; c < C; c++) {
      const p = out[o + c]! / sum - (c === y ? 1 : 0);
      out[o + c] = saturate(Math.round(p * q), err);
    }
  }
}

/** Index of the largest logit of each row (ties: the lower class). */
export function argmaxRows(logits: Float64Array, B: number, C: number, out: Int32Array): void {
  for (let b = 0; b < B; b++) {
    let best = 0;
    let bv = logits[b * C]!;
    for (let c = 1; c < C; c++) {
      const v = logits[b * C + c]!;
      if (v > bv) {
        bv = v;
        best = c;
      }
    }
    out[b] = best;
  }
}

/** Saturate every element of a block to a format (accumulator overflow). */
export function saturateAll(x: Float64Array, n: number, f: FixedFormat): void {
  const hi = 2 ** (f.bits - 1) - 1;
  const lo = -(2 ** (f.bits - 1));
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v > hi) x[i] = hi;
    else if (v < lo) x[i] = lo;
  }
}
