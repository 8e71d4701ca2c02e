/**
 * Writes the DRAM simulator's configuration beside a trace file: TRACE.ini (DRAMSim3) or
 * TRACE.cfg (Ramulator), a trailing `.gz` of the trace dropped. Atomic: a temporary file renamed.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Dram } from '../../sim/components/dram.js';
import { dramsim3Ini, ramulatorConfig } from './dram-configs.js';
import type { TraceFormatName } from './index.js';

/** The configuration's file name for a trace file (null: the format has none). */
export function configFileFor(format: TraceFormatName, traceFile: string): string | null {
  const base = traceFile.replace(/\.gz$/, '');
  if (format === 'dramsim3') return `${base}.ini`;
  if (format === 'ramulator') return `${base}.cfg`;
  return null;
}

/** Writes it; returns its name (null: none for this format). */
export function writeSimulatorConfig(format: TraceFormatName, traceFile: string, dram: Dram): string | null {
  const file = configFileFor(format, traceFile);
  if (!file) return null;
  const text = format === 'dramsim3' ? dramsim3Ini(dram) : ramulatorConfig(dram);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return file;
}
