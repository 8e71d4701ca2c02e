/**
 * Physical quantities in configurations: parsing unit strings ("64 KiB", "8 pJ", "100 MHz",
 * "10 ns") into canonical numbers, and printing canonical numbers back with a readable unit.
 *
 * Canonical units: bits, joules, hertz, seconds, watts. Bytes count 8 bits. Any unit mathjs
 * knows is accepted when its dimension matches ("5 min", "1 kWh", "J/s" for watts); `b`/`bit`
 * is a bit and `B`/`byte` a byte, with SI (k, M, G) or binary (Ki, Mi, Gi) prefixes.
 *
 * A value may be an arithmetic expression of quantities ("2 * 64 KiB", "1 GHz / 4",
 * "8 pJ + 0.5 pJ"): + - * / ^ and parentheses, evaluated by mathjs in decimal arithmetic.
 *
 * A value must carry its unit: a plain number is rejected because "64" could mean bits or
 * bytes, pJ or nJ. The one exception is exactly 0 (number or "0"), which is 0 in any unit.
 * Sizes must come out as a whole number of bits, at most 2^53 bits (1 PiB) so they stay exact.
 */
import { createRequire } from 'node:module';
import type { ConfigOptions, FunctionNode, MathJsInstance, MathNode, SymbolNode, Unit } from 'mathjs';
import type { Dimension } from './fields.js';
import { UserError } from './errors.js';

// mathjs from its prebuilt single-file bundle, loaded on first use: it loads in about a tenth of
// the time of the module tree `import 'mathjs'` walks, and "<number> <unit>" with a plain unit
// (most values) is read without it (simpleQuantity). docs/PERFORMANCE.md, start-up.
let mathInstance: MathJsInstance | undefined;
let references: Map<Dimension, Unit> | undefined;

// A private mathjs instance with decimal arithmetic: "10 us" becomes exactly 1e-5 s instead of
// 9.999999999999999e-6 (binary floating point multiplies 10 by an inexact 1e-6).
function mathjs(): MathJsInstance {
  if (!mathInstance) {
    const bundle = createRequire(import.meta.url)('mathjs/lib/browser/math.js') as MathJsInstance & {
      create(config: ConfigOptions): MathJsInstance;
    };
    mathInstance = bundle.create({ number: 'BigNumber', precision: 64 });
  }
  return mathInstance;
}

/** The canonical unit of each dimension, as a mathjs Unit. */
function reference(d: Dimension): Unit {
  references ??= new Map(DIMENSION_KEYS.map((k) => [k, mathjs().unit(DIMENSIONS[k].canonical) as Unit]));
  return references.get(d)!;
}

// Only arithmetic on quantities: "2 * 64 KiB", "1 GHz / 4", "8 pJ + 0.5 pJ", "2^10 B". An
// expression is checked before it is evaluated: symbols must be units and the only functions
// are the arithmetic ones, so a config cannot call import(), createUnit() or anything else.
const FUNCTIONS = new Set(['unit', 'add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus']);

function checkArithmetic(math: MathJsInstance, node: MathNode): void {
  node.traverse((n) => {
    if (n.type === 'FunctionNode') {
      const fn = (n as FunctionNode).fn as MathNode;
      const name = fn.type === 'SymbolNode' ? (fn as SymbolNode).name : fn.toString();
      if (!FUNCTIONS.has(name)) throw new Error(`Undefined function ${name}`);
    } else if (n.type === 'SymbolNode') {
      const name = (n as SymbolNode).name;
      if (!FUNCTIONS.has(name) && !math.Unit.isValuelessUnit(name)) throw new Error(`Undefined symbol ${name}`);
    }
  });
}

interface DimensionInfo {
  /** What a value of this dimension is called in messages ("a size"). */
  noun: string;
  /** An example written with a unit, used in messages. */
  example: string;
  /** mathjs name of the canonical unit. */
  canonical: string;
}

export const DIMENSIONS: Readonly<Record<Dimension, DimensionInfo>> = {
  bit: { noun: 'a size', example: '64 KiB', canonical: 'bit' },
  J: { noun: 'an energy', example: '8 pJ', canonical: 'J' },
  Hz: { noun: 'a frequency', example: '100 MHz', canonical: 'Hz' },
  s: { noun: 'a time', example: '10 ns', canonical: 's' },
  W: { noun: 'a power', example: '5 mW', canonical: 'W' },
};

const DIMENSION_KEYS = Object.keys(DIMENSIONS) as Dimension[];

