/** The plain-unit reader (simpleQuantity) gives exactly what mathjs gives, for every unit it reads. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dimension } from '../../config/fields.js';
import { quantityByMathjs, simpleQuantity } from '../../config/units.js';

const UNITS: Record<Dimension, string[]> = {
  bit: [
    'b',
    'kb',
    'Mb',
    'Gb',
    'Tb',
    'Kib',
    'Mib',
    'Gib',
    'Tib',
    'B',
    'kB',
    'MB',
    'GB',
    'TB',
    'KiB',
    'MiB',
    'GiB',
    'TiB',
  ],
  J: ['J', 'kJ', 'mJ', 'uJ', 'nJ', 'pJ', 'fJ'],
  Hz: ['Hz', 'kHz', 'MHz', 'GHz'],
  s: ['s', 'ms', 'us', 'ns', 'ps'],
  W: ['W', 'kW', 'mW', 'uW', 'nW', 'pW'],
};
const fail = (why = ''): never => {
  throw new Error(`mathjs refused${why}`);
};
const byMathjs = (text: string, d: Dimension): number | string => {
  try {
    return quantityByMathjs(text, d, fail);
  } catch (e) {
    return (e as Error).message;
  }
};

describe('simpleQuantity', () => {
  it('agrees with mathjs on every plain unit (property)', () => {
    const dims = Object.keys(UNITS) as Dimension[];
    fc.assert(
      fc.property(
        fc.constantFrom(...dims).chain((d) => fc.tuple(fc.constant(d), fc.constantFrom(...UNITS[d]))),
        fc.integer({ min: 0, max: 99_999 }),
        fc.option(fc.integer({ min: 0, max: 9999 }), { nil: undefined }),
        fc.option(fc.integer({ min: -20, max: 20 }), { nil: undefined }),
        fc.constantFrom('', ' '),
        ([d, unit], whole, fraction, exponent, space) => {
          const frac = fraction !== undefined ? `.${fraction}` : '';
          const exp = exponent !== undefined ? `e${exponent}` : '';
          const text = `${whole}${frac}${exp}${space}${unit}`;
          const fast = simpleQuantity(text, d);
          if (fast !== undefined) expect(fast, text).toBe(byMathjs(text, d));
          if (d !== 'bit' || (fraction === undefined && exponent === undefined)) expect(fast, text).toBeDefined();
        },
      ),
      { numRuns: 400 },
    );
  });

  it('leaves expressions, other units and other dimensions to mathjs', () => {
    for (const [text, d] of [
      ['2 * 64 KiB', 'bit'],
      ['5 min', 's'],
      ['64 KiB', 'J'],
      ['-5 KiB', 'bit'],
      ['1.5 KiB', 'bit'],
      ['1e400 J', 'J'],
      ['1e-400 J', 'J'],
    ] as const) {
      expect(simpleQuantity(text, d), text).toBeUndefined();
    }
  });
});
