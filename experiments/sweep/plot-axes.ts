/**
 * Axes that cope with any data: zero, negative, constant, tiny (1e-300) and huge (1e300)
 * values. A log axis only shows positive values from 1e-290 to 1e290 (the others are left out of that plot
 * and said in its subtitle); its domain never overflows; its ticks are at most about a dozen,
 * whatever the span (a span of 600 decades gets a tick every 50 decades, not 1,800 ticks).
 */

const MAX_TICKS = 12;

/**
 * What a log axis can show: positive values within 1e-290..1e290 (vega computes with the domain,
 * and a domain near the largest double overflows to Infinity inside it).
 */
const LOG_MIN = 1e-290;
const LOG_MAX = 1e290;
export function isLogPlottable(x: number): boolean {
  return Number.isFinite(x) && x >= LOG_MIN && x <= LOG_MAX;
}

/** [min, max] of values (which must be non-empty and finite). */
export function extent(xs: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

/** Domain of a log axis over positive finite `xs` with room on both sides, clamped to finite numbers. */
export function logDomain(xs: readonly number[], pad = 1.25): [number, number] {
  const [lo, hi] = extent(xs.filter(isLogPlottable));
  if (!(lo <= hi)) return [1, 10]; // nothing to show: any valid domain
  const low = Math.max(lo / pad, LOG_MIN / 10);
  const high = Math.min(hi * pad, LOG_MAX * 10);
  return [low, high];
}

/** Ticks for a log axis over [lo, hi]: powers of two (sizes) or 1-2-5 decades, at most about MAX_TICKS. */
export function logTicks(lo: number, hi: number, base2: boolean): number[] {
  if (!isLogPlottable(lo) || !isLogPlottable(hi) || lo > hi) return [];
  const out: number[] = [];
  if (base2) {
    const first = Math.floor(Math.log2(lo));
    const last = Math.ceil(Math.log2(hi));
    const step = Math.max(1, Math.ceil((last - first + 1) / MAX_TICKS));
    for (let e = first; e <= last; e += step) {
      const x = 2 ** e;
      if (x >= lo * 0.9999 && x <= hi * 1.0001) out.push(x);
    }
    return out;
  }
  const first = Math.floor(Math.log10(lo));
  const last = Math.ceil(Math.log10(hi));
  const decades = last - first + 1;
  const mantissas = decades * 3 <= MAX_TICKS ? [1, 2, 5] : [1];
  const step = Math.max(1, Math.ceil(decades / MAX_TICKS));
  for (let d = first; d <= last; d += step) {
    for (const m of mantissas) {
      const x = Number(`${m}e${d}`);
      if (x >= lo * 0.9999 && x <= hi * 1.0001) out.push(x);
    }
  }
  return out;
}

/** The subtitle note for values a log axis leaves out ("" when none). */
export function leftOutNote(all: number, shown: number, what: string): string {
  const n = all - shown;
  return n > 0 ? `; ${n} point${n === 1 ? '' : 's'} with ${what} of 0, negative or not finite not drawn` : '';
}