/** Plain units by dimension: [power of ten, power of two] of one unit in the canonical unit. */
const SIMPLE_UNITS: Readonly<Record<Dimension, Readonly<Record<string, readonly [number, number]>>>> = {
  bit: {
    b: [0, 0],
    kb: [3, 0],
    Mb: [6, 0],
    Gb: [9, 0],
    Tb: [12, 0],
    Kib: [0, 10],
    Mib: [0, 20],
    Gib: [0, 30],
    Tib: [0, 40],
    B: [0, 3],
    kB: [3, 3],
    MB: [6, 3],
    GB: [9, 3],
    TB: [12, 3],
    KiB: [0, 13],
    MiB: [0, 23],
    GiB: [0, 33],
    TiB: [0, 43],
  },
  J: { J: [0, 0], kJ: [3, 0], mJ: [-3, 0], uJ: [-6, 0], nJ: [-9, 0], pJ: [-12, 0], fJ: [-15, 0] },
  Hz: { Hz: [0, 0], kHz: [3, 0], MHz: [6, 0], GHz: [9, 0] },
  s: { s: [0, 0], ms: [-3, 0], us: [-6, 0], ns: [-9, 0], ps: [-12, 0] },
  W: { W: [0, 0], kW: [3, 0], mW: [-3, 0], uW: [-6, 0], nW: [-9, 0], pW: [-12, 0] },
};

/**
 * "64 KiB", "8 pJ", "1.5e3 MHz": a non-negative decimal and one plain unit of `dimension`, read
 * without mathjs; the same number mathjs gives (a decimal string rounds once to the nearest
 * double, and powers of two scale exactly). Sizes take whole numbers only, so they stay exact.
 * Anything else (expressions, other units, other dimensions, edge cases): undefined.
 */
