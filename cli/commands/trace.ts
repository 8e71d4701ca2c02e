import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../config/errors.js';
import type { Config } from '../../config/schema.js';
import { simulateRun } from '../../experiments/simulate.js';
import { applyTraceArgs, formatFromFileName } from '../../traces/args.js';
import { FORMAT_NAMES } from '../../traces/formats/index.js';
import { describeTrace, traceFromConfig, type TraceStats } from '../../traces/session.js';
import { isBrokenPipe } from '../../traces/writer.js';
import { bool, configFromArgs, examples, str, withConfigOptions, type ConfigArgs } from '../options.js';

const GROUP = 'Trace:';

type Args = ConfigArgs &
  Partial<{ format: string; window: string; gzip: boolean; cycles: string; scheduleOnly: boolean }>;

const D = {
  format: 'trace format (traces.format; a .csv file name implies csv)',
  window:
    'which accesses: e.g. "iterations=1,3-4;epochs=1;batches=0-2;phases=forward,update;components=dram" ' +
    '(traces.window; default "epochs=1;batches=0")',
  out: 'trace file ("-": standard output; .gz compresses) (traces.file)',
  cycles: 'cycle base (traces.cycles): absolute, or traced stretches back to back from 0',
  scheduleOnly: 'cost the configured schedule without training (every planned epoch runs; fast)',
  epilog:
    'The trace is written to FILE.tmp-<pid> and renamed when complete. A summary goes to standard error. ' +
    'See docs/TRACES.md.',
};

/** `rbnn-sim trace`: an access trace (CSV, DRAMSim3, Ramulator) of a window of the run (docs/TRACES.md). */
export const traceCommand: CommandModule<object, Args> = {
  command: 'trace',
  describe: 'Write the SRAM/DRAM accesses of a window of the run as a trace (CSV, DRAMSim3, Ramulator)',
  builder: (y: Argv) =>
    withConfigOptions(y)
      .options({
        format: str(D.format, { group: GROUP, alias: 'f', choices: [...FORMAT_NAMES] }),
        window: str(D.window, { group: GROUP, alias: 'w' }),
        out: str(D.out),
        gzip: bool('gzip the trace (traces.gzip)', { group: GROUP }),
        cycles: str(D.cycles, { group: GROUP, choices: ['auto', 'absolute', 'window'] }),
        'schedule-only': bool(D.scheduleOnly, { group: GROUP }),
      })
      .example(
        examples([
          '$0 trace --format dramsim3 -o r2.trace',
          'DRAM bursts of one batch of each phase of each iteration (training on MNIST)',
          '$0 trace --schedule-only -f csv -w "iterations=1;batches=0-3" -o it1.csv.gz',
          'every access of four batches of iteration 1, no training',
        ]),
      )
      .epilog(D.epilog) as unknown as Argv<Args>,
  handler: async (argv) => {
    process.exitCode = await runTraceCommand(argv);
  },
};

export async function runTraceCommand(argv: Args): Promise<number> {
  // For this command --out names the trace file, not the report folder.
  const cfg = traceConfig(configFromArgs({ ...argv, out: undefined }), argv);
  const trace = traceFromConfig(cfg)!;
  let stats: TraceStats;
  try {
    // costs the schedule (or trains) with the simulator observing it through trace.observe()
    await simulateRun(cfg, { scheduleOnly: argv.scheduleOnly === true, trace });
    stats = trace.close();
  } catch (e) {
    trace.abort();
    if (isBrokenPipe(e)) return 0;
    throw e;
  }
  if (cfg.output.json)
    (trace.usesStdout ? process.stderr : process.stdout).write(`${JSON.stringify(stats, null, 2)}\n`);
  else process.stderr.write(`${describeTrace(stats)}\n`);
  if (stats.events === 0)
    process.stderr.write(`rbnn-sim: warning: the window "${stats.window}" selected no accesses\n`);
  return 0;
}

/** The configuration with this command's trace flags applied; a format is required. */
export function traceConfig(base: Config, argv: Args): Config {
  const { format: traceFormat, window: traceWindow, out: traceFile, gzip: traceGzip, cycles: traceCycles } = argv;
  const cfg = applyTraceArgs(base, { traceFormat, traceWindow, traceFile, traceGzip, traceCycles });
  if (cfg.traces.format !== 'none') return cfg;
  const guessed = cfg.traces.file ? formatFromFileName(cfg.traces.file) : null;
  if (!guessed) throw new UserError(`name a trace format: --format ${FORMAT_NAMES.join('|')}`);
  return { ...cfg, traces: { ...cfg.traces, format: guessed } };
}
