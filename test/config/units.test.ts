import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatQuantity, parseQuantity } from '../../config/units.js';
import { resolveConfig } from '../../config/load.js';
import { fieldsOf } from '../../config/validate.js';
import type { Dimension, QuantityField } from '../../config/fields.js';

// Written out here, independently of mathjs: prefix -> power of ten (SI) or of 1024 (binary).
const SI_SHORT: Record<string, number> = {
  '': 0,
  da: 1,
  h: 2,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
  Z: 21,
  Y: 24,
  d: -1,
  c: -2,
  m: -3,
  u: -6,
  n: -9,
  p: -12,
  f: -15,
  a: -18,
  z: -21,
  y: -24,
};
const SI_LONG: Record<string, number> = {
  '': 0,
  deca: 1,
  hecto: 2,
  kilo: 3,
  mega: 6,
  giga: 9,
  tera: 12,
  peta: 15,
  deci: -1,
  centi: -2,
  milli: -3,
  micro: -6,
  nano: -9,
  pico: -12,
  femto: -15,
};
const SI_BYTES: Record<string, number> = { '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
// Not Ei and above: mathjs stores 1024^6 as a rounded double, and sizes stop at 2^53 bits anyway.
const BIN_SHORT: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5 };
const BIN_LONG: Record<string, number> = { kibi: 1, mebi: 2, gibi: 3, tebi: 4, pebi: 5 };

/** A unit spelling with its exact factor to the canonical unit: 10^ten * 1024^bin * mult. */
interface UnitSpelling {
  text: string;
  ten: number;
  bin: number;
  mult: number;
}

function spellings(dimension: Dimension): UnitSpelling[] {
  const out: UnitSpelling[] = [];
  const add = (prefixes: Record<string, number>, names: string[], mult: number, binary: boolean) => {
    for (const [p, e] of Object.entries(prefixes))
      for (const n of names) out.push({ text: p + n, ten: binary ? 0 : e, bin: binary ? e : 0, mult });
  };
  const long: Record<Exclude<Dimension, 'bit'>, [string, string[]]> = {
    J: ['J', ['joule', 'joules']],
    Hz: ['Hz', ['hertz']],
    s: ['s', ['second', 'seconds']],
    W: ['W', ['watt', 'watts']],
  };
  if (dimension === 'bit') {
    add(SI_BYTES, ['b'], 1, false);
    add(SI_BYTES, ['B'], 8, false);
    add(BIN_SHORT, ['b'], 1, true);
    add(BIN_SHORT, ['B'], 8, true);
    add({ '': 0, kilo: 3, mega: 6, giga: 9 }, ['bit', 'bits'], 1, false);
    add({ '': 0, kilo: 3, mega: 6, giga: 9 }, ['byte', 'bytes'], 8, false);
    add(BIN_LONG, ['bit', 'bits'], 1, true);
    add(BIN_LONG, ['byte', 'bytes'], 8, true);
  } else {
    const [short, names] = long[dimension];
    add(SI_SHORT, [short], 1, false);
    add(SI_LONG, names, 1, false);
  }
  return out;
}

const DIMS: Dimension[] = ['bit', 'J', 'Hz', 's', 'W'];

/** A decimal number as text: `digits` with `decimals` of them after the point, optional exponent. */
const decimal = fc
  .record({
    digits: fc.bigInt({ min: 0n, max: 99_999_999n }),
    decimals: fc.integer({ min: 0, max: 4 }),
    exponent: fc.option(fc.integer({ min: -3, max: 3 }), { nil: undefined }),
  })
  .map(({ digits, decimals, exponent }) => {
    const s = digits.toString().padStart(decimals + 1, '0');
    const text = decimals ? `${s.slice(0, -decimals)}.${s.slice(-decimals)}` : s;
    return { text: exponent === undefined ? text : `${text}e${exponent}`, digits, pow10: (exponent ?? 0) - decimals };
  });

