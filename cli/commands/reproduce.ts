/**
 * `rbnn-sim reproduce`: the paper's Table 2 over several seeds, paper vs ours, the headline
 * claims checked, and what the paper left open costed on the accelerator. Writes
 * docs/REPRODUCTION.md (or --out) with results.json, the run store (training/, one file per run:
 * what a resumed reproduction reuses) and figure4.svg in the folder next to it
 * (docs/reproduction/). See experiments/reproduce/.
 */
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../config/errors.js';
import { parseQuantity } from '../../config/units.js';
import { table } from '../../experiments/table.js';
import { namingFlags } from '../flag-errors.js';
import { parseRows, ROW_IDS } from '../../experiments/reproduce/rows.js';
import { reproduce, type ReproduceOptions, type ReproductionResult } from '../../experiments/reproduce/reproduce.js';
import { writeReproduction } from '../../experiments/reproduce/report.js';
import { readComparison, writePaperProtocolReproduction } from '../../experiments/reproduce/protocol-report.js';
import {
  checkPaperProtocol,
  learningRatesWithSources,
  DEFAULT_CAP,
  DEFAULT_PAPER_DECAY,
  DEFAULT_PATIENCE,
  type PaperProtocol,
} from '../../experiments/reproduce/protocol.js';
import { checkArrayDone, runArrayTask, submitReproduce } from '../../experiments/slurm/reproduce.js';
import { checkOutputDir, checkOutputFile } from '../../io/location.js';
import { OutputSet } from '../../io/output-set.js';
import { fileError } from '../options.js';
import {
  checkSlurmOnly,
  printStatus,
  reportSubmission,
  sbatchFromArgs,
  thisCommand,
  withSlurmOptions,
  type SlurmArgs,
} from '../slurm-options.js';

export interface ReproduceArgs extends SlurmArgs {
  slurmTask?: string;
  slurmMerge?: boolean;
  seeds: string;
  lr?: string;
  quick?: boolean;
  budget: number;
  rows: string;
  jobs: number;
  out?: string;
  sram: string;
  set?: string | string[];
  fresh?: boolean;
  json?: boolean;
  quiet?: boolean;
  protocol: string;
  cap: number;
  patience: number;
  lrDecay?: number;
  lrFrom?: string;
  compare?: string;
  storeOnly?: boolean;
  partial?: boolean;
}

export const FULL_LR_GRID = '1,2,3,5,8,13,21';
export const QUICK_LR_GRID = '3';
export const DEFAULT_SRAM = '128 KiB,512 KiB,1 MiB,2 MiB';

