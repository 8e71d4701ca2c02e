/**
 * `rbnn-sim run` (what `npm start` runs): trains on real MNIST with the simulator observing the
 * operation stream, and prints the simulation report (energy, time, traffic, placement) with the
 * training result. `rbnn-sim simulate` shares this handler (cli/commands/simulate.ts).
 */
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../config/errors.js';
import type { Config } from '../../config/schema.js';
import { describePosition, saveCheckpoint, type CheckpointPlan } from '../../experiments/checkpoints.js';
import { epochsFrom } from '../../experiments/epochs-from.js';
import { checkTrainingFits } from '../../experiments/host-memory.js';
import { stoppedRunOutputs, writeMappingsFile } from '../../experiments/run-outputs.js';
import { simulateRun, type SimulateResult } from '../../experiments/simulate.js';
import { checkOutputFile } from '../../io/location.js';
import { OutputSet } from '../../io/output-set.js';
import { formatReportJson, formatReportText, reportFiles } from '../../sim/report-format.js';
import type { SimulatorState } from '../../sim/simulator.js';
import { applyTraceArgs, type TraceArgs } from '../../traces/args.js';
import { addTraceOptions } from '../trace-options.js';
import { describeTrace, traceFromConfig } from '../../traces/session.js';
import { isBrokenPipe } from '../../traces/writer.js';
import { checkWritableDir } from '../../trainer/checkpoint.js';
import { planCheckpoints, withCheckpointOptions, type CheckpointArgs } from '../checkpointing.js';
import { namingFlagsSync } from '../flag-errors.js';
import { catchInterrupts } from '../../io/interrupts.js';
import { configFromArgs, examples, withConfigOptions, type ConfigArgs } from '../options.js';
import { progressBar } from '../progress.js';

export interface RunArgs extends ConfigArgs, TraceArgs, CheckpointArgs {
  scheduleOnly?: boolean;
  mappings?: string;
  /** simulate --schedule-only: the epochs per iteration of the trained run recorded in this file. */
  epochsFrom?: string;
}

const CHECKPOINTS = 'Checkpoints and resuming: docs/CHECKPOINTS.md.';
const MAPPINGS =
  'write the chosen mapping (loop nest per level, counts, energy, cycles) of every distinct matmul/gradient ' +
  'shape to FILE';

/** --mappings FILE: each distinct matmul/gradient shape's chosen mapping (sim/mapper/format.ts). */
export const withMappingsOption = <T>(y: Argv<T>): Argv<T & { mappings?: string }> =>
  y.option('mappings', { type: 'string', requiresArg: true, describe: MAPPINGS }) as Argv<T & { mappings?: string }>;

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Train on MNIST and simulate the training run on the accelerator (energy, time, DRAM traffic)',
  builder: (y: Argv) =>
    withMappingsOption(withCheckpointOptions(addTraceOptions(withConfigOptions(y))))
      .example(
        examples([
          '$0 run',
          'the embedded default: RBNN 784-100-10, 16-bit slots, 7 iterations, on the default accelerator',
          '$0 run --preset B1 -o out/B1',
          'a conventional baseline; report.json and report.md in out/B1',
          '$0 run --set hardware.sram.capacity="128 KiB" --json',
          'a smaller SRAM, JSON report',
          '$0 run --preset R2 -o out/R2 --resume out/R2/checkpoint',
          'continue an interrupted run (Ctrl-C writes a checkpoint)',
        ]),
      )
      .epilog(`The accelerator model and its defaults: docs/HARDWARE.md. ${CHECKPOINTS}`),
  handler: async (argv) => {
    process.exitCode = await runSimulation(argv, false);
  },
};

/**
 * Shared by run and simulate: resolve, simulate (train unless scheduleOnly), print, write files.
 * Training runs write checkpoints (--checkpoint, default <--out>/checkpoint), continue one with
 * --resume, and stop cleanly on the first Ctrl-C / SIGTERM (io/interrupts.ts).
 */
