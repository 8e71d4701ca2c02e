/**
 * `rbnn-sim sweep`: design-space exploration. Trains each distinct training configuration once
 * (cached on disk), costs every hardware point by replaying the run's operation stream, and
 * writes rows (CSV, JSON), a Markdown summary and SVG plots. See docs/SWEEP.md.
 */
import os from 'node:os';
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../config/errors.js';
import { cacheDirOf, RunStore } from '../../experiments/run-store.js';
import { resolveShard } from '../../experiments/slurm/shard-env.js';
import { mergeSlurmSweepInto, readSpecFile, submitSweep } from '../../experiments/slurm/sweep.js';
import { DEFAULT_BUDGETS } from '../../experiments/sweep/define.js';
import { openSweepOutputs, writeSweepOutputs } from '../../experiments/sweep/outputs.js';
import { runSweep } from '../../experiments/sweep/runner.js';
import type { SweepSpec } from '../../experiments/sweep/spec.js';
import { statsLine, terminalTable } from '../../experiments/sweep/summary.js';
import { checkOutputDir } from '../../io/location.js';
import type { OutputSet } from '../../io/output-set.js';
import { flagOf } from '../flag-errors.js';
import { bool, examples, num, str } from '../options.js';
import { progressBar } from '../progress.js';
import { checkSlurmOnly, printSlurmStatus, submit, withSlurmOptions, type SlurmArgs } from '../slurm-options.js';
import { specFromArgs, type SweepArgs } from '../sweep/args.js';

type Running = { spec: string; shards: number; slurmMerge: string; out: string; cache: string | boolean };
type Args = SweepArgs &
  SlurmArgs &
  Partial<Running & { workers: number; shard: string; plots: boolean; json: boolean }>;

const HW = 'Hardware axes:';
const ST = 'Storage mode (--mode storage):';
const RUN = 'Running:';
const SLURM = 'Slurm (docs/CLUSTER.md):';

const D = {
  shards: 'with --slurm: array tasks (default: one per training run, or per point when schedule-only, at most 64)',
  spec: 'run the sweep spec in this file (DIR/slurm/spec.json of a --slurm run) instead of the spec flags',
  mode:
    'hardware: fixed workloads, varying hardware; storage: for each weight-storage budget, the candidate networks ' +
    "that fit it (the paper's Figure 4)",
  presets:
    'workloads, comma-separated (R2,B1,B2; "R2+paper" combines presets); storage mode: the base of every candidate',
  sram:
    'SRAM capacities: a list (64KiB,128KiB) or a range (32KiB..1MiB with --steps N, or 32KiB..1MiB:x2, :+64KiB, ' +
    ':N)',
  vary:
    'any configuration path, repeatable: --vary hardware.sram.banks=4,8,16 ' +
    '--vary hardware.policy.frozen=recompute,cache',
  budgets: `weight-storage budgets, list or range (default ${DEFAULT_BUDGETS})`,
  rbnn: 'RBNN candidates: "hidden=50,100,200 bits=8,12,16 iterations=auto epochs=5" (keys optional), or none',
  conventional: 'conventional candidates: "hidden=50,100,200,400,800 bits=6,8,12 epochs=20", or none',
  scheduleOnly: 'cost the configured schedules without training (fast; no test error)',
  quick: 'CI-sized: 2000/1000/1000 samples (storage mode: small families, 1-2 epochs)',
  sample: 'keep N points (storage mode: N candidates per family), evenly spread',
  epochs: 'training.epochs for every workload (storage mode: of both families)',
  cache: 'training cache folder (default $XDG_CACHE_HOME/rbnn-sim or .cache/rbnn-sim); --no-cache: none',
  shard:
    'run slice i of N (i/N), for job arrays; combine with rbnn-sim merge. auto (the default inside a Slurm array ' +
    'job): from SLURM_ARRAY_TASK_ID/_MIN/_COUNT; auto/N: the task ID is i',
  epilog:
    'Training depends only on the model, training and data sections: each distinct run is trained once and ' +
    'cached; every hardware point replays its operation stream. See docs/SWEEP.md.',
};