export const reproduceCommand: CommandModule<object, ReproduceArgs> = {
  command: 'reproduce',
  describe: "Reproduce the paper's Table 2 (R1-R3, B1-B3) over seeds, check its claims, cost what it left open",
  builder: (y: Argv) =>
    withSlurmOptions(y, 'reproduce')
      .option('slurm-task', {
        type: 'string',
        requiresArg: true,
        hidden: true,
        describe: 'i/N: train the runs of array task i (reproduce.sbatch runs it)',
      })
      .option('slurm-merge', {
        type: 'boolean',
        hidden: true,
        describe: 'the merge step of a --slurm run (merge.sbatch runs it)',
      })
      .option('seeds', {
        type: 'string',
        default: '1,2,3',
        requiresArg: true,
        describe: 'training seeds, comma-separated',
      })
      .option('lr', {
        type: 'string',
        requiresArg: true,
        describe: `learning-rate grid; each row keeps the rate of lowest validation error on the first seed (default ${FULL_LR_GRID}; --quick: ${QUICK_LR_GRID})`,
      })
      .option('quick', {
        type: 'boolean',
        describe: "CI-sized: 2000/1000/1000 samples, 1 epoch, hidden layers a tenth of the paper's; still every row",
      })
      .option('budget', {
        type: 'number',
        default: 1,
        requiresArg: true,
        describe:
          "epoch budget multiplier: every row's epochs x this (1: 5 per RBNN iteration, 20 conventional), its per-epoch learning-rate decay to the 1/budget power",
      })
      .option('rows', {
        type: 'string',
        default: 'all',
        requiresArg: true,
        describe: `Table 2 rows (${ROW_IDS.join(',')})`,
      })
      .option('jobs', {
        alias: 'j',
        type: 'number',
        default: 1,
        requiresArg: true,
        describe: 'trainings at once (more than 1: worker threads)',
      })
      .option('out', {
        alias: 'o',
        type: 'string',
        requiresArg: true,
        describe:
          'the Markdown report; results.json, the run store (training/) and figure4.svg go in a folder beside it named after it (default docs/REPRODUCTION.md; --quick: out/reproduce-quick/REPRODUCTION.md)',
      })
      .option('sram', {
        type: 'string',
        default: DEFAULT_SRAM,
        requiresArg: true,
        describe: "SRAM capacities to cost every row on (the default accelerator's is added)",
      })
      .option('set', {
        type: 'string',
        requiresArg: true,
        describe: 'override one configuration key for every row, repeatable (--set training.trainSamples=5000)',
      })
      .option('fresh', {
        type: 'boolean',
        describe: 'ignore the stored runs (training/ beside the report) and train everything again',
      })
      .option('json', { type: 'boolean', describe: 'print the results JSON instead of the summary' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'no per-run lines on standard error' })
      .option('protocol', {
        type: 'string',
        default: 'equal-epochs',
        requiresArg: true,
        describe:
          'equal-epochs: every row the same total epochs (x --budget); paper: every training to convergence (--cap, --patience), early stopping on validation',
      })
      .option('cap', {
        type: 'number',
        default: DEFAULT_CAP,
        requiresArg: true,
        describe: '--protocol paper: epochs at most per training (RBNN: per iteration)',
      })
      .option('patience', {
        type: 'number',
        default: DEFAULT_PATIENCE,
        requiresArg: true,
        describe: '--protocol paper: stop a training after this many epochs without validation improvement',
      })
      .option('lr-decay', {
        type: 'number',
        requiresArg: true,
        describe: `--protocol paper: learning-rate decay per epoch (default 0.8^(1/5) = ${DEFAULT_PAPER_DECAY.toFixed(4)})`,
      })
      .option('store-only', {
        type: 'boolean',
        describe:
          'train nothing: every run from the run store (also runs of an older training code with the same configuration); a missing run is an error',
      })
      .option('partial', {
        type: 'boolean',
        describe: 'with --store-only: report each row with the seeds the store holds; rows with none are left out',
      })
      .option('compare', {
        type: 'string',
        requiresArg: true,
        describe: '--protocol paper: the equal-epochs results.json to set beside it (verdicts under both protocols)',
      })
      .option('lr-from', {
        type: 'string',
        requiresArg: true,
        describe:
          "take each row's learning rate from these results.json (comma-separated, first holding the row wins) instead of the --lr grid",
      })
      .example(
        '$0 reproduce --seeds 1,2,3 --jobs 2',
        'the full reproduction, 54 trainings (about 30 min on 2 cores), docs/REPRODUCTION.md',
      )
      .example('$0 reproduce --quick', 'a CI-sized check of every row in well under a minute')
      .example(
        '$0 reproduce --slurm --time 2:00:00',
        'every run a task of a Slurm job array, then the report (docs/CLUSTER.md)',
      )
      .epilog(
        'An interrupted reproduction continues from its run store; --fresh starts over.',
      ) as unknown as Argv<ReproduceArgs>,
  handler: async (argv) => {
    if (argv.slurmStatus !== undefined) {
      process.exitCode = printStatus(argv.slurmStatus, 'run');
      return;
    }
    checkSlurmOnly(argv);
    const quick = argv.quick === true;
    const seeds = parseNumbers(argv.seeds, '--seeds', true);
    const lrGrid = parseNumbers(argv.lr ?? (quick ? QUICK_LR_GRID : FULL_LR_GRID), '--lr', false);
    let rows: ReturnType<typeof parseRows>;
    try {
      rows = parseRows(argv.rows);
    } catch (e) {
      throw new UserError(`--rows: ${(e as Error).message}`);
    }
    if (!Number.isFinite(argv.budget) || argv.budget <= 0)
      throw new UserError(`--budget: expected a positive number, got ${argv.budget}`);
    if (!Number.isInteger(argv.jobs) || argv.jobs < 1)
      throw new UserError(`--jobs: expected a whole number of at least 1, got ${argv.jobs}`);
    const sramSizes = argv.sram
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
      .map((s) => {
        const bits = parseQuantity(s, 'bit', '--sram');
        if (bits <= 0) throw new UserError(`--sram: expected a positive size, got ${JSON.stringify(s)}`);
        return bits;
      });
    const sets = argv.set === undefined ? [] : [argv.set].flat();
    if (argv.protocol !== 'equal-epochs' && argv.protocol !== 'paper') {
      throw new UserError(`--protocol: expected equal-epochs or paper, got ${JSON.stringify(argv.protocol)}`);
    }
    let paper: PaperProtocol | undefined;
    if (argv.protocol === 'paper') {
      paper = { cap: argv.cap, patience: argv.patience, lrDecay: argv.lrDecay ?? DEFAULT_PAPER_DECAY };
      checkPaperProtocol(paper);
      if (argv.budget !== 1) throw new UserError('--budget applies to --protocol equal-epochs only');
    } else if (argv.lrDecay !== undefined) {
      throw new UserError('--lr-decay applies to --protocol paper only (use --set training.lrDecay=...)');
    }
    const lrFrom =
      argv.lrFrom === undefined
        ? []
        : argv.lrFrom
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s.length > 0);
    const sources = lrFrom.length > 0 ? learningRatesWithSources(lrFrom, rows) : undefined;
    const rowLearningRates = sources
      ? Object.fromEntries(Object.entries(sources).map(([id, x]) => [id, x.learningRate]))
      : undefined;
    const learningRateSources = sources
      ? Object.fromEntries(Object.entries(sources).map(([id, x]) => [id, { file: x.file, lrDecay: x.lrDecay }]))
      : undefined;
    if (argv.compare !== undefined && !paper) throw new UserError('--compare applies to --protocol paper only');
    const compare = argv.compare !== undefined ? { file: argv.compare, result: readComparison(argv.compare) } : null;
    const out = argv.out ?? (quick ? 'out/reproduce-quick/REPRODUCTION.md' : 'docs/REPRODUCTION.md');
    const assets = assetsDir(out);
    const commandLine = canonicalCommand({
      seeds,
      lrGrid,
      quick,
      budget: argv.budget,
      rows: argv.rows,
      jobs: argv.jobs,
      out,
      sram: argv.sram,
      sets,
      fresh: argv.fresh === true,
      paper,
      lrFrom,
      compare: argv.compare,
      storeOnly: argv.storeOnly === true,
      partial: argv.partial === true,
    });
    const log = (s: string): void => {
      if (!argv.quiet) process.stderr.write(s + '\n');
    };
    const runOpts = {
      rows,
      seeds,
      lrGrid,
      quick,
      budget: argv.budget,
      sets,
      ...(paper ? { paper } : {}),
      ...(rowLearningRates ? { rowLearningRates } : {}),
    };
    if ((argv.slurm || argv.slurmTask !== undefined) && (argv.storeOnly || argv.partial)) {
      throw new UserError('--store-only and --partial train nothing: run them without --slurm');
    }
    // Every output location is checked before any work (the report's folder may be created).
    checkOutputFile(out, 'the reproduction report', { createParents: true });
    if (argv.slurm) {
      if (argv.fresh) throw new UserError(`--fresh: remove ${join(assets, 'training')} instead, then submit`);
      checkOutputDir(assets, 'the Slurm scripts and the run store');
      const flags = reproduceFlags(argv, out, sets, lrFrom);
      const sub = fileError(
        () =>
          submitReproduce(runOpts, {
            assets,
            flags,
            rbnnSim: thisCommand(),
            sbatch: sbatchFromArgs(argv),
            dryRun: argv.dryRun === true,
          }),
        `the Slurm scripts into ${assets}`,
      );
      process.exitCode = await reportSubmission(
        sub,
        resolve(assets),
        sub.tasks,
        'run',
        argv.wait === true,
        argv.quiet === true,
      );
      return;
    }
    if (argv.slurmTask !== undefined) {
      const m = /^(\d+)\/(\d+)$/.exec(argv.slurmTask.trim());
      if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) {
        throw new UserError(`--slurm-task: expected i/N with 1 <= i <= N, got ${JSON.stringify(argv.slurmTask)}`);
      }
      // Array tasks share the run store (claims, one file per run): checked, not locked.
      checkOutputDir(assets, 'the run store');
      const n = await runArrayTask(runOpts, assets, Number(m[1]), Number(m[2]), log);
      log(`task ${m[1]}/${m[2]}: ${n} run${n === 1 ? '' : 's'} trained into ${join(assets, 'training')}`);
      return;
    }
    if (argv.slurmMerge) checkArrayDone(assets);
    // The assets folder is locked (a second reproduction into it is refused) before any training.
    const files = OutputSet.open(assets, { what: 'reproduction files', command: 'rbnn-sim reproduce' });
    try {
      await reproduceInto(
        argv,
        {
          rows,
          seeds,
          lrGrid,
          quick,
          sramSizes,
          sets,
          out,
          assets,
          commandLine,
          log,
          paper,
          rowLearningRates,
          learningRateSources,
          compare,
        },
        files,
      );
    } finally {
      files.abort();
    }
  },
};

