/**
 * Trace-writing benchmark (issue 5): events written per second to a file for each format, and
 * the peak memory (RSS high-water mark) of a process writing a trace of 100 million events.
 *
 *   node --import tsx bench/traces.ts [--events N] [--peak] [--peak-events N] [--dir DIR]
 *   node dist/bench/traces.js ...            (after npm run build)
 *
 * Events are synthetic DRAM bursts (sequential 64-byte addresses, one write in four, one burst
 * per cycle) and, for CSV, SRAM words in between; they go through the same path as the
 * simulator's (TraceSession.sink -> format -> LineBuffer -> writeSync), into a file that is
 * fsynced and renamed on close. Times include all of that. The peak-memory run happens in a
 * child process, so that nothing else in this process counts towards its RSS.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccessEvent } from '../traces/events.js';
import { measure, summarize, type Benchmark, type Row } from './harness.js';
import type { TraceFormatName } from '../traces/formats/index.js';
import { openTrace } from '../traces/session.js';

export interface TraceThroughput {
  format: TraceFormatName;
  gzip: boolean;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  bytes: number;
  bytesOut: number;
}

export interface TracePeak {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  bytesOut: number;
  /** Peak resident set size of the writing process, bytes. */
  maxRssBytes: number;
}

const HW = { clockRatio: 1, burstBits: 512, banks: 8 };

/** Writes `events` synthetic events in `format` to `file`; returns the session's counts and the time. */
export function writeSynthetic(format: TraceFormatName, file: string, events: number, gzip = false): TraceThroughput {
  const t0 = process.hrtime.bigint();
  const t = openTrace({ format, file, window: 'all', gzip, cycles: 'absolute' }, HW);
  const e: AccessEvent = {
    cycle: 0,
    component: 'dram',
    bank: -1,
    write: false,
    address: 0,
    bits: 512,
    tensor: 'activations',
    phase: 'forward',
    iteration: 1,
    epoch: 1,
    batch: 0,
  };
  const sram = format === 'csv';
  const base = 0x4000000;
  for (let i = 0; i < events; i++) {
    if (sram && (i & 1) === 1) {
      e.component = 'sram';
      e.bank = i & 7;
      e.bits = 64;
      e.address = (i >>> 3) * 8;
      e.tensor = 'weights.p3';
    } else {
      e.component = 'dram';
      e.bank = -1;
      e.bits = 512;
      e.address = base + i * 64;
      e.tensor = 'activations';
    }
    e.cycle = i;
    e.write = (i & 3) === 0;
    if ((i & 0xfffff) === 0) e.batch = i >>> 20;
    t.sink.access(e);
  }
  const s = t.close();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { format, gzip, events, seconds, eventsPerSecond: events / seconds, bytes: s.bytes, bytesOut: s.bytesOut };
}

export function throughput(dir: string, events: number): TraceThroughput[] {
  const runs: Array<[TraceFormatName, boolean, number]> = [
    ['dramsim3', false, events],
    ['ramulator', false, events],
    ['csv', false, events],
    ['dramsim3', true, Math.max(1, Math.floor(events / 2))],
  ];
  const out: TraceThroughput[] = [];
  for (const [format, gzip, n] of runs) {
    const file = path.join(dir, `bench-${format}${gzip ? '.gz' : ''}`);
    writeSynthetic(format, file, Math.min(n, 200000), gzip); // warm-up
    out.push(writeSynthetic(format, file, n, gzip));
    fs.rmSync(file, { force: true });
  }
  return out;
}