export const sweepCommand: CommandModule<object, Args> = {
  command: 'sweep',
  describe:
    'Sweep SRAM sizes and other settings over presets (trains each network once, cached), ' +
    'with CSV/JSON/Markdown/SVG outputs',
  builder: (y: Argv) =>
    withSlurmOptions(y, 'sweep')
      .options({
        shards: num(D.shards, { group: SLURM }),
        'slurm-merge': str('the merge step of a --slurm run', { hidden: true }),
        spec: str(D.spec, { group: RUN }),
        mode: { choices: ['hardware', 'storage'], describe: D.mode },
        presets: str(D.presets, { alias: 'preset' }),
        sram: str(D.sram, { group: HW }),
        steps: num('points of a range without its own step', { group: HW }),
        scale: {
          choices: ['geometric', 'linear'],
          group: HW,
          describe: 'spacing of --steps ranges (default geometric)',
        },
        vary: str(D.vary, { group: HW }),
        budgets: str(D.budgets, { group: ST }),
        rbnn: str(D.rbnn, { group: ST }),
        conventional: str(D.conventional, { group: ST }),
        'schedule-only': bool(D.scheduleOnly),
        quick: bool(D.quick),
        sample: num(D.sample),
        config: str('configuration file merged under every point', { alias: 'c' }),
        set: str('override one key for every point, repeatable'),
        seed: num('training.seed'),
        epochs: num(D.epochs),
        out: str('folder for sweep.csv, sweep.json, summary.md and the SVG plots', { alias: 'o', group: RUN }),
        cache: { type: 'string', group: RUN, describe: D.cache },
        workers: num('worker threads (default: cores); 1: this process', { alias: 'j', group: RUN }),
        shard: str(D.shard, { group: RUN }),
        plots: bool('draw the SVG plots (--no-plots: skip)', { group: RUN }),
        json: bool('print sweep.json instead of the table', { group: RUN }),
        quiet: bool('no progress bar, no summary line', { alias: 'q', group: RUN }),
      })
      .example(
        examples([
          '$0 sweep --presets R2,B1,B2 --sram 32KiB..2MiB --steps 13 -o out/sram',
          'energy and DRAM traffic vs SRAM size (docs/SWEEP.md)',
          '$0 sweep --presets R2 --sram 128KiB,256KiB --vary hardware.sram.banks=4,8,16 -o out/banks',
          'SRAM size x banks',
          '$0 sweep --mode storage --quick -o out/fig4',
          "the paper's Figure 4 (test error vs weight storage), CI-sized",
          '$0 sweep --presets R2,B1 --sram 32KiB..1MiB:x2 --shard 2/4 -o out/s2',
          'one slice of four; then: $0 merge out/s1 out/s2 out/s3 out/s4 -o out/all',
          '$0 sweep --presets R2,B1 --sram 32KiB..1MiB:x2 --slurm --shards 4 --time 30 -o out/s',
          'a Slurm job array of 4 shards and a merge job (docs/CLUSTER.md)',
        ]),
      )
      .epilog(D.epilog) as Argv<Args>,
  handler: async (argv) => {
    if (argv.slurmStatus !== undefined) return printSlurmStatus(argv.slurmStatus, 'shard');
    if (argv.slurmMerge !== undefined) {
      const { result, files } = await mergeSlurmSweepInto(argv.slurmMerge, { plots: argv.plots !== false, warn });
      process.stdout.write(terminalTable(result));
      process.stderr.write(`merge: ${result.rows.length} points from every shard; wrote ${files.join(', ')}\n`);
      return;
    }
    checkSlurmOnly(argv);
    if (argv.shards !== undefined && !argv.slurm)
      throw new UserError('--shards needs --slurm (one shard of N: --shard i/N)');
    const spec = argv.spec !== undefined ? specOnly(argv) : specFromArgs(argv);
    const cacheDir = cacheDirOf(argv.cache);
    if (argv.slurm) {
      const out = argv.out;
      if (out === undefined)
        throw new UserError('--slurm needs --out DIR (the scripts, logs, shards and merged outputs go there)');
      if (argv.shard !== undefined)
        throw new UserError('--slurm runs every shard; --shard is for one task of an array');
      checkOutputDir(out, 'the Slurm scripts');
      if (cacheDir !== null && !spec.scheduleOnly) checkOutputDir(cacheDir, 'the training cache');
      const slurm = submit(argv);
      const shards = argv.shards !== undefined ? { shards: argv.shards } : {};
      const options = { out, ...shards, cacheDir, plots: argv.plots !== false, ...slurm.options };
      const sub = slurm.run(() => submitSweep(spec, options), `the Slurm scripts into ${out}`);
      process.exitCode = await slurm.report(sub, resolve(out), sub.shards, 'shard');
      return;
    }
    const shard = resolveShard(argv.shard);
    if (shard && shard.count > 1 && argv.out === undefined) {
      const given = argv.shard ?? 'auto (in a Slurm array job)';
      throw new UserError(`--shard ${given} needs --out (merge the shards' folders with rbnn-sim merge)`);
    }
    if (argv.workers !== undefined && (!Number.isInteger(argv.workers) || argv.workers < 1))
      throw new UserError(`--workers: expected a whole number >= 1, got ${argv.workers}`);
    // Every output location is checked (and the output folder locked) before any work.
    if (cacheDir !== null && !spec.scheduleOnly) checkOutputDir(cacheDir, 'the training cache');
    const outputs = argv.out !== undefined ? openSweepOutputs(argv.out, 'rbnn-sim sweep') : null;
    try {
      await sweepInto(argv, spec, shard, cacheDir, outputs);
    } finally {
      outputs?.abort();
    }
  },
};

