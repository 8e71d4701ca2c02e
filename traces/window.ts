/**
 * Trace windows: which accesses a trace records (SPEC section 3).
 *
 * A window spec is a list of `key=value` parts separated by `;`:
 *
 *   iterations=1,3-4;epochs=1;batches=0-2;phases=forward,update;sets=train;components=dram;banks=0-3
 *
 * Keys (a key left out selects everything):
 * - `iterations` (1-based), `epochs` (1-based; the test pass at the end of an iteration has
 *   epoch = epochs + 1), `batches` (0-based within the epoch or evaluation pass): `all`, `*`,
 *   or a comma list of `N`, `N-M` (inclusive) and `N-` (N and above).
 * - `phases`: load, forward, backward, gradient, update, evaluate.
 * - `sets`: the data the op works on: train (training batches), validation, test (evaluation passes).
 * - `components`: sram, dram.
 * - `banks`: SRAM banks (0-based); DRAM accesses are not affected.
 * The spec `all` selects every access of the run; `default` (or no spec) is DEFAULT_WINDOW.
 *
 * The default window, "one batch of each phase of each iteration", is `epochs=1;batches=0`:
 * in every iteration, the first training batch of epoch 1 (phases load, forward, backward,
 * gradient, update) and the first batch of epoch 1's validation pass (load, evaluate).
 */
import { UserError } from '../config/errors.js';
import { PHASES, type CostedOp, type DataPurpose, type Phase } from '../model/ops.js';
import type { AccessEvent, Component } from './events.js';

export const DEFAULT_WINDOW = 'epochs=1;batches=0';

/** A set of non-negative integers as sorted, disjoint, inclusive ranges (hi may be Infinity). */
export class IntSet {
  /** Flattened [lo0, hi0, lo1, hi1, ...], sorted and merged. */
  readonly ranges: readonly number[];
  readonly all: boolean;

  constructor(ranges: Array<[number, number]>) {
    const sorted = ranges.slice().sort((a, b) => a[0] - b[0]);
    const out: number[] = [];
    for (const [lo, hi] of sorted) {
      const n = out.length;
      if (n > 0 && lo <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, hi);
      else out.push(lo, hi);
    }
    this.ranges = out;
    this.all = out.length === 2 && out[0] === 0 && out[1] === Infinity;
  }

  static readonly ALL = new IntSet([[0, Infinity]]);

  has(n: number): boolean {
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) {
      if (n < r[i]!) return false;
      if (n <= r[i + 1]!) return true;
    }
    return false;
  }

  /** Whether any of lo..hi (inclusive) is in the set. */
  intersects(lo: number, hi: number): boolean {
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) {
      if (r[i]! > hi) return false;
      if (r[i + 1]! >= lo) return true;
    }
    return false;
  }

  /** Whether all of lo..hi (inclusive) are in the set. */
  covers(lo: number, hi: number): boolean {
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) if (r[i]! <= lo && hi <= r[i + 1]!) return true;
    return false;
  }

  /** The parts of lo..hi (inclusive) in the set, as inclusive ranges. */
  clip(lo: number, hi: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) {
      const a = Math.max(lo, r[i]!);
      const b = Math.min(hi, r[i + 1]!);
      if (a <= b) out.push([a, b]);
    }
    return out;
  }

  toString(): string {
    if (this.all) return 'all';
    const parts: string[] = [];
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) {
      const lo = r[i]!;
      const hi = r[i + 1]!;
      parts.push(hi === Infinity ? `${lo}-` : lo === hi ? `${lo}` : `${lo}-${hi}`);
    }
    return parts.join(',');
  }
}

export const SETS: readonly DataPurpose[] = ['train', 'validation', 'test'];
export const COMPONENTS: readonly Component[] = ['sram', 'dram'];

/** The data set an op works on: training batches are 'train', evaluation passes say theirs. */
export function opSet(op: CostedOp): DataPurpose {
  if (op.kind === 'load') return op.purpose;
  if (op.phase === 'evaluate') return (op as { purpose?: DataPurpose }).purpose ?? 'validation';
  return 'train';
}

/** A parsed window: a filter over the operation stream (whole ops) and over access events. */
export class TraceWindow {
  constructor(
    readonly iterations: IntSet,
    readonly epochs: IntSet,
    readonly batches: IntSet,
    readonly phases: ReadonlySet<Phase>,
    readonly sets: ReadonlySet<DataPurpose>,
    readonly components: ReadonlySet<Component>,
    readonly banks: IntSet,
  ) {}

  /** Whether the window contains some batch of `op` (an op with repeat r stands for batches batch..batch+r-1). */
  op(op: CostedOp): boolean {
    const w = op.where;
    return (
      this.iterations.has(w.iteration) &&
      this.epochs.has(w.epoch) &&
      this.batches.intersects(w.batch, w.batch + op.repeat - 1) &&
      this.phases.has(op.phase) &&
      this.sets.has(opSet(op))
    );
  }

  /** Whether the window keeps this access of an op it contains (components and banks). */
  event(e: AccessEvent): boolean {
    return e.component === 'dram' ? this.dram : this.sram && this.banks.has(e.bank);
  }

  get dram(): boolean {
    return this.components.has('dram');
  }
  get sram(): boolean {
    return this.components.has('sram');
  }