/** Runs the 100-million-event DRAMSim3 write in a child process and reads its peak RSS. */
export function peakMemory(dir: string, events: number): TracePeak {
  const self = fileURLToPath(import.meta.url);
  const file = path.join(dir, 'bench-peak.trace');
  const r = spawnSync(process.execPath, [...process.execArgv, self, '--child', file, String(events)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  fs.rmSync(file, { force: true });
  if (r.status !== 0) throw new Error(`peak-memory child failed with status ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TracePeak;
}

function childMain(file: string, events: number): void {
  const r = writeSynthetic('dramsim3', file, events);
  const ru = process.resourceUsage();
  const peak: TracePeak = {
    events,
    seconds: r.seconds,
    eventsPerSecond: r.eventsPerSecond,
    bytesOut: r.bytesOut,
    maxRssBytes: ru.maxRSS * 1024,
  };
  process.stdout.write(JSON.stringify(peak) + '\n');
}

export interface TraceBenchOptions {
  events?: number;
  peak?: boolean;
  peakEvents?: number;
  dir?: string;
}

export interface TraceBenchResult {
  machine: string;
  throughput: TraceThroughput[];
  peak?: TracePeak;
}

export function runTraceBench(opts: TraceBenchOptions = {}): TraceBenchResult {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rbnn-trace-bench-'));
  const result: TraceBenchResult = { machine: machine(), throughput: throughput(dir, opts.events ?? 20_000_000) };
  if (opts.peak) result.peak = peakMemory(dir, opts.peakEvents ?? 100_000_000);
  if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

export function machine(): string {
  const cpus = os.cpus();
  return (
    `${cpus[0]?.model ?? 'unknown CPU'} x${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, node ` +
    `${process.version}, ${os.platform()} ${os.release()}`
  );
}

export function formatTraceBench(r: TraceBenchResult): string {
  const lines = [
    `machine: ${r.machine}`,
    '',
    '| format | gzip | events | seconds | M events/s | MB/s written |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const t of r.throughput) {
    lines.push(
      `| ${t.format} | ${t.gzip ? 'yes' : 'no'} | ${t.events.toLocaleString('en')} | ${t.seconds.toFixed(2)} | ` +
        `${(t.eventsPerSecond / 1e6).toFixed(2)} | ${(t.bytesOut / 1e6 / t.seconds).toFixed(0)} |`,
    );
  }
  if (r.peak) {
    const p = r.peak;
    lines.push(
      '',
      `peak memory writing ${p.events.toLocaleString('en')} DRAMSim3 events (${(p.bytesOut / 1e9).toFixed(2)} GB) in ` +
        `a child process: ` +
        `max RSS ${(p.maxRssBytes / 2 ** 20).toFixed(0)} MiB, ${p.seconds.toFixed(1)} s ` +
        `(${(p.eventsPerSecond / 1e6).toFixed(2)} M events/s)`,
    );
  }
  return lines.join('\n');
}

/**
 * For `npm run bench` (bench/index.ts): events per second for each format; with `--trace-peak`
 * (or RBNN_BENCH_TRACE_PEAK=1) also the 100-million-event peak-memory run (about 20 s, 2.5 GB of disk).
 */
export const traceBenchmark: Benchmark = {
  name: 'traces',
  description:
    'trace writing: events/s per format to a file (target >= 5 M/s DRAMSim3); --trace-peak: peak RSS writing 100 M ' +
    'events (target < 200 MB)',
  async run(): Promise<Row[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbnn-trace-bench-'));
    const rows: Row[] = [];
    try {
      const cases: Array<[TraceFormatName, boolean, number]> = [
        ['dramsim3', false, 5_000_000],
        ['ramulator', false, 5_000_000],
        ['csv', false, 2_000_000],
        ['dramsim3', true, 2_000_000],
      ];
      for (const [format, gzip, n] of cases) {
        const file = path.join(dir, `bench-${format}${gzip ? '.gz' : ''}`);
        let last: TraceThroughput | undefined;
        const row = await measure(
          `write ${(n / 1e6).toFixed(0)} M events, ${format}${gzip ? ' + gzip' : ''}`,
          () => {
            last = writeSynthetic(format, file, n, gzip);
          },
          { runs: 3, warmup: 1 },
        );
        const cpu = (row as { cpu?: number }).cpu;
        row.note =
          `${(n / row.median / 1e3).toFixed(2)} M events/s, ` +
          `${(last!.bytesOut / 1e6 / (row.median / 1e3)).toFixed(0)} MB/s` +
          (cpu ? `; ${(n / cpu / 1e3).toFixed(2)} M events per CPU-second` : '');
        rows.push(row);
        fs.rmSync(file, { force: true });
      }
      if (process.argv.includes('--trace-peak') || process.env.RBNN_BENCH_TRACE_PEAK === '1') {
        const p = peakMemory(dir, 100_000_000);
        rows.push(
          summarize(
            'write 100 M events, dramsim3, child process',
            [p.seconds * 1e3],
            `peak RSS ${(p.maxRssBytes / 2 ** 20).toFixed(0)} MiB, ${(p.bytesOut / 1e9).toFixed(2)} GB, ` +
              `${(p.eventsPerSecond / 1e6).toFixed(2)} M events/s`,
          ),
        );
      } else {
        rows.push(
          summarize(
            'write 100 M events (peak memory)',
            [NaN],
            'skipped: pass --trace-peak (or RBNN_BENCH_TRACE_PEAK=1)',
          ),
        );
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  if (process.argv[2] === '--child') {
    childMain(process.argv[3]!, Number(process.argv[4]));
  } else {
    const r = runTraceBench({
      events: arg('--events') ? Number(arg('--events')) : undefined,
      peak: process.argv.includes('--peak'),
      peakEvents: arg('--peak-events') ? Number(arg('--peak-events')) : undefined,
      dir: arg('--dir'),
    });
    process.stdout.write(formatTraceBench(r) + '\n');
  }
}
