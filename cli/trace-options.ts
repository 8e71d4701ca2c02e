/** The --trace-* flags of the commands that run the simulator (traces/args.ts applies them). */
import type { Argv } from 'yargs';
import { FORMAT_NAMES } from '../traces/formats/index.js';
import type { TraceArgs } from '../traces/args.js';

const GROUP = 'Access trace:';

/** Adds --trace-format, --trace-window, --trace-file, --trace-gzip, --trace-cycles. */
export function addTraceOptions<T>(y: Argv<T>): Argv<T & TraceArgs> {
  return y
    .option('trace-format', {
      type: 'string',
      choices: ['none', ...FORMAT_NAMES],
      requiresArg: true,
      group: GROUP,
      describe: 'write an access trace in this format (traces.format)',
    })
    .option('trace-window', {
      type: 'string',
      requiresArg: true,
      group: GROUP,
      describe:
        'which accesses, e.g. "iterations=1;epochs=1;batches=0-2;components=dram" ' +
        '(traces.window; default: one batch of each phase of each iteration)',
    })
    .option('trace-file', {
      type: 'string',
      requiresArg: true,
      group: GROUP,
      describe: 'trace file, "-" for standard output; .gz compresses (traces.file)',
    })
    .option('trace-gzip', { type: 'boolean', group: GROUP, describe: 'gzip the trace (traces.gzip)' })
    .option('trace-cycles', {
      type: 'string',
      choices: ['auto', 'absolute', 'window'],
      requiresArg: true,
      group: GROUP,
      describe: 'cycle base of trace lines (traces.cycles)',
    }) as Argv<T & TraceArgs>;
}
