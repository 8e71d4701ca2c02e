/**
 * A trace session: window + format + output, wired to the simulator.
 *
 *   const trace = openTrace(cfg);                       // cfg.traces: format, file, window, gzip, cycles
 *   const sim = new Simulator(cfg, { trace: { sink: trace.sink, filter: trace.filter } });
 *   enumerateSchedule(cfg, trace.observe(sim));          // or train(cfg, { observer: trace.observe(sim) })
 *   const stats = trace.close();                         // on error: trace.abort()
 *
 * - `filter(op)`: whether the simulator should emit the accesses of `op` (the window's
 *   iterations, epochs, batches, phases, sets).
 * - `sink`: receives the events; keeps those of the window's components and banks (DRAM formats:
 *   DRAM bursts only), counts them and writes them.
 * - `observe(obs)`: puts splitForWindow (traces/split.ts) in front of the simulator, so that
 *   compressed batches the window selects reach it one by one; a no-op for the trainer's stream.
 *
 * Cycle base: 'absolute' writes the simulator's cycles. 'window' starts at 0 at the first traced
 * access and removes the time of untraced operations (every op the filter rejects opens a gap;
 * the next traced access continues at the last traced cycle), so a DRAM simulator replays the
 * traced stretches back to back instead of idling through the rest of the run.
 */
import type { Config } from '../config/schema.js';
import { UserError } from '../config/errors.js';
import type { CostedOp, Op, OpObserver } from '../model/ops.js';
import type { AccessEvent, AccessSink, Component } from './events.js';
import { LineBuffer } from './formats/buffer.js';
import { createFormat, FORMAT_NAMES, type TraceFormat, type TraceFormatName } from './formats/index.js';
import { splitForWindow, type SplitObserver } from './split.js';
import { parseWindow, type TraceWindow } from './window.js';
import { isStdout, openOutput, type TraceOutput } from './writer.js';
import { Dram } from '../sim/components/dram.js';
import { writeSimulatorConfig } from './formats/config-file.js';

export interface TraceSettings {
  format: TraceFormatName;
  /** null or '-': standard output. */
  file: string | null;
  /** Window spec (null: the default window). */
  window: string | null;
  gzip?: boolean;
  cycles?: 'auto' | 'absolute' | 'window';
}

/** The accelerator parameters a trace needs. */
export interface TraceHardware {
  /** DRAM clock cycles per accelerator cycle. */
  clockRatio: number;
  /** Bits per DRAM burst. */
  burstBits: number;
  /** SRAM banks (window bank numbers are checked against it). */
  banks?: number;
  /** The modelled DRAM: a DRAMSim3 .ini / Ramulator .cfg for it is written beside a trace file. */
  dram?: Dram;
}

export interface DirectionCounts {
  reads: number;
  writes: number;
  readBits: number;
  writeBits: number;
}

export interface TraceStats {
  format: TraceFormatName;
  /** Final file (null: standard output). */
  file: string | null;
  gzip: boolean;
  /** Canonical window spec. */
  window: string;
  cycles: 'absolute' | 'window';
  /** Events the simulator emitted for the ops the filter accepted. */
  received: number;
  /** Events written (lines, without the header). */
  events: number;
  /** Written events by component and direction. */
  sram: DirectionCounts;
  dram: DirectionCounts;
  /** Bytes of text produced, and bytes written (after gzip). */
  bytes: number;
  bytesOut: number;
  /** DRAMSim3 lines whose cycle was raised to keep cycles non-decreasing. */
  clamped: number;
  /** Bursts not aligned to the burst size (aligned down when written). */
  misaligned: number;
  /** The DRAM simulator's configuration written beside the trace (null: none). */
  config: string | null;
}