interface Plan {
  rows: ReturnType<typeof parseRows>;
  seeds: number[];
  lrGrid: number[];
  quick: boolean;
  sramSizes: number[];
  sets: string[];
  out: string;
  assets: string;
  commandLine: string;
  log: (s: string) => void;
  paper: PaperProtocol | undefined;
  rowLearningRates: ReproduceOptions['rowLearningRates'];
  learningRateSources: ReproduceOptions['learningRateSources'];
  compare: { file: string; result: ReproductionResult } | null;
}

async function reproduceInto(argv: ReproduceArgs, p: Plan, set: OutputSet): Promise<void> {
  const {
    rows,
    seeds,
    lrGrid,
    quick,
    sramSizes,
    sets,
    out,
    assets,
    commandLine,
    log,
    paper,
    rowLearningRates,
    learningRateSources,
  } = p;
  log(`${commandLine}\nrun store: ${join(assets, 'training')}`);
  const flags = {
    rows: '--rows',
    seeds: '--seeds',
    lrGrid: '--lr',
    budget: '--budget',
    jobs: '--jobs',
    sramSizes: '--sram',
  };
  const result = await namingFlags(flags, () =>
    reproduce({
      rows,
      seeds,
      lrGrid,
      quick,
      budget: argv.budget,
      sets,
      jobs: argv.slurmMerge ? 1 : argv.jobs,
      sramSizes,
      store: assets,
      fresh: argv.fresh === true,
      commandLine,
      ...(argv.slurmMerge ? { noTraining: true } : {}),
      ...(paper ? { paper } : {}),
      ...(rowLearningRates ? { rowLearningRates } : {}),
      ...(learningRateSources ? { learningRateSources } : {}),
      storeOnly: argv.storeOnly === true,
      partial: argv.partial === true,
      onRun: (e) =>
        log(
          `[${e.done}/${e.total}] ${e.row} lr=${e.learningRate} seed=${e.seed}: test ${(e.result.testError * 100).toFixed(2)} %, validation ${(e.result.validationError * 100).toFixed(2)} % (${e.cached ? 'cached' : `${e.result.seconds.toFixed(0)} s`})`,
        ),
    }),
  );
  const files = paper
    ? await writePaperProtocolReproduction(result, out, set, p.compare)
    : await writeReproduction(result, out, set);
  log(`wrote ${files.join(', ')}`);
  process.stdout.write(argv.json ? JSON.stringify(result, null, 2) + '\n' : summary(result) + '\n');
}

