/**
 * The benchmark harness: a benchmark is a named function returning table rows; `measure` and
 * `compare` time cases (median of several runs, after a warm-up run). Register benchmarks in
 * bench/index.ts; run them with `npm run bench [-- --only name]`.
 *
 * Each run records wall time and CPU time (user + system of this process). On a shared
 * machine the wall time includes waiting for a core; the CPU time does not.
 */

export interface Row {
  /** What was timed, e.g. "rbnn-sim: parse + normalize 70k". */
  case: string;
  runs: number;
  /** Wall-clock milliseconds: median, fastest, slowest. */
  median: number;
  min: number;
  max: number;
  /** Median CPU milliseconds (user + system), when known. */
  cpu?: number;
  /** Free text: a throughput, a ratio to a peer, why a case was skipped. */
  note?: string;
}

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<Row[]>;
}

/** Times of one run, in milliseconds. */
export interface Timing {
  wall: number;
  cpu?: number;
}

export interface Case {
  label: string;
  /** The work to time; or, for work timed elsewhere (a child process), `timed` returns its timing (or wall ms). */
  run?: () => unknown;
  timed?: () => Timing | number;
}

/** Times `fn` (awaited) `runs` times after `warmup` untimed runs (default 1). */
export async function measure(
  label: string,
  fn: () => unknown,
  opts: { runs?: number; warmup?: number } = {},
): Promise<Row> {
  const timings: Timing[] = [];
  for (let i = -(opts.warmup ?? 1); i < (opts.runs ?? 5); i++) {
    const t = await timeOnce({ label, run: fn });
    if (i >= 0) timings.push(t);
  }
  return summarize(label, timings);
}

/**
 * Times several cases round-robin (a, b, a, b, ...), so that a change of machine load during
 * the benchmark hits them alike and their ratio stays meaningful. One untimed round first.
 */
export async function compare(cases: Case[], runs = 5): Promise<Row[]> {
  const timings = cases.map(() => [] as Timing[]);
  for (let round = -1; round < runs; round++) {
    for (const [i, c] of cases.entries()) {
      const t = await timeOnce(c);
      if (round >= 0) timings[i]!.push(t);
    }
  }
  return cases.map((c, i) => summarize(c.label, timings[i]!));
}

async function timeOnce(c: Case): Promise<Timing> {
  if (c.timed) return asTiming(c.timed());
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await c.run?.();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

/** A row from timings (or plain wall-clock ms), e.g. measured by a child process. */
export function summarize(label: string, times: ReadonlyArray<Timing | number>, note?: string): Row {
  const timings = times.map(asTiming);
  const walls = timings.map((t) => t.wall);
  const cpus = timings.flatMap((t) => (t.cpu === undefined ? [] : [t.cpu]));
  return {
    case: label,
    runs: timings.length,
    median: median(walls),
    min: Math.min(...walls),
    max: Math.max(...walls),
    cpu: cpus.length === timings.length ? median(cpus) : undefined,
    note,
  };
}

function asTiming(t: Timing | number): Timing {
  return typeof t === 'number' ? { wall: t } : t;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** "3.2x faster than <peer>" (or slower), from median wall times (and CPU times when both have them). */
export function ratio(ours: Row, peer: Row, peerName: string): string {
  const say = (r: number) => (r >= 1 ? `${r.toFixed(1)}x faster` : `${(1 / r).toFixed(1)}x slower`);
  const cpu = ours.cpu && peer.cpu ? ` (CPU: ${say(peer.cpu / ours.cpu)})` : '';
  return `${say(peer.median / ours.median)} than ${peerName}${cpu}`;
}
