import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fixed, saturate, truncateBits, quantize, maxOf, minOf, signOf } from '../../model/fixed-point.js';

describe('fixed-point formats', () => {
  const w6 = fixed(6, 5);

  it('saturates on overflow to the two ends of the range', () => {
    expect(maxOf(w6)).toBe(31);
    expect(minOf(w6)).toBe(-32);
    expect(saturate(40, w6)).toBe(31);
    expect(saturate(-33, w6)).toBe(-32);
    expect(saturate(-32, w6)).toBe(-32);
    expect(saturate(7, w6)).toBe(7);
  });

  it('truncation drops LSBs like an arithmetic shift (rounds toward minus infinity)', () => {
    expect(truncateBits(13, 2)).toBe(3); // 0b1101 >> 2 = 0b11
    expect(truncateBits(-13, 2)).toBe(-4); // ...10011 >> 2 = ...100
    expect(truncateBits(-1, 4)).toBe(-1);
    expect(truncateBits(5, 0)).toBe(5);
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 30), max: 2 ** 30 }), fc.integer({ min: 0, max: 20 }), (q, s) => {
        expect(truncateBits(q, s)).toBe(q >> s);
      }),
    );
  });

  it('quantizes reals to the nearest step and saturates', () => {
    expect(quantize(0.5, w6)).toBe(16);
    expect(quantize(-1, w6)).toBe(-32);
    expect(quantize(1, w6)).toBe(31);
    expect(quantize(0.03, w6)).toBe(1); // 0.96 LSB
  });

  it('a zero weight has sign +1 (its sign bit is 0)', () => {
    expect(signOf(0)).toBe(1);
    expect(signOf(-1)).toBe(-1);
  });
});