/** The exact canonical value, or null for a size that is not a whole number of bits. */
function expected(n: { digits: bigint; pow10: number }, u: UnitSpelling, dimension: Dimension): number | null {
  const p = n.pow10 + u.ten;
  if (dimension !== 'bit') return Number(`${n.digits}e${p}`); // correctly rounded, like the parser should be
  let num = n.digits * 1024n ** BigInt(u.bin) * BigInt(u.mult) * 10n ** BigInt(Math.max(p, 0));
  const den = 10n ** BigInt(Math.max(-p, 0));
  if (num % den !== 0n) return null;
  num /= den;
  return Number(num);
}

describe('parseQuantity: valid quantity strings', () => {
  for (const dimension of DIMS) {
    it(`parses every prefix and spelling of ${dimension} to the canonical value`, () => {
      fc.assert(
        fc.property(
          decimal,
          fc.constantFrom(...spellings(dimension)),
          fc.constantFrom('', ' ', '  '),
          fc.boolean(),
          (n, u, space, minus) => {
            const text = `${minus ? '-' : ''}${n.text}${space}${u.text}`;
            const want = expected(n, u, dimension);
            if (want === null) {
              expect(() => parseQuantity(text, dimension, 'f.g')).toThrow(/^f\.g: .*not a whole number of bits/);
            } else if (dimension === 'bit' && want > Number.MAX_SAFE_INTEGER) {
              expect(() => parseQuantity(text, dimension, 'f.g')).toThrow(/^f\.g: .*out of range/);
            } else {
              expect(parseQuantity(text, dimension, 'f.g')).toBe(minus && want !== 0 ? -want : want);
            }
          },
        ),
        { numRuns: 400 },
      );
    });
  }

  it('parses the examples of the documentation', () => {
    expect(parseQuantity('64 KiB', 'bit')).toBe(64 * 1024 * 8);
    expect(parseQuantity('1.5 Mb', 'bit')).toBe(1_500_000);
    expect(parseQuantity('64b', 'bit')).toBe(64);
    expect(parseQuantity('2 GiB', 'bit')).toBe(2 * 2 ** 30 * 8);
    expect(parseQuantity('8 pJ', 'J')).toBe(8e-12);
    expect(parseQuantity('1.3 nJ', 'J')).toBe(1.3e-9);
    expect(parseQuantity('100 MHz', 'Hz')).toBe(1e8);
    expect(parseQuantity('10 ns', 's')).toBe(1e-8);
    expect(parseQuantity('10 us', 's')).toBe(1e-5); // not 9.999999999999999e-6
    expect(parseQuantity('10 µs', 's')).toBe(1e-5);
    expect(parseQuantity('5 mW', 'W')).toBe(0.005);
    expect(parseQuantity('5 min', 's')).toBe(300);
    expect(parseQuantity('1 J/s', 'W')).toBe(1);
  });

  it('accepts exactly zero without a unit', () => {
    for (const d of DIMS) {
      expect(parseQuantity(0, d)).toBe(0);
      expect(parseQuantity('0', d)).toBe(0);
      expect(Object.is(parseQuantity('-0 J', 'J'), 0)).toBe(true);
    }
  });
});