/** The flags that state this reproduction, as given, for the array's tasks and its merge step. */
function reproduceFlags(a: ReproduceArgs, out: string, sets: string[], lrFrom: string[]): string[] {
  const paper =
    a.protocol === 'paper'
      ? [
          '--protocol',
          'paper',
          '--cap',
          String(a.cap),
          '--patience',
          String(a.patience),
          ...(a.lrDecay !== undefined ? ['--lr-decay', String(a.lrDecay)] : []),
          ...(a.compare !== undefined ? ['--compare', a.compare] : []),
        ]
      : [];
  return [
    ...paper,
    ...(lrFrom.length > 0 ? ['--lr-from', lrFrom.join(',')] : []),
    '--seeds',
    String(a.seeds),
    ...(a.lr !== undefined ? ['--lr', String(a.lr)] : []),
    ...(a.quick ? ['--quick'] : []),
    '--budget',
    String(a.budget),
    '--rows',
    String(a.rows),
    '--sram',
    String(a.sram),
    ...sets.flatMap((x) => ['--set', x]),
    '--jobs',
    String(a.jobs),
    '--out',
    out,
  ];
}

/** docs/REPRODUCTION.md -> docs/reproduction */
export function assetsDir(out: string): string {
  return join(dirname(out), basename(out, extname(out)).toLowerCase());
}

