import { bool, oneOf, str } from '../fields.js';

/** Access traces (SPEC section 3; docs/TRACES.md). Owned by the traces/ layer. */
export const tracesSection = {
  format: oneOf(['none', 'csv', 'dramsim3', 'ramulator'] as const, 'none', 'trace format (none: no trace)'),
  file: str(null, 'trace file (null or "-": standard output; a name ending in .gz is gzipped)'),
  window: str(
    null,
    'which accesses to trace, e.g. "iterations=1,2;epochs=1;batches=0;components=dram" (null: "epochs=1;batches=0", ' +
      'one batch of each phase of each iteration)',
  ),
  gzip: bool(false, 'gzip the trace (also implied by a file name ending in .gz)'),
  cycles: oneOf(
    ['auto', 'absolute', 'window'] as const,
    'auto',
    'cycle base of trace lines: absolute (accelerator cycles since the run began), window (traced stretches back to ' +
      'back from 0); auto: absolute for csv, window for dramsim3',
  ),
} as const;
