/** `rbnn-sim train`: functional training on real MNIST, per-iteration results. */
import type { Argv, CommandModule } from 'yargs';
import { withConfigOptions, configFromArgs, checkTrainingFits, type ConfigArgs } from '../options.js';
import { progressBar } from '../progress.js';
import { table } from '../../experiments/table.js';
import { train, TrainingStopped } from '../../trainer/train.js';
import type { TrainResult } from '../../model/results.js';
import { makeCheckpoint, writeCheckpoint } from '../../trainer/checkpoint.js';
import { describePosition, planCheckpoints, withCheckpointOptions, type CheckpointArgs } from '../checkpointing.js';
import { catchInterrupts } from '../interrupt.js';
import { OutputSet } from '../../io/output-set.js';
import type { Config } from '../../config/schema.js';

type TrainArgs = ConfigArgs & CheckpointArgs;

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train',
  describe: 'Train the configured network (RBNN or conventional) on MNIST in fixed point',
  builder: (y: Argv) =>
    withCheckpointOptions(withConfigOptions(y))
      .example('$0 train --preset R2 --epochs 5', "the paper's R2 network, 5 epochs per iteration")
      .example('$0 train --preset B3 --json', 'a conventional baseline, JSON output')
      .example(
        '$0 train --preset R2 --checkpoint ck --resume ck',
        'continue an interrupted run (Ctrl-C writes a checkpoint)',
      ),
  handler: async (argv) => {
    const cfg = configFromArgs(argv);
    checkTrainingFits(cfg);
    const plan = planCheckpoints(argv, cfg, 'train');
    // --out holds this run's checkpoints: locked for the run, so that two trainings never share it.
    const held = cfg.output.dir
      ? OutputSet.open(cfg.output.dir, { what: 'checkpoints', command: 'rbnn-sim train' })
      : null;
    try {
      await trainWith(cfg, plan);
    } finally {
      held?.abort();
    }
  },
};

async function trainWith(cfg: Config, plan: ReturnType<typeof planCheckpoints>): Promise<void> {
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
      ...(plan.dir
        ? {
            onCheckpoint: (state) => {
              writeCheckpoint(plan.dir!, makeCheckpoint(cfg, 'train', state));
            },
          }
        : {}),
    });
    result = r;
  } catch (e) {
    if (!(e instanceof TrainingStopped)) throw e;
    bar.stop();
    // The checkpoint, then the partial result (marked "incomplete": true) on stdout.
    const where = describePosition(e.state.next);
    const file = plan.dir ? writeCheckpoint(plan.dir, makeCheckpoint(cfg, 'train', e.state)) : null;
    const p = { ...e.partial, checkpoint: file };
    process.stdout.write(cfg.output.json ? JSON.stringify(p, null, 2) + '\n' : formatPartial(p, where) + '\n');
    process.stderr.write(
      file
        ? `rbnn-sim: stopped at ${where}; checkpoint ${file}; continue with: rbnn-sim train --resume ${plan.dir} and the same configuration flags\n`
        : 'rbnn-sim: stopped; no checkpoint was written (give --checkpoint DIR or --out DIR to be able to resume)\n',
    );
    process.exitCode = interrupts.exitCode();
    return;
  } finally {
    bar.stop();
    interrupts.dispose();
  }
  process.stdout.write(cfg.output.json ? JSON.stringify(result, null, 2) + '\n' : formatTrainResult(result) + '\n');
}

function formatPartial(
  p: { schedule: TrainResult['schedule']; dims: number[]; bits: number; iterations: TrainResult['iterations'] },
  where: string,
): string {
  const head = `INCOMPLETE: stopped at ${where}`;
  if (p.iterations.length === 0) return `${head}; no iteration finished`;
  return `${head}\n${iterationTable(p)}`;
}

export function formatTrainResult(r: TrainResult): string {
  return `${iterationTable(r)}\nfinal: test error ${pct(r.testError)}, ${r.bitsPerWeight.toFixed(2)} bits/weight, ${(r.storageBits / 8 / 1024).toFixed(1)} KiB of weights, stopped: ${r.stopReason}, ${r.seconds.toFixed(1)} s`;
}

const pct = (x: number): string => (x * 100).toFixed(2) + ' %';

/** The network line and the per-iteration table. */
function iterationTable(r: Pick<TrainResult, 'schedule' | 'dims' | 'bits' | 'iterations'>): string {
  const rows = r.iterations.map((it) => [
    it.k,
    it.trainableBits,
    it.weights,
    (it.storageBits / 8 / 1024).toFixed(1),
    it.bitsPerWeight.toFixed(2),
    pct(it.validationError),
    pct(it.testError),
    `${it.bestEpoch}/${it.epochsRun}`,
    it.seconds.toFixed(1),
  ]);
  const head = `${r.schedule} ${r.dims.join('-')}, ${r.bits}-bit weight slots`;
  const t = table(
    [
      'k',
      'trainable bits',
      'weights',
      'storage KiB',
      'bits/weight',
      'val error',
      'test error',
      'best epoch',
      'seconds',
    ],
    rows,
  );
  return `${head}\n${t}`;
}
