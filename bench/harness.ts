/**
 * The benchmark harness: a benchmark is a named function returning table rows; `measure`
 * times one case (median of several runs, after warm-up runs). Register benchmarks in
 * bench/index.ts; run them with `npm run bench [-- --only name]`.
 */

export interface Row {
  /** What was timed, e.g. "rbnn-sim: parse + normalize 70k". */
  case: string;
  runs: number;
  /** Milliseconds. */
  median: number;
  min: number;
  max: number;
  /** Free text: a throughput, a ratio to a peer, why a case was skipped. */
  note?: string;
}

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<Row[]>;
}

export interface MeasureOptions {
  runs?: number;
  /** Untimed runs first (JIT warm-up, file cache). */
  warmup?: number;
  note?: string;
}

/** Times `fn` (awaited) `runs` times after `warmup` untimed runs (default 1). */
export async function measure(label: string, fn: () => unknown, opts: MeasureOptions = {}): Promise<Row> {
  const runs = opts.runs ?? 5;
  for (let i = 0; i < (opts.warmup ?? 1); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return summarize(label, times, opts.note);
}

/** A row from times measured elsewhere (e.g. by a child process). */
export function summarize(label: string, times: number[], note?: string): Row {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { case: label, runs: times.length, median, min: sorted[0]!, max: sorted[sorted.length - 1]!, note };
}

/** "3.2x faster than <peer>" (or slower), from medians. */
export function ratio(ours: Row, peer: Row, peerName: string): string {
  const r = peer.median / ours.median;
  return r >= 1 ? `${r.toFixed(1)}x faster than ${peerName}` : `${(1 / r).toFixed(1)}x slower than ${peerName}`;
}
