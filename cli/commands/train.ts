/** `rbnn-sim train`: functional training on real MNIST, per-iteration results. */
import type { Argv, CommandModule } from 'yargs';
import type { Config } from '../../config/schema.js';
import { describePosition, saveCheckpoint, type CheckpointPlan } from '../../experiments/checkpoints.js';
import { checkTrainingFits } from '../../experiments/host-memory.js';
import { formatTrainResult, stoppedTrainingOutputs } from '../../experiments/train-report.js';
import { OutputSet } from '../../io/output-set.js';
import type { TrainResult } from '../../model/results.js';
import { train, TrainingStopped } from '../../trainer/train.js';
import { planCheckpoints, withCheckpointOptions, type CheckpointArgs } from '../checkpointing.js';
import { catchInterrupts } from '../../io/interrupts.js';
import { configFromArgs, examples, withConfigOptions, type ConfigArgs } from '../options.js';
import { progressBar } from '../progress.js';

type TrainArgs = ConfigArgs & CheckpointArgs;

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train',
  describe: 'Train the configured network (RBNN or conventional) on MNIST in fixed point',
  builder: (y: Argv) =>
    withCheckpointOptions(withConfigOptions(y)).example(
      examples([
        '$0 train --preset R2 --epochs 5',
        "the paper's R2 network, 5 epochs per iteration",
        '$0 train --preset B3 --json',
        'a conventional baseline, JSON output',
        '$0 train --preset R2 --checkpoint ck --resume ck',
        'continue an interrupted run (Ctrl-C writes a checkpoint)',
      ]),
    ),
  handler: async (argv) => {
    const cfg = configFromArgs(argv);
    checkTrainingFits(cfg);
    const plan = planCheckpoints(argv, cfg, 'train');
    // --out holds this run's checkpoints: locked for the run, so that two trainings never share it.
    const what = { what: 'checkpoints', command: 'rbnn-sim train' };
    const held = cfg.output.dir ? OutputSet.open(cfg.output.dir, what) : null;
    try {
      await trainWith(cfg, plan);
    } finally {
      held?.abort();
    }
  },
};

async function trainWith(cfg: Config, plan: CheckpointPlan): Promise<void> {
  const resume = plan.resume;
  if (resume) process.stderr.write(`rbnn-sim: resuming ${plan.resumeFile} (${describePosition(resume.state.next)})\n`);
  const interrupts = catchInterrupts();
  const bar = progressBar(cfg.output.progress && !cfg.output.json, 'train', 'batches');
  let result: TrainResult;
  try {
    const { network: _network, ...r } = await train(cfg, {
      progress: bar.update,
      shouldStop: interrupts.requested,
      ...(resume ? { resume: resume.state } : {}),
      ...(plan.dir ? { onCheckpoint: (state) => void saveCheckpoint(plan, cfg, 'train', state) } : {}),
    });
    result = r;
  } catch (e) {
    if (!(e instanceof TrainingStopped)) throw e;
    bar.stop();
    const after = stoppedTrainingOutputs(cfg, plan, e);
    process.stdout.write(after.text);
    process.stderr.write(`rbnn-sim: ${after.note}\n`);
    process.exitCode = interrupts.exitCode();
    return;
  } finally {
    bar.stop();
    interrupts.dispose();
  }
  process.stdout.write(cfg.output.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatTrainResult(result)}\n`);
}