const SPEC_FLAGS = 'mode presets sram steps scale vary budgets rbnn conventional scheduleOnly quick sample config set';

/** --spec FILE: the spec comes from the file; a spec flag beside it would be ignored, so it is refused. */
function specOnly(argv: Args): SweepSpec {
  for (const k of `${SPEC_FLAGS} seed epochs`.split(' ') as Array<keyof SweepArgs>) {
    if (argv[k] !== undefined) throw new UserError(`--spec: the file states the sweep; drop ${flagOf(k)}`);
  }
  return readSpecFile(argv.spec!);
}

async function sweepInto(
  argv: Args,
  spec: SweepSpec,
  shard: ReturnType<typeof resolveShard>,
  cacheDir: string | null,
  outputs: OutputSet | null,
): Promise<void> {
  const quiet = argv.quiet === true;
  const store = new RunStore(cacheDir, warn);
  const bar = progressBar(!quiet && !argv.json, 'sweep');
  let out: Awaited<ReturnType<typeof runSweep>>;
  try {
    const workers = argv.workers ?? os.availableParallelism();
    out = await runSweep(spec, { ...(shard ? { shard } : {}), workers, store, progress: bar.update });
  } finally {
    bar.stop();
  }
  const { result, stats } = out;
  process.stdout.write(argv.json ? `${JSON.stringify(result, null, 1)}\n` : terminalTable(result));
  if (outputs) {
    const files = await writeSweepOutputs(outputs, result, { plots: argv.plots !== false, warn });
    if (!quiet) process.stderr.write(`sweep: wrote ${files.join(', ')}\n`);
  }
  if (quiet) return;
  const context = { scheduleOnly: spec.scheduleOnly, cache: cacheDir !== null, shard, totalPoints: result.totalPoints };
  process.stderr.write(`sweep: ${statsLine(stats, context)}\n`);
}

const warn = (m: string): void => {
  process.stderr.write(`rbnn-sim: ${m}\n`);
};
