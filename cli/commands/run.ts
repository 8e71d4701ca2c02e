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
import { simulateRun, type SimulateResult, type StoppedRun } from '../../experiments/simulate.js';
import type { SimReport } from '../../sim/report.js';
import { formatReportJson, formatReportText, reportFiles } from '../../sim/report-format.js';
import { OutputSet } from '../../io/output-set.js';
import { checkWritableDir, makeCheckpoint, writeCheckpoint } from '../../trainer/checkpoint.js';
import type { SimulatorState } from '../../sim/simulator.js';
import {
  describePosition,
  planCheckpoints,
  withCheckpointOptions,
  type CheckpointArgs,
  type CheckpointPlan,
} from '../checkpointing.js';
import { catchInterrupts } from '../interrupt.js';
import { checkTrainingFits } from '../options.js';
import { UserError } from '../../config/errors.js';
import { formatMappings } from '../../sim/mapper/format.js';
import type { Config } from '../../config/schema.js';
import { checkOutputFile } from '../../io/location.js';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { writing } from '../../io/fs-error.js';
import { makeDirs } from '../../io/dirs.js';
import { dirname } from 'node:path';
import { epochsFrom } from '../epochs-from.js';

export interface RunArgs extends ConfigArgs, TraceArgs, CheckpointArgs {
  scheduleOnly?: boolean;
  mappings?: string;
  /** simulate --schedule-only: the epochs per iteration of the trained run recorded in this file. */
  epochsFrom?: string;
}

/** --mappings FILE: each distinct matmul/gradient shape's chosen mapping (sim/mapper/format.ts). */
export const withMappingsOption = <T>(y: Argv<T>): Argv<T & { mappings?: string }> =>
  y.option('mappings', {
    type: 'string',
    requiresArg: true,
    describe:
      'write the chosen mapping (loop nest per level, counts, energy, cycles) of every distinct matmul/gradient shape to FILE',
  }) as Argv<T & { mappings?: string }>;

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Train on MNIST and simulate the training run on the accelerator (energy, time, DRAM traffic)',
  builder: (y: Argv) =>
    withMappingsOption(withCheckpointOptions(addTraceOptions(withConfigOptions(y))))
      .example(
        '$0 run',
        'the embedded default: RBNN 784-100-10, 16-bit slots, 7 iterations, on the default accelerator',
      )
      .example('$0 run --preset B1 -o out/B1', 'a conventional baseline; report.json and report.md in out/B1')
      .example('$0 run --set hardware.sram.capacity="128 KiB" --json', 'a smaller SRAM, JSON report')
      .example(
        '$0 run --preset R2 -o out/R2 --resume out/R2/checkpoint',
        'continue an interrupted run (Ctrl-C writes a checkpoint)',
      )
      .epilog(
        'The accelerator model and its defaults: docs/HARDWARE.md. Checkpoints and resuming: docs/CHECKPOINTS.md.',
      ),
  handler: async (argv) => {
    process.exitCode = await runSimulation(argv, false);
  },
};

/**
 * Shared by run and simulate: resolve, simulate (train unless scheduleOnly), print, write files.
 * Training runs write checkpoints (--checkpoint, default <--out>/checkpoint), continue one with
 * --resume, and stop cleanly on the first Ctrl-C / SIGTERM (cli/interrupt.ts).
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
  const epochsPerIteration = argv.epochsFrom !== undefined ? epochsFrom(argv.epochsFrom, cfg) : undefined;
  const files = cfg.output.dir
    ? OutputSet.open(cfg.output.dir, { what: 'report files', command: `rbnn-sim ${scheduleOnly ? 'simulate' : 'run'}` })
    : null;
  try {
    return await simulateAndReport(cfg, scheduleOnly, plan, files, epochsPerIteration, argv.mappings);
  } finally {
    files?.abort();
  }
}

async function simulateAndReport(
  cfg: Config,
  scheduleOnly: boolean,
  plan: CheckpointPlan | null,
  files: OutputSet | null,
  epochsPerIteration: number[] | undefined,
  mappingsFile?: string,
): Promise<number> {
  const trace = traceFromConfig(cfg);
  const interrupts = scheduleOnly ? null : catchInterrupts();
  const bar = progressBar(
    !scheduleOnly && cfg.output.progress && !cfg.output.json,
    scheduleOnly ? 'simulate' : 'train + simulate',
    'batches',
  );
  let result: SimulateResult;
  try {
    const ck = plan;
    const resume = ck?.resume;
    if (resume) process.stderr.write(`rbnn-sim: resuming ${ck.resumeFile} (${describePosition(resume.state.next)})\n`);
    try {
      result = await simulateRun(cfg, {
        scheduleOnly,
        progress: bar.update,
        trace,
        mappings: mappingsFile !== undefined,
        ...(epochsPerIteration ? { epochsPerIteration } : {}),
        ...(resume ? { resume: { state: resume.state, simulator: resume.simulator as SimulatorState } } : {}),
        ...(ck?.dir
          ? {
              onCheckpoint: (state, simulator) => {
                writeCheckpoint(ck.dir!, makeCheckpoint(cfg, 'run', state, simulator));
              },
            }
          : {}),
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
    if (result.stopped) {
      stoppedRun(cfg, plan!, result.report, result.stopped, files);
      return interrupts!.exitCode();
    }
    const out = trace?.usesStdout ? process.stderr : process.stdout;
    out.write(cfg.output.json ? formatReportJson(result.report) : formatReportText(result.report));
    if (files) {
      for (const [name, text] of reportFiles(result.report)) files.write(name, text);
      process.stderr.write(`report: ${files.commit().join(', ')}\n`);
    }
    if (mappingsFile !== undefined) {
      const text = formatMappings(result.mappings ?? [], cfg.hardware.policy.objective);
      writing(`the mappings file ${mappingsFile}`, () => {
        makeDirs(dirname(mappingsFile));
        writeFileAtomic(mappingsFile, text);
      });
      process.stderr.write(`mappings: ${mappingsFile}\n`);
    }
    return 0;
  } finally {
    interrupts?.dispose();
  }
}

/** After a stop: the checkpoint, and the partial report (marked "incomplete": true) on stdout and in --out. */
function stoppedRun(
  cfg: Config,
  plan: CheckpointPlan,
  report: SimReport,
  stopped: StoppedRun,
  files: OutputSet | null,
): void {
  const where = describePosition(stopped.state.next);
  const file = plan.dir
    ? writeCheckpoint(plan.dir, makeCheckpoint(cfg, 'run', stopped.state, stopped.simulator))
    : null;
  const partial = { incomplete: true, stoppedAt: stopped.state.next, checkpoint: file, ...report } as SimReport;
  process.stdout.write(
    cfg.output.json ? formatReportJson(partial) : `INCOMPLETE: stopped at ${where}\n\n${formatReportText(partial)}`,
  );
  if (files) {
    for (const [name, text] of reportFiles(partial, `rbnn-sim report (INCOMPLETE: stopped at ${where})`))
      files.write(name, text);
    files.commit();
  }
  process.stderr.write(
    file
      ? `rbnn-sim: stopped at ${where}; checkpoint ${file}; continue with: rbnn-sim run --resume ${plan.dir} and the same configuration flags\n`
      : 'rbnn-sim: stopped; no checkpoint was written (give --checkpoint DIR or --out DIR to be able to resume)\n',
  );
}
