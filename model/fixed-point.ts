/**
 * Signed two's-complement fixed-point formats. A value q of a format with `bits` bits and
 * `frac` fraction bits stands for q / 2^frac; q lies in [-2^(bits-1), 2^(bits-1) - 1].
 * All training arithmetic is on such integers (held in JS numbers, exact below 2^53).
 */
export interface FixedFormat {
  readonly bits: number;
  readonly frac: number;
}

export function fixed(bits: number, frac: number): FixedFormat {
  if (!Number.isInteger(bits) || bits < 1 || bits > 48)
    throw new RangeError(`fixed-point width must be 1..48 bits, got ${bits}`);
  return { bits, frac };
}

export function maxOf(f: FixedFormat): number {
  return 2 ** (f.bits - 1) - 1;
}

export function minOf(f: FixedFormat): number {
  return -(2 ** (f.bits - 1));
}

/** Clamp an integer into the format's range (saturation on overflow). */
export function saturate(q: number, f: FixedFormat): number {
  const hi = maxOf(f);
  const lo = minOf(f);
  return q > hi ? hi : q < lo ? lo : q;
}

/**
 * Drop `shift` least-significant bits of an integer: truncation ("decimation") as in hardware,
 * i.e. an arithmetic shift right, which rounds toward minus infinity.
 */
export function truncateBits(q: number, shift: number): number {
  if (shift <= 0) return q * 2 ** -shift;
  return Math.floor(q / 2 ** shift);
}

/** Quantize a real value to the format: round to nearest, then saturate. */
export function quantize(x: number, f: FixedFormat): number {
  return saturate(Math.round(x * 2 ** f.frac), f);
}

/** The real value an integer of the format stands for. */
export function toReal(q: number, f: FixedFormat): number {
  return q / 2 ** f.frac;
}

/** Sign bit of a weight as +1 / -1 (zero counts as positive: its sign bit is 0). */
export function signOf(q: number): 1 | -1 {
  return q < 0 ? -1 : 1;
}