export async function runSimulation(argv: RunArgs, scheduleOnly: boolean): Promise<number> {
  const cfg = applyTraceArgs(configFromArgs(argv), argv);
  let plan: CheckpointPlan | null = null;
  if (!scheduleOnly) {
    checkTrainingFits(cfg);
    plan = planCheckpoints(argv, cfg, 'run', cfg.traces.format !== 'none');
  } else if (argv.checkpoint !== undefined || argv.resume !== undefined) {
    throw new UserError('--checkpoint and --resume apply to training runs, not to --schedule-only');
  } else if (cfg.output.dir) {
    checkWritableDir(cfg.output.dir, 'report files');
  }
  if (argv.mappings !== undefined) checkOutputFile(argv.mappings, 'the mappings file', { createParents: true });
  if (argv.epochsFrom !== undefined && !scheduleOnly) throw new UserError('--epochs-from applies to --schedule-only');
  const from = argv.epochsFrom;
  const epochs =
    from !== undefined ? namingFlagsSync({ epochsFrom: '--epochs-from' }, () => epochsFrom(from, cfg)) : null;
  const command = `rbnn-sim ${scheduleOnly ? 'simulate' : 'run'}`;
  const files = cfg.output.dir ? OutputSet.open(cfg.output.dir, { what: 'report files', command }) : null;
  try {
    return await simulateAndReport(cfg, scheduleOnly, plan, files, epochs, argv.mappings);
  } finally {
    files?.abort();
  }
}

async function simulateAndReport(
  cfg: Config,
  scheduleOnly: boolean,
  plan: CheckpointPlan | null,
  files: OutputSet | null,
  epochsPerIteration: number[] | null,
  mappingsFile?: string,
): Promise<number> {
  const trace = traceFromConfig(cfg);
  const interrupts = scheduleOnly ? null : catchInterrupts();
  const showBar = !scheduleOnly && cfg.output.progress && !cfg.output.json;
  const bar = progressBar(showBar, scheduleOnly ? 'simulate' : 'train + simulate', 'batches');
  let result: SimulateResult;
  try {
    const resume = plan?.resume;
    if (resume)
      process.stderr.write(`rbnn-sim: resuming ${plan!.resumeFile} (${describePosition(resume.state.next)})\n`);
    try {
      result = await simulateRun(cfg, {
        scheduleOnly,
        progress: bar.update,
        trace,
        mappings: mappingsFile !== undefined,
        ...(epochsPerIteration ? { epochsPerIteration } : {}),
        ...(resume ? { resume: { state: resume.state, simulator: resume.simulator as SimulatorState } } : {}),
        ...(plan?.dir ? { onCheckpoint: (state, sim) => void saveCheckpoint(plan, cfg, 'run', state, sim) } : {}),
        ...(interrupts ? { shouldStop: interrupts.requested } : {}),
      });
      bar.stop();
      if (result.stopped) trace?.abort();
      else if (trace) process.stderr.write(`${describeTrace(trace.close())}\n`);
    } catch (e) {
      bar.stop();
      trace?.abort();
      if (isBrokenPipe(e)) return 0;
      throw e;
    }
    const { report, stopped } = result;
    if (stopped) {
      const after = stoppedRunOutputs(cfg, plan!, report, stopped);
      process.stdout.write(after.text);
      if (files) {
        for (const [name, content] of after.files) files.write(name, content);
        files.commit();
      }
      process.stderr.write(`rbnn-sim: ${after.note}\n`);
      return interrupts!.exitCode();
    }
    const out = trace?.usesStdout ? process.stderr : process.stdout;
    out.write(cfg.output.json ? formatReportJson(report) : formatReportText(report));
    if (files) {
      for (const [name, text] of reportFiles(report)) files.write(name, text);
      process.stderr.write(`report: ${files.commit().join(', ')}\n`);
    }
    if (mappingsFile !== undefined) {
      writeMappingsFile(mappingsFile, result.mappings, cfg.hardware.policy.objective);
      process.stderr.write(`mappings: ${mappingsFile}\n`);
    }
    return 0;
  } finally {
    interrupts?.dispose();
  }
}