export interface TraceSession {
  readonly window: TraceWindow;
  readonly format: TraceFormatName;
  /** Final file name; null for standard output. */
  readonly file: string | null;
  readonly usesStdout: boolean;
  readonly sink: AccessSink;
  readonly filter: (op: CostedOp) => boolean;
  /** Wraps the simulator (or any observer) so compressed batches in the window are split. */
  observe(downstream: OpObserver): SplitObserver;
  /** Counts so far (events written, by component and direction). */
  readonly stats: TraceStats;
  /** Flushes and completes the file (rename); returns the final counts. */
  close(): TraceStats;
  /** Abandons the trace (removes the temporary file). Safe after close(). */
  abort(): void;
}

export function isTraceFormat(s: string): s is TraceFormatName {
  return (FORMAT_NAMES as readonly string[]).includes(s);
}

/** The hardware parameters of a configuration that traces need. */
export function traceHardware(cfg: Config): TraceHardware {
  const dram = new Dram(cfg.hardware);
  return { clockRatio: dram.clockRatio, burstBits: dram.burstBits, banks: cfg.hardware.sram.banks, dram };
}

/** Opens the trace the configuration asks for (cfg.traces), or returns null when its format is 'none'. */
export function traceFromConfig(cfg: Config): TraceSession | null {
  const t = cfg.traces;
  if (t.format === 'none') return null;
  return openTrace(
    { format: t.format, file: t.file, window: t.window, gzip: t.gzip, cycles: t.cycles },
    traceHardware(cfg),
  );
}

export function openTrace(settings: TraceSettings, hw: TraceHardware): TraceSession {
  if (!isTraceFormat(settings.format)) {
    throw new UserError(`unknown trace format "${settings.format}" (formats: ${FORMAT_NAMES.join(', ')})`);
  }
  const window = parseWindow(settings.window, hw.banks !== undefined ? { banks: hw.banks } : {});
  const burstBytes = hw.burstBits / 8;
  if (!(Number.isInteger(burstBytes) && burstBytes > 0)) {
    throw new UserError(`trace: the DRAM burst (${hw.burstBits} bits) is not a whole number of bytes`);
  }
  if (!(hw.clockRatio > 0)) throw new UserError(`trace: DRAM clock ratio must be above 0 (got ${hw.clockRatio})`);
  const format = createFormat(settings.format, { clockRatio: hw.clockRatio, burstBytes });
  const cycles = !settings.cycles || settings.cycles === 'auto' ? format.autoCycles : settings.cycles;
  const output = openOutput({ file: settings.file, gzip: settings.gzip === true });
  return new Session(window, format, output, cycles, settings, hw.dram ?? null);
}

function counts(): DirectionCounts {
  return { reads: 0, writes: 0, readBits: 0, writeBits: 0 };
}

class Session implements TraceSession {
  readonly sink: AccessSink;
  readonly filter: (op: CostedOp) => boolean;
  readonly usesStdout: boolean;
  private readonly buf: LineBuffer;
  private readonly st: TraceStats;
  private gap = true;
  private shift = 0;
  private lastRaw = -Infinity;
  private state: 'open' | 'closed' | 'aborted' = 'open';

