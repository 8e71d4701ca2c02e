/**
 * The trace settings a command's flags give (`--trace-format`, ... are declared in
 * cli/trace-options.ts; `rbnn-sim trace` has its own flags, cli/commands/trace.ts). A command that
 * runs the simulator (e.g. `rbnn-sim run`) applies them to its configuration:
 *
 *   export const builder = (y: Argv) => addTraceOptions(withConfigOptions(y));
 *   export async function handler(argv) {
 *     const cfg = applyTraceArgs(configFromArgs(argv), argv);
 *     const trace = traceFromConfig(cfg);            // null: no trace asked for
 *     const sim = new Simulator(cfg, trace ? { trace: { sink: trace.sink, filter: trace.filter } } : {});
 *     try {
 *       ... train(cfg, { observer: trace ? trace.observe(sim) : sim }) ...
 *       if (trace) process.stderr.write(describeTrace(trace.close()) + '\n');
 *     } catch (e) {
 *       trace?.abort();
 *       if (isBrokenPipe(e)) return;                 // `| head` on a stdout trace: quiet, exit 0
 *       throw e;
 *     }
 *     // if trace?.usesStdout, print the report to stderr, not stdout
 *   }
 */
import type { Config } from '../config/schema.js';

export interface TraceArgs {
  traceFormat?: string;
  traceWindow?: string;
  traceFile?: string;
  traceGzip?: boolean;
  traceCycles?: string;
}

/** The configuration with the trace flags applied (absent flags leave cfg.traces alone). */
export function applyTraceArgs(cfg: Config, argv: TraceArgs): Config {
  const t = { ...cfg.traces };
  if (argv.traceFormat !== undefined) t.format = argv.traceFormat as Config['traces']['format'];
  if (argv.traceWindow !== undefined) t.window = argv.traceWindow;
  if (argv.traceFile !== undefined) t.file = argv.traceFile;
  if (argv.traceGzip !== undefined) t.gzip = argv.traceGzip;
  if (argv.traceCycles !== undefined) t.cycles = argv.traceCycles as Config['traces']['cycles'];
  // A file name alone asks for a trace: pick the format from its extension when it says one.
  if (t.format === 'none' && argv.traceFile !== undefined) {
    const guessed = formatFromFileName(argv.traceFile);
    if (guessed) t.format = guessed;
  }
  return { ...cfg, traces: t };
}

/** csv for *.csv / *.csv.gz; null otherwise (DRAMSim3 and Ramulator traces have no agreed extension). */
export function formatFromFileName(file: string): 'csv' | null {
  return /\.csv(\.gz)?$/i.test(file) ? 'csv' : null;
}