  /** Canonical spec (parses back to the same window). */
  toString(): string {
    const parts: string[] = [];
    if (!this.iterations.all) parts.push(`iterations=${this.iterations}`);
    if (!this.epochs.all) parts.push(`epochs=${this.epochs}`);
    if (!this.batches.all) parts.push(`batches=${this.batches}`);
    if (this.phases.size < PHASES.length) parts.push(`phases=${PHASES.filter((p) => this.phases.has(p)).join(',')}`);
    if (this.sets.size < SETS.length) parts.push(`sets=${SETS.filter((p) => this.sets.has(p)).join(',')}`);
    if (this.components.size < COMPONENTS.length)
      parts.push(`components=${COMPONENTS.filter((p) => this.components.has(p)).join(',')}`);
    if (!this.banks.all) parts.push(`banks=${this.banks}`);
    return parts.length ? parts.join(';') : 'all';
  }
}

const KEYS = ['iterations', 'epochs', 'batches', 'phases', 'sets', 'components', 'banks'] as const;
type Key = (typeof KEYS)[number];
const ALIASES: Record<string, Key> = {
  iterations: 'iterations',
  iteration: 'iterations',
  iters: 'iterations',
  iter: 'iterations',
  epochs: 'epochs',
  epoch: 'epochs',
  batches: 'batches',
  batch: 'batches',
  phases: 'phases',
  phase: 'phases',
  sets: 'sets',
  set: 'sets',
  purposes: 'sets',
  purpose: 'sets',
  components: 'components',
  component: 'components',
  banks: 'banks',
  bank: 'banks',
};
/** Smallest meaningful value of each numeric key. */
const MIN: Partial<Record<Key, number>> = { iterations: 1, epochs: 1, batches: 0, banks: 0 };

export interface WindowLimits {
  /** SRAM banks of the configured accelerator: banks beyond are rejected. */
  banks?: number;
}

/**
 * Parses a window spec (null, '' or 'default': the default window). Throws a UserError naming
 * the bad part.
 */
export function parseWindow(spec: string | null | undefined, limits: WindowLimits = {}): TraceWindow {
  const s = (spec ?? '').trim();
  if (s === '' || s === 'default') return parseWindow(DEFAULT_WINDOW, limits);
  const chosen: Partial<Record<Key, string>> = {};
  if (s !== 'all' && s !== '*') {
    for (const raw of s.split(';')) {
      const part = raw.trim();
      if (part === '') continue;
      const eq = part.indexOf('=');
      if (eq < 0) throw bad(part, `expected key=value (keys: ${KEYS.join(', ')})`);
      const name = part.slice(0, eq).trim().toLowerCase();
      const key = ALIASES[name];
      if (!key) throw bad(part, `unknown key "${name}" (keys: ${KEYS.join(', ')})`);
      if (chosen[key] !== undefined) throw bad(part, `"${key}" is given twice`);
      const value = part.slice(eq + 1).trim();
      if (value === '') throw bad(part, 'empty value (use "all" to select everything)');
      chosen[key] = value;
    }
  }
  const num = (key: 'iterations' | 'epochs' | 'batches' | 'banks'): IntSet => {
    const v = chosen[key];
    if (v === undefined) return IntSet.ALL;
    const set = parseIntSet(v, MIN[key]!, `${key}=${v}`);
    if (key === 'banks' && limits.banks !== undefined && set.ranges.length > 0) {
      const lo = set.ranges[0]!;
      if (lo >= limits.banks)
        throw bad(`${key}=${v}`, `the accelerator has ${limits.banks} SRAM banks (0-${limits.banks - 1})`);
    }
    return set;
  };
  const names = <T extends string>(key: 'phases' | 'sets' | 'components', all: readonly T[]): Set<T> => {
    const v = chosen[key];
    if (v === undefined || v === 'all' || v === '*') return new Set(all);
    const out = new Set<T>();
    for (const item of v.split(',')) {
      const x = item.trim().toLowerCase();
      if (!(all as readonly string[]).includes(x))
        throw bad(`${key}=${v}`, `"${item.trim()}" is not one of ${all.join(', ')}`);
      out.add(x as T);
    }
    return out;
  };
  return new TraceWindow(
    num('iterations'),
    num('epochs'),
    num('batches'),
    names('phases', PHASES),
    names('sets', SETS),
    names('components', COMPONENTS),
    num('banks'),
  );
}

function parseIntSet(v: string, min: number, part: string): IntSet {
  if (v === 'all' || v === '*') return IntSet.ALL;
  const ranges: Array<[number, number]> = [];
  for (const raw of v.split(',')) {
    const item = raw.trim();
    const m = /^(\d+)\s*(?:(-)\s*(\d+)?)?$/.exec(item);
    if (!m) throw bad(part, `"${item}" is not a number or range (e.g. 3, 1-4, 2-)`);
    const lo = Number(m[1]);
    const hi = m[2] ? (m[3] !== undefined ? Number(m[3]) : Infinity) : lo;
    if (!Number.isSafeInteger(lo) || (hi !== Infinity && !Number.isSafeInteger(hi)))
      throw bad(part, `"${item}" is too large`);
    if (lo < min) throw bad(part, `"${item}": numbering starts at ${min}`);
    if (hi < lo) throw bad(part, `"${item}" is an empty range`);
    ranges.push([lo, hi]);
  }
  return new IntSet(ranges);
}

function bad(part: string, why: string): UserError {
  return new UserError(`traces.window: bad part "${part}": ${why}`);
}