export function simpleQuantity(text: string, dimension: Dimension): number | undefined {
  const m = /^\s*(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?\s*([A-Za-z]+)\s*$/.exec(text);
  if (!m) return undefined;
  const scale = SIMPLE_UNITS[dimension][m[4]!];
  if (!scale) return undefined;
  const [, whole, fraction, exponent] = m;
  if (dimension === 'bit' && (fraction !== undefined || exponent !== undefined)) return undefined;
  const value =
    Number(`${whole}${fraction !== undefined ? `.${fraction}` : ''}e${Number(exponent ?? 0) + scale[0]}`) *
    2 ** scale[1];
  if (!Number.isFinite(value) || (value === 0 && /[1-9]/.test(`${whole}${fraction ?? ''}`))) return undefined;
  if (dimension === 'bit' && !Number.isSafeInteger(value)) return undefined;
  return value;
}

/** "expected a size with a unit such as "64 KiB"" */
export function expectedQuantity(dimension: Dimension): string {
  const info = DIMENSIONS[dimension];
  return `${info.noun} with a unit such as "${info.example}"`;
}

/**
 * Parses `input` (as found in a config file or on the command line) as a quantity of
 * `dimension` and returns its canonical value. Throws a one-line UserError starting with
 * `field` when the input is not such a quantity. Range checks (e.g. non-negative) are the
 * caller's job: this accepts "-5 KiB".
 */
export function parseQuantity(input: unknown, dimension: Dimension, field = 'value'): number {
  const fail = (why = ''): never => {
    throw new UserError(`${field}: expected ${expectedQuantity(dimension)}, got ${show(input)}${why}`);
  };
  if (input === 0 || (typeof input === 'string' && input.trim() === '0')) return 0;
  if (typeof input === 'number') fail(' (a number without a unit)');
  if (typeof input !== 'string') fail();
  const text = (input as string).replace(/[\u00b5\u03bc]/g, 'u'); // micro sign: "µJ" -> "uJ"
  const simple = simpleQuantity(text, dimension);
  if (simple !== undefined) return simple;
  return quantityByMathjs(text, dimension, fail);
}

/** parseQuantity through mathjs: expressions, any unit mathjs knows, every error message. */
export function quantityByMathjs(text: string, dimension: Dimension, fail: (why?: string) => never): number {
  const math = mathjs();
  let unit: Unit | 0;
  try {
    unit = math.unit(text) as Unit;
  } catch {
    unit = evaluateExpression(math, text, fail);
  }
  if (unit === 0) return 0;
  if (unit.value === null) fail(' (no number)');
  if (!unit.equalBase(reference(dimension))) {
    const other = DIMENSION_KEYS.find((d) => unit.equalBase(reference(d)));
    fail(other ? ` (${DIMENSIONS[other].noun})` : ' (wrong unit)');
  }
  const exact = unit.toNumeric(DIMENSIONS[dimension].canonical) as unknown as {
    isZero(): boolean;
    isInteger(): boolean;
  };
  const value = Number(exact);
  if (!Number.isFinite(value) || (value === 0 && !exact.isZero())) fail(' (out of range)');
  if (dimension === 'bit' && !exact.isInteger()) fail(' (not a whole number of bits)');
  if (dimension === 'bit' && !Number.isSafeInteger(value))
    fail(' (out of range: sizes must be below 1 PiB = 2^53 bits)');
  return value === 0 ? 0 : value; // no -0
}

/**
 * An arithmetic expression of quantities ("2 * 64 KiB"), or 0 for one that comes to a plain
 * zero ("0 * 4"); `fail` says why it is neither.
 */
function evaluateExpression(math: MathJsInstance, text: string, fail: (why?: string) => never): Unit | 0 {
  let value: unknown;
  try {
    const node = math.parse(text);
    checkArithmetic(math, node);
    value = node.evaluate();
  } catch (e) {
    return fail(` (${(e as Error).message.split('\n')[0]})`);
  }
  if (math.isUnit(value)) return value;
  if (math.isBigNumber(value)) return value.isZero() ? 0 : fail(' (a number without a unit)');
  return fail();
}

// Prefixes used for printing, largest first: the largest whose scale fits the value is used,
// up to exa (1280000 J prints as "1.28 MJ"), down to the units the docs use (pJ, nW, ns).
const SI: Array<[string, number]> = [
  ['E', 18],
  ['P', 15],
  ['T', 12],
  ['G', 9],
  ['M', 6],
  ['k', 3],
  ['', 0],
  ['m', -3],
  ['u', -6],
  ['n', -9],
  ['p', -12],
  ['f', -15],
  ['a', -18],
];
const prefixed = (unit: string, from: number, to: number): Array<[string, number]> =>
  SI.filter(([, e]) => e <= from && e >= to).map(([p, e]) => [`${p}${unit}`, e]);
const PRINT_SCALES: Record<Exclude<Dimension, 'bit'>, Array<[string, number]>> = {
  J: prefixed('J', 18, -12),
  Hz: prefixed('Hz', 18, 0),
  s: prefixed('s', 0, -9),
  W: prefixed('W', 18, -9),
};
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * Prints a canonical value with a readable unit: bits as B/KiB/MiB/GiB when they make whole
 * bytes (else "b"), energies pJ..EJ, powers nW..EW, frequencies Hz..EHz, times ns..s.
 * Without `digits` the output parses back to exactly `value`; with it, the number is rounded
 * to that many significant digits (for reports).
 */
export function formatQuantity(value: number, dimension: Dimension, digits?: number): string {
  if (!Number.isFinite(value)) return `${value} ${dimension === 'bit' ? 'b' : dimension}`;
  if (dimension === 'bit') return formatBits(value, digits);
  if (value === 0) return `0 ${dimension}`;
  const v = digits === undefined ? value : Number(value.toPrecision(digits)); // round first: 999.96 pJ -> 1 nJ
  const scales = PRINT_SCALES[dimension];
  const [name, exponent] = scales.find(([, e]) => Math.abs(v) >= Number(`1e${e}`)) ?? scales[scales.length - 1]!;
  return `${shiftDecimal(v, -exponent)} ${name}`;
}

function formatBits(bits: number, digits?: number): string {
  if (!Number.isInteger(bits) || bits % 8 !== 0) return `${formatNumber(bits, digits)} b`;
  const bytes = bits / 8;
  // Largest binary prefix that still prints the value with at most 3 decimals, exactly.
  for (let k = BYTE_UNITS.length - 1; k > 0; k--) {
    const scaled = bytes / 1024 ** k;
    if (Math.abs(scaled) >= 1 && (digits !== undefined || Number.isInteger(scaled * 1000))) {
      return `${formatNumber(scaled, digits)} ${BYTE_UNITS[k]}`;
    }
  }
  return `${formatNumber(bytes, digits)} B`;
}

/**
 * value * 10^shift as decimal text, shifting the digits of the shortest representation of
 * `value` (so 8e-12 J prints as "8" pJ, not 7.999...) and parsing back to exactly `value`.
 */
function shiftDecimal(value: number, shift: number): string {
  const [mantissa, exp] = value.toExponential().split('e') as [string, string];
  const sign = mantissa.startsWith('-') ? '-' : '';
  const ds = mantissa.replace(/^-/, '').replace('.', '');
  const point = Number(exp) + shift + 1; // digits before the decimal point
  if (point < -6 || point > 21) return `${mantissa}e${Number(exp) + shift}`;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${ds}`;
  if (point >= ds.length) return `${sign}${ds}${'0'.repeat(point - ds.length)}`;
  return `${sign}${ds.slice(0, point)}.${ds.slice(point)}`;
}

function formatNumber(x: number, digits?: number): string {
  return String(digits === undefined ? x : Number(x.toPrecision(digits)));
}

/** A user value as it should appear in a message: strings quoted, long values cut. */
export function show(value: unknown): string {
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(value);
  else if (value === undefined) s = 'nothing';
  else if (typeof value === 'number' || typeof value === 'boolean' || value === null) s = String(value);
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = String(value);
    }
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