describe('parseQuantity: malformed input is rejected naming the field', () => {
  const otherDimension = (d: Dimension) => fc.constantFrom(...DIMS.filter((x) => x !== d));

  it('rejects a unit of another dimension', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DIMS).chain((d) => fc.tuple(fc.constant(d), otherDimension(d))),
        decimal,
        ([d, other], n) => {
          const u = spellings(other).find(
            (s) => s.text === { bit: 'KiB', J: 'pJ', Hz: 'MHz', s: 'ns', W: 'mW' }[other],
          )!;
          const text = `${n.text} ${u.text}`;
          expect(() => parseQuantity(text, d, 'hardware.x')).toThrow(
            /^hardware\.x: expected .* with a unit such as .*\((a|an) \w+\)$/,
          );
        },
      ),
    );
  });

  it('rejects a number without a unit (except 0)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DIMS),
        fc.double({ noNaN: false }).filter((x) => x !== 0),
        fc.boolean(),
        (d, x, asText) => {
          expect(() => parseQuantity(asText ? String(x) : x, d, 'my.field')).toThrow(/^my\.field: expected /);
        },
      ),
    );
  });

  it('rejects garbage', () => {
    const garbage = fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        'KiB',
        '64 KJ',
        '64 kiB',
        '1 mb',
        'NaN J',
        'Infinity Hz',
        '-Infinity s',
        '1,5 MB',
        '1.5.3 MB',
        '64 KiB extra',
        '2 * 3',
        '(64 KiB',
        'sqrt(4) KiB',
        'import({}, {})',
        'createUnit("x")',
        '64 KiB * 2 KiB',
        'true',
        'null',
        '1e400 J',
        '1e-400 J',
        '1 b b',
        '5 cm',
        '8 pJ/bit',
        '1 bit/s',
        '64 KiB;',
      ),
      fc.string().map((s) => `#${s}`),
      fc.tuple(decimal, fc.string({ minLength: 1 })).map(([n, s]) => `${n.text} @${s}`),
    );
    const notStrings = fc.constantFrom<unknown>(
      null,
      undefined,
      true,
      [],
      ['64 KiB'],
      { value: 64, unit: 'KiB' },
      NaN,
      Infinity,
    );
    fc.assert(
      fc.property(fc.constantFrom(...DIMS), fc.oneof(garbage, notStrings), (d, input) => {
        expect(() => parseQuantity(input, d, 'some.path')).toThrow(/^some\.path: expected [^\n]*$/);
      }),
    );
  });

  it('rejects negative values of every non-negative quantity field, naming the field', () => {
    const fields = fieldsOf().filter(([, f]) => f.kind === 'quantity' && f.min === 0) as Array<[string, QuantityField]>;
    expect(fields.length).toBeGreaterThan(5);
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.integer({ min: 1, max: 10_000 }), ([path, field], n) => {
        const unit = { bit: 'KiB', J: 'pJ', Hz: 'MHz', s: 'ns', W: 'mW' }[field.dimension];
        expect(() => resolveConfig({ overrides: { [path]: `-${n} ${unit}` } })).toThrow(
          new RegExp(`^${path.replace(/\./g, '\\.')}: expected \\w+ \\w+ >?=? ?0 \\w+, got "-${n} ${unit}"$`),
        );
      }),
    );
  });
});

