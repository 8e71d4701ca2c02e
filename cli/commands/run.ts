/**
 * `rbnn-sim run` (what `npm start` runs): trains on real MNIST with the simulator observing the
 * operation stream, and prints the simulation report (energy, time, traffic, placement) with the
 * training result. `rbnn-sim simulate` shares this handler (cli/commands/simulate.ts).
 */
import type { Argv, CommandModule } from 'yargs';
import { configFromArgs, withConfigOptions, type ConfigArgs } from '../options.js';
import { progressBar } from '../progress.js';
import { addTraceOptions, applyTraceArgs, type TraceArgs } from '../../traces/cli.js';
import { describeTrace, traceFromConfig } from '../../traces/session.js';
import { isBrokenPipe } from '../../traces/writer.js';
import { simulateRun } from '../../sim/session.js';
import { formatReportJson, formatReportText, writeReportFiles } from '../../sim/report-format.js';

export interface RunArgs extends ConfigArgs, TraceArgs {
  scheduleOnly?: boolean;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Train on MNIST and simulate the training run on the accelerator (energy, time, DRAM traffic)',
  builder: (y: Argv) => addTraceOptions(withConfigOptions(y))
    .example('$0 run', 'the embedded default: RBNN 784-100-10, 16-bit slots, 7 iterations, on the default accelerator')
    .example('$0 run --preset B1 -o out/B1', 'a conventional baseline; report.json and report.md in out/B1')
    .example('$0 run --set hardware.sram.capacity="128 KiB" --json', 'a smaller SRAM, JSON report')
    .epilog('The accelerator model and its defaults: docs/HARDWARE.md.'),
  handler: async (argv) => {
    process.exitCode = await runSimulation(argv, false);
  },
};

/** Shared by run and simulate: resolve, simulate (train unless scheduleOnly), print, write files. */
export async function runSimulation(argv: RunArgs, scheduleOnly: boolean): Promise<number> {
  const cfg = applyTraceArgs(configFromArgs(argv), argv);
  const trace = traceFromConfig(cfg);
  const bar = progressBar(!scheduleOnly && cfg.output.progress && !cfg.output.json, scheduleOnly ? 'simulate' : 'train + simulate');
  let result;
  try {
    result = await simulateRun(cfg, { scheduleOnly, progress: bar.update, trace });
    bar.stop();
    if (trace) process.stderr.write(`${describeTrace(trace.close())}\n`);
  } catch (e) {
    bar.stop();
    trace?.abort();
    if (isBrokenPipe(e)) return 0;
    throw e;
  }
  const out = trace?.usesStdout ? process.stderr : process.stdout;
  out.write(cfg.output.json ? formatReportJson(result.report) : formatReportText(result.report));
  if (cfg.output.dir) {
    const files = writeReportFiles(cfg.output.dir, result.report);
    process.stderr.write(`report: ${files.join(', ')}\n`);
  }
  return 0;
}