  constructor(
    readonly window: TraceWindow,
    private readonly fmt: TraceFormat,
    private readonly out: TraceOutput,
    cycles: 'absolute' | 'window',
    settings: TraceSettings,
    private readonly dram: Dram | null,
  ) {
    this.usesStdout = isStdout(settings.file);
    this.buf = new LineBuffer((chunk) => out.write(chunk));
    this.st = {
      format: fmt.name,
      file: out.file,
      gzip: out.gzip,
      window: window.toString(),
      cycles,
      received: 0,
      events: 0,
      sram: counts(),
      dram: counts(),
      bytes: 0,
      bytesOut: 0,
      clamped: 0,
      misaligned: 0,
      config: null,
    };
    fmt.begin(this.buf);
    const relative = cycles === 'window';
    const keepSram = window.sram && !fmt.dramOnly;
    const keepDram = window.dram;
    const banks = window.banks;
    const allBanks = banks.all;
    const st = this.st;
    const buf = this.buf;
    this.filter = (op: CostedOp): boolean => {
      const ok = window.op(op);
      if (!ok) this.gap = true;
      else if (op.repeat > 1 && !window.batches.covers(op.where.batch, op.where.batch + op.repeat - 1)) {
        // The simulator would trace all `repeat` batches of the op, not only the window's.
        throw new Error(
          'trace: a compressed op (repeat > 1) the window selects only part of reached the simulator; ' +
            'pass the stream through trace.observe(simulator)',
        );
      }
      return ok;
    };
    this.sink = {
      access: (e: AccessEvent): void => {
        st.received++;
        const c = e.cycle;
        if (this.gap) {
          this.gap = false;
          if (this.lastRaw === -Infinity) this.shift = c;
          else if (c > this.lastRaw) this.shift += c - this.lastRaw;
        }
        if (c > this.lastRaw) this.lastRaw = c;
        let k: DirectionCounts;
        if (e.component === 'dram') {
          if (!keepDram) return;
          k = st.dram;
        } else {
          if (!keepSram || (!allBanks && !banks.has(e.bank))) return;
          k = st.sram;
        }
        if (e.write) {
          k.writes++;
          k.writeBits += e.bits;
        } else {
          k.reads++;
          k.readBits += e.bits;
        }
        st.events++;
        fmt.write(e, relative ? c - this.shift : c, buf);
      },
    };
  }

  get format(): TraceFormatName {
    return this.fmt.name;
  }
  get file(): string | null {
    return this.out.file;
  }

  get stats(): TraceStats {
    this.st.bytes = this.buf.drained + this.buf.pos;
    this.st.bytesOut = this.out.bytesOut;
    this.st.clamped = this.fmt.clamped;
    this.st.misaligned = this.fmt.misaligned;
    return this.st;
  }

  observe(downstream: OpObserver): SplitObserver {
    const window = this.window;
    const marking: OpObserver = {
      op: (o: Op): void => {
        if (o.kind !== 'run-begin' && o.kind !== 'iteration-begin' && o.kind !== 'iteration-end' && !window.op(o))
          this.gap = true;
        downstream.op(o);
      },
    };
    return splitForWindow(window, marking);
  }

  close(): TraceStats {
    if (this.state !== 'open') {
      if (this.state === 'aborted') throw new Error('trace was aborted');
      return this.stats;
    }
    try {
      this.fmt.end?.(this.buf);
      this.buf.flush();
      this.out.close();
      this.state = 'closed';
      if (this.dram && this.out.file) this.st.config = writeSimulatorConfig(this.fmt.name, this.out.file, this.dram);
    } catch (e) {
      this.abort();
      throw e;
    }
    return this.stats;
  }

  abort(): void {
    if (this.state === 'closed') return;
    this.state = 'aborted';
    this.out.abort();
  }
}

/** One line summing up a trace, for the terminal (standard error when the trace goes to stdout). */
export function describeTrace(s: TraceStats): string {
  const where = s.file ?? 'standard output';
  const part = (name: Component, k: DirectionCounts): string =>
    `${name} ${k.reads} reads (${fmtBytes(k.readBits / 8)}), ${k.writes} writes (${fmtBytes(k.writeBits / 8)})`;
  const parts = [
    s.dram.reads + s.dram.writes > 0 || s.format !== 'csv' ? part('dram', s.dram) : null,
    s.sram.reads + s.sram.writes > 0 ? part('sram', s.sram) : null,
  ].filter(Boolean);
  return (
    `trace: ${s.events} ${s.format} events (${parts.join('; ') || 'none in the window'}) -> ${where}` +
    `${s.gzip ? ' (gzip)' : ''}, window ${s.window}, ${fmtBytes(s.bytesOut)}` +
    (s.clamped ? `; ${s.clamped} cycles raised to keep them non-decreasing` : '') +
    (s.misaligned ? `; ${s.misaligned} misaligned bursts aligned down` : '') +
    (s.config ? `; ${s.format === 'dramsim3' ? 'DRAMSim3' : 'Ramulator'} configuration -> ${s.config}` : '')
  );
}

function fmtBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = b / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}