describe('parseQuantity: arithmetic expressions of quantities', () => {
  it('evaluates the documented examples exactly', () => {
    expect(parseQuantity('2 * 64 KiB', 'bit')).toBe(2 * 64 * 8192);
    expect(parseQuantity('64 KiB + 32 KiB', 'bit')).toBe(96 * 8192);
    expect(parseQuantity('2^10 B', 'bit')).toBe(8192);
    expect(parseQuantity('1 GHz / 4', 'Hz')).toBe(250e6);
    expect(parseQuantity('8 pJ + 0.5 pJ', 'J')).toBe(8.5e-12);
    expect(parseQuantity('3 * (10 ns)', 's')).toBe(3e-8);
    expect(parseQuantity('1 mW - 250 uW', 'W')).toBe(7.5e-4);
    expect(parseQuantity('0 * 4', 'J')).toBe(0);
  });

  it('a sum of sizes is the sum of their bits; a multiple, the multiple (property)', () => {
    fc.assert(
      fc.property(fc.nat(4096), fc.nat(4096), fc.integer({ min: 1, max: 64 }), (a, b, m) => {
        expect(parseQuantity(`${a} KiB + ${b} KiB`, 'bit')).toBe((a + b) * 8192);
        expect(parseQuantity(`${m} * ${a} B`, 'bit')).toBe(m * a * 8);
        if ((a * 8192) % m === 0) expect(parseQuantity(`${a} KiB / ${m}`, 'bit') * m).toBe(a * 8192);
        else expect(() => parseQuantity(`${a} KiB / ${m}`, 'bit')).toThrow(/not a whole number of bits/);
      }),
    );
  });

  it('rejects a result of the wrong dimension, a bare number, unknown functions, naming the field', () => {
    expect(() => parseQuantity('64 KiB * 2 KiB', 'bit', 'hardware.sram.capacity')).toThrow(
      /^hardware\.sram\.capacity: .*\(wrong unit\)$/,
    );
    expect(() => parseQuantity('2 * 64', 'bit', 'f')).toThrow(/\(a number without a unit\)$/);
    expect(() => parseQuantity('sqrt(4) KiB', 'bit', 'f')).toThrow(/\(Undefined function sqrt\)$/);
    expect(() => parseQuantity('1 GHz / 4', 'J', 'f')).toThrow(/\(a frequency\)$/);
    expect(() => parseQuantity('64 KiB / 3', 'bit', 'f')).toThrow(/not a whole number of bits/);
  });

  it('works in a configuration file and on --set', () => {
    const cfg = resolveConfig({ sets: ['hardware.sram.capacity=2 * 160 KiB', 'hardware.clock=1 GHz / 10'] });
    expect(cfg.hardware.sram.capacity).toBe(320 * 8192);
    expect(cfg.hardware.clock).toBe(100e6);
  });
});

describe('formatQuantity', () => {
  it('prints readable units', () => {
    expect(formatQuantity(64 * 1024 * 8, 'bit')).toBe('64 KiB');
    expect(formatQuantity(1536 * 8, 'bit')).toBe('1.5 KiB');
    expect(formatQuantity(12, 'bit')).toBe('12 b');
    expect(formatQuantity(1000 * 8, 'bit')).toBe('1000 B');
    expect(formatQuantity(2 * 2 ** 30 * 8, 'bit')).toBe('2 GiB');
    expect(formatQuantity(8e-12, 'J')).toBe('8 pJ');
    expect(formatQuantity(3e-14, 'J')).toBe('0.03 pJ');
    expect(formatQuantity(1.3e-9, 'J')).toBe('1.3 nJ');
    expect(formatQuantity(0.25, 'J')).toBe('250 mJ');
    expect(formatQuantity(1e8, 'Hz')).toBe('100 MHz');
    expect(formatQuantity(1.2e9, 'Hz')).toBe('1.2 GHz');
    expect(formatQuantity(1e-5, 's')).toBe('10 us');
    expect(formatQuantity(0, 's')).toBe('0 s');
    expect(formatQuantity(123456.789, 'J', 3)).toBe('123 kJ');
    expect(formatQuantity(1_280_000, 'J')).toBe('1.28 MJ'); // SI prefixes up to the largest (issue 17)
    expect(formatQuantity(1.23456e-9, 'J', 3)).toBe('1.23 nJ');
    expect(formatQuantity(9.9996e-10, 'J', 3)).toBe('1 nJ');
    for (const [v, d, text] of [
      [1e-9, 'J', '1 nJ'],
      [1e-3, 's', '1 ms'],
      [1e-6, 'W', '1 uW'],
      [1e-12, 'J', '1 pJ'],
      [1e9, 'Hz', '1 GHz'],
    ] as const) {
      expect(formatQuantity(v, d)).toBe(text);
    }
  });

  it('prints values that parse back to exactly the same number', () => {
    const value = (d: Dimension) =>
      d === 'bit' ? fc.integer({ min: 0, max: 2 ** 45 }) : fc.double({ min: 1e-16, max: 1e12, noNaN: true });
    fc.assert(
      fc.property(
        fc.constantFrom(...DIMS).chain((d) => fc.tuple(fc.constant(d), value(d))),
        ([d, v]) => {
          expect(parseQuantity(formatQuantity(v, d), d)).toBe(v);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
