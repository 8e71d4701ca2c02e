/**
 * `rbnn-sim reproduce`: the paper's Table 2 over several seeds, paper vs ours, the headline
 * claims checked, and what the paper left open costed on the accelerator. Writes
 * docs/REPRODUCTION.md (or --out) with results.json, the run store (training/, one file per run:
 * what a resumed reproduction reuses) and figure4.svg in the folder next to it
 * (docs/reproduction/). See experiments/reproduce/.
 */
import { join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../config/errors.js';
import { DEFAULT_CAP, DEFAULT_PAPER_DECAY, DEFAULT_PATIENCE } from '../../experiments/reproduce/protocol.js';
import { writePaperProtocolReproduction } from '../../experiments/reproduce/protocol-report.js';
import { writeReproduction } from '../../experiments/reproduce/report.js';
import { reproduce } from '../../experiments/reproduce/reproduce.js';
import {
  DEFAULT_SEEDS,
  DEFAULT_SRAM,
  FULL_LR_GRID,
  QUICK_LR_GRID,
  planReproduction,
  type ReproductionPlan,
  type ReproductionRequest,
} from '../../experiments/reproduce/request.js';
import { ROW_IDS } from '../../experiments/reproduce/rows.js';
import { reproductionSummary, runLine } from '../../experiments/reproduce/summary.js';
import { checkArrayDone, runArrayTask, submitReproduce } from '../../experiments/slurm/reproduce.js';
import { checkOutputDir, checkOutputFile } from '../../io/location.js';
import { OutputSet } from '../../io/output-set.js';
import { flagsFor, namingFlags } from '../flag-errors.js';
import { bool, examples, num, str } from '../options.js';
import { checkSlurmOnly, printSlurmStatus, submit, withSlurmOptions, type SlurmArgs } from '../slurm-options.js';

type Args = SlurmArgs &
  Omit<ReproductionRequest, 'sets'> &
  Partial<{ slurmTask: string; slurmMerge: boolean; set: string | string[]; json: boolean }>;

/** The request's fields as the flags that set them. */
const FLAGS = flagsFor('seeds rows budget jobs protocol cap patience lrDecay lrFrom compare', {
  lrGrid: '--lr',
  sramSizes: '--sram',
});

const D = {
  out:
    'the Markdown report; results.json, the run store (training/) and figure4.svg go in a folder beside it named ' +
    'after it (default docs/REPRODUCTION.md; --quick: out/reproduce-quick/REPRODUCTION.md)',
  storeOnly:
    'train nothing: every run from the run store (also runs of an older training code with the same ' +
    'configuration); a missing run is an error',
  protocol:
    'equal-epochs: every row the same total epochs (x --budget); paper: every training to convergence ' +
    '(--cap, --patience), early stopping on validation',
  lr:
    'learning-rate grid; each row keeps the rate of lowest validation error on the first seed ' +
    `(default ${FULL_LR_GRID}; --quick: ${QUICK_LR_GRID})`,
  budget:
    "epoch budget multiplier: every row's epochs x this (1: 5 per RBNN iteration, 20 conventional), " +
    'its per-epoch learning-rate decay to the 1/budget power',
  lrFrom:
    "take each row's learning rate from these results.json (comma-separated, first holding the row wins) " +
    'instead of the --lr grid',
  quick: "CI-sized: 2000/1000/1000 samples, 1 epoch, hidden layers a tenth of the paper's; still every row",
  sram: "SRAM capacities to cost every row on (the default accelerator's is added)",
  set: 'override one configuration key for every row, repeatable (--set training.trainSamples=5000)',
  fresh: 'ignore the stored runs (training/ beside the report) and train everything again',
  patience: '--protocol paper: stop a training after this many epochs without validation improvement',
  lrDecay: `--protocol paper: learning-rate decay per epoch (default 0.8^(1/5) = ${DEFAULT_PAPER_DECAY.toFixed(4)})`,
  partial: 'with --store-only: report each row with the seeds the store holds; rows with none are left out',
  compare: '--protocol paper: the equal-epochs results.json to set beside it (verdicts under both protocols)',
};

export const reproduceCommand: CommandModule<object, Args> = {
  command: 'reproduce',
  describe: "Reproduce the paper's Table 2 (R1-R3, B1-B3) over seeds, check its claims, cost what it left open",
  builder: (y: Argv) =>
    withSlurmOptions(y, 'reproduce')
      .options({
        'slurm-task': str('i/N: train array task i', { hidden: true }),
        'slurm-merge': bool('the merge step of a --slurm run', { hidden: true }),
        seeds: str('training seeds, comma-separated', { default: DEFAULT_SEEDS }),
        lr: str(D.lr),
        quick: bool(D.quick),
        budget: num(D.budget, { default: 1 }),
        rows: str(`Table 2 rows (${ROW_IDS.join(',')})`, { default: 'all' }),
        jobs: num('trainings at once (more than 1: worker threads)', { alias: 'j', default: 1 }),
        out: str(D.out, { alias: 'o' }),
        sram: str(D.sram, { default: DEFAULT_SRAM }),
        set: str(D.set),
        fresh: bool(D.fresh),
        json: bool('print the results JSON instead of the summary'),
        quiet: bool('no per-run lines on standard error', { alias: 'q' }),
        protocol: str(D.protocol, { default: 'equal-epochs' }),
        cap: num('--protocol paper: epochs at most per training (RBNN: per iteration)', { default: DEFAULT_CAP }),
        patience: num(D.patience, { default: DEFAULT_PATIENCE }),
        'lr-decay': num(D.lrDecay),
        'store-only': bool(D.storeOnly),
        partial: bool(D.partial),
        compare: str(D.compare),
        'lr-from': str(D.lrFrom),
      })
      .example(
        examples([
          '$0 reproduce --seeds 1,2,3 --jobs 2',
          'the full reproduction, 54 trainings (about 30 min on 2 cores), docs/REPRODUCTION.md',
          '$0 reproduce --quick',
          'a CI-sized check of every row in well under a minute',
          '$0 reproduce --slurm --time 2:00:00',
          'every run a task of a Slurm job array, then the report (docs/CLUSTER.md)',
        ]),
      )
      .epilog('An interrupted reproduction continues from its run store; --fresh starts over.') as Argv<Args>,
  handler: async (argv) => {
    if (argv.slurmStatus !== undefined) return printSlurmStatus(argv.slurmStatus, 'run');
    checkSlurmOnly(argv);
    const paper = argv.protocol === 'paper';
    if (paper && argv.budget !== 1) throw new UserError('--budget applies to --protocol equal-epochs only');
    if (!paper && argv.lrDecay !== undefined)
      throw new UserError('--lr-decay applies to --protocol paper only (use --set training.lrDecay=...)');
    if (!paper && argv.compare !== undefined) throw new UserError('--compare applies to --protocol paper only');
    const sets = argv.set === undefined ? [] : [argv.set].flat();
    const plan = await namingFlags(FLAGS, () => planReproduction({ ...argv, sets }));
    if ((argv.slurm || argv.slurmTask !== undefined) && (plan.storeOnly || plan.partial))
      throw new UserError('--store-only and --partial train nothing: run them without --slurm');
    // Every output location is checked before any work (the report's folder may be created).
    checkOutputFile(plan.out, 'the reproduction report', { createParents: true });
    const log = (s: string): void => {
      if (!argv.quiet) process.stderr.write(`${s}\n`);
    };
    const { assets } = plan;
    if (argv.slurm) {
      if (plan.fresh) throw new UserError(`--fresh: remove ${join(assets, 'training')} instead, then submit`);
      checkOutputDir(assets, 'the Slurm scripts and the run store');
      const slurm = submit(argv);
      const sub = slurm.run(
        () => submitReproduce(plan, { assets, flags: plan.flags, ...slurm.options }),
        `the Slurm scripts into ${assets}`,
      );
      process.exitCode = await slurm.report(sub, resolve(assets), sub.tasks, 'run');
      return;
    }
    if (argv.slurmTask !== undefined) {
      const m = /^(\d+)\/(\d+)$/.exec(argv.slurmTask.trim());
      if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]))
        throw new UserError(`--slurm-task: expected i/N with 1 <= i <= N, got ${JSON.stringify(argv.slurmTask)}`);
      // Array tasks share the run store (claims, one file per run): checked, not locked.
      checkOutputDir(assets, 'the run store');
      const n = await runArrayTask(plan, assets, Number(m[1]), Number(m[2]), log);
      log(`task ${m[1]}/${m[2]}: ${n} run${n === 1 ? '' : 's'} trained into ${join(assets, 'training')}`);
      return;
    }
    if (argv.slurmMerge) checkArrayDone(assets);
    // The assets folder is locked (a second reproduction into it is refused) before any training.
    const files = OutputSet.open(assets, { what: 'reproduction files', command: 'rbnn-sim reproduce' });
    try {
      await reproduceInto(argv, plan, files, log);
    } finally {
      files.abort();
    }
  },
};

async function reproduceInto(argv: Args, p: ReproductionPlan, set: OutputSet, log: (s: string) => void) {
  log(`${p.commandLine}\nrun store: ${join(p.assets, 'training')}`);
  const result = await namingFlags(FLAGS, () =>
    reproduce({
      ...p,
      jobs: argv.slurmMerge ? 1 : p.jobs,
      store: p.assets,
      ...(argv.slurmMerge ? { noTraining: true } : {}),
      onRun: (e) => log(runLine(e)),
    }),
  );
  const files = p.paper
    ? await writePaperProtocolReproduction(result, p.out, set, p.compare)
    : await writeReproduction(result, p.out, set);
  log(`wrote ${files.join(', ')}`);
  process.stdout.write(argv.json ? `${JSON.stringify(result, null, 2)}\n` : `${reproductionSummary(result)}\n`);
}
