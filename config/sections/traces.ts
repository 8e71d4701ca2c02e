import { oneOf, str } from '../fields.js';

/** Access traces (SPEC section 3). Owned by the traces/ layer. */
export const tracesSection = {
  format: oneOf(['none', 'csv', 'dramsim3', 'ramulator'] as const, 'none', 'trace format (none: no trace)'),
  file: str(null, 'trace file (null or "-": standard output)'),
  window: str(null, 'which accesses to trace, e.g. "iterations=1,2;epochs=1;batches=0;components=dram" (null: one batch of each phase of each iteration)'),
} as const;
