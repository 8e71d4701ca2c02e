/**
 * Trace formats (SPEC section 3): how an access event becomes a line. See docs/TRACES.md for
 * each format's exact grammar and the simulators that read it.
 */
import type { AccessEvent } from '../events.js';
import type { LineBuffer } from './buffer.js';
import { CsvFormat } from './csv.js';
import { DramSim3Format } from './dramsim3.js';
import { RamulatorFormat } from './ramulator.js';

export const FORMAT_NAMES = ['csv', 'dramsim3', 'ramulator'] as const;
export type TraceFormatName = (typeof FORMAT_NAMES)[number];

/** What a format needs to know about the accelerator. */
export interface FormatContext {
  /** DRAM clock cycles per accelerator cycle (hardware.dram.clockRatio). */
  clockRatio: number;
  /** Bytes per DRAM burst (hardware.dram.burst / 8). */
  burstBytes: number;
}

export interface TraceFormat {
  readonly name: TraceFormatName;
  /** Formats for DRAM simulators drop SRAM accesses. */
  readonly dramOnly: boolean;
  /** The cycle base 'auto' picks: absolute accelerator cycles, or cycles from the window's start. */
  readonly autoCycles: 'absolute' | 'window';
  /** Writes the header (if any). */
  begin(out: LineBuffer): void;
  /** Writes one event; `cycle` is the accelerator cycle on the chosen base. */
  write(e: AccessEvent, cycle: number, out: LineBuffer): void;
  /** Writes what ends the trace (if anything), after the last event. */
  end?(out: LineBuffer): void;
  /** Lines whose cycle was raised to keep cycles non-decreasing (DRAMSim3). */
  readonly clamped: number;
  /** Bursts whose address was not aligned to the burst size (aligned down when written). */
  readonly misaligned: number;
}

export function createFormat(name: TraceFormatName, ctx: FormatContext): TraceFormat {
  switch (name) {
    case 'csv':
      return new CsvFormat();
    case 'dramsim3':
      return new DramSim3Format(ctx);
    case 'ramulator':
      return new RamulatorFormat(ctx);
  }
}