function parseNumbers(text: string, flag: string, integers: boolean): number[] {
  const xs = String(text)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (
    xs.length === 0 ||
    xs.some((x) => !Number.isFinite(x) || x < 0 || (integers && !Number.isInteger(x)) || (!integers && x === 0))
  ) {
    throw new UserError(
      `${flag}: expected a comma-separated list of ${integers ? 'whole numbers' : 'positive numbers'}, got ${JSON.stringify(text)}`,
    );
  }
  return [...new Set(xs)];
}

function canonicalCommand(o: {
  seeds: number[];
  lrGrid: number[];
  quick: boolean;
  budget: number;
  rows: string;
  jobs: number;
  out: string;
  sram: string;
  sets: string[];
  fresh: boolean;
  paper: PaperProtocol | undefined;
  lrFrom: string[];
  compare: string | undefined;
  storeOnly: boolean;
  partial: boolean;
}): string {
  const q = (s: string): string => (/^[\w./,:=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['rbnn-sim', 'reproduce'];
  if (o.quick) parts.push('--quick');
  if (o.paper) {
    parts.push('--protocol', 'paper', '--cap', String(o.paper.cap), '--patience', String(o.paper.patience));
    if (o.paper.lrDecay !== DEFAULT_PAPER_DECAY) parts.push('--lr-decay', String(o.paper.lrDecay));
  }
  parts.push('--seeds', o.seeds.join(','));
  if (o.lrFrom.length > 0) parts.push('--lr-from', o.lrFrom.join(','));
  else parts.push('--lr', o.lrGrid.join(','));
  if (o.compare !== undefined) parts.push('--compare', q(o.compare));
  if (o.budget !== 1) parts.push('--budget', String(o.budget));
  if (o.rows !== 'all') parts.push('--rows', o.rows);
  if (o.sram !== DEFAULT_SRAM) parts.push('--sram', q(o.sram));
  for (const s of o.sets) parts.push('--set', q(s));
  parts.push('--jobs', String(o.jobs), '--out', q(o.out));
  if (o.fresh) parts.push('--fresh');
  if (o.storeOnly) parts.push('--store-only');
  if (o.partial) parts.push('--partial');
  return parts.join(' ');
}

function summary(r: ReproductionResult): string {
  const pc = (x: number): string => `${(x * 100).toFixed(2)} %`;
  const rows = r.rows.map((x) => [
    x.id,
    `${x.hiddenInitial} -> ${x.hiddenFinal}`,
    x.bits,
    x.iterations,
    x.bitsPerWeightFraction,
    x.storageKiB.toFixed(1),
    pc(x.paper.testError),
    `${pc(x.testError.mean)} ± ${(x.testError.std * 100).toFixed(2)}`,
    x.learningRate,
  ]);
  const t = table(
    ['row', 'hidden', 'n', 'k', 'bits/weight', 'KiB', 'paper error', `our error (${r.seeds.length} seeds)`, 'lr'],
    rows,
  );
  const claims = r.claims.map((c) => `- ${c.claim}: ${c.verdict.toUpperCase()} (${c.ours})`).join('\n');
  return `${t}\n\nclaims:\n${claims}\n\n${r.timing.runs} runs (${r.timing.runsTrained} trained, ${r.timing.runsCached} from the cache), ${r.timing.wallSeconds.toFixed(0)} s`;
}
