/**
 * Options shared by every command that needs a configuration, and turning them into one.
 *
 *   export const builder = (y: Argv) => withConfigOptions(y).option(...);
 *   export const handler = (argv: ConfigArgs) => { const cfg = configFromArgs(argv); ... };
 */
import { totalmem } from 'node:os';
import type { Argv } from 'yargs';
import { resolveConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { UserError } from '../config/errors.js';
import { networkSpec } from '../model/network.js';
import { checkModelFitsData } from '../config/data-shape.js';
import { writing } from '../io/fs-error.js';

export interface ConfigArgs {
  config?: string;
  preset?: string;
  set?: string | string[];
  json?: boolean;
  seed?: number;
  epochs?: number;
  out?: string;
  quiet?: boolean;
}

const GROUP = 'Configuration:';

/** Adds --config, --preset, --set, --json, --seed, --epochs, --out, --quiet to a command. */
export function withConfigOptions<T>(y: Argv<T>): Argv<T & ConfigArgs> {
  // No defaults: an absent flag must leave the value of the config file (or preset) alone.
  return y
    .option('config', {
      alias: 'c',
      type: 'string',
      requiresArg: true,
      group: GROUP,
      describe: 'configuration file (.json, .yaml, .yml) merged over the defaults',
    })
    .option('preset', {
      type: 'string',
      requiresArg: true,
      group: GROUP,
      describe: 'named preset(s) from configs/presets, comma-separated (R2,paper), applied before --config',
    })
    .option('set', {
      type: 'string',
      requiresArg: true,
      group: GROUP,
      describe: 'override one key, repeatable: --set hardware.sram.capacity="128 KiB" --set model.hidden=[200]',
    })
    .option('json', { type: 'boolean', group: GROUP, describe: 'print JSON instead of text (output.json)' })
    .option('seed', { type: 'number', requiresArg: true, group: GROUP, describe: 'random seed (training.seed)' })
    .option('epochs', {
      type: 'number',
      requiresArg: true,
      group: GROUP,
      describe: 'epochs per iteration (training.epochs)',
    })
    .option('out', {
      alias: 'o',
      type: 'string',
      requiresArg: true,
      group: GROUP,
      describe: 'folder for report files (output.dir)',
    })
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      group: GROUP,
      describe: 'no progress bar (output.progress=false)',
    }) as Argv<T & ConfigArgs>;
}

/** The resolved configuration: defaults < --preset < --config < --set < the other flags. */
export function configFromArgs(argv: ConfigArgs): Config {
  return resolveConfig({
    file: argv.config,
    preset: argv.preset,
    sets: argv.set === undefined ? [] : [argv.set].flat(),
    overrides: {
      'training.seed': argv.seed,
      'training.epochs': argv.epochs,
      'output.dir': argv.out,
      'output.json': argv.json,
      'output.progress': argv.quiet ? false : undefined,
    },
  });
}

/**
 * Refuses, before any data is loaded, a network the trainer cannot hold in this machine's memory
 * (the simulated DRAM is unbounded, the host running the arithmetic is not). The estimate counts
 * the trained sub-network (weights, signs, gradients, best-so-far and checkpoint copies: 40 bytes
 * a weight), the frozen ones (their signs: 12 bytes a weight), the batch buffers and the data.
 */
export function checkTrainingFits(cfg: Config, available = totalmem()): void {
  checkModelFitsData(cfg);
  const { topology, plan } = networkSpec(cfg.model);
  const dims = topology.dims;
  const W0 = dims.slice(0, -1).reduce((s, d, l) => s + d * dims[l + 1]!, 0);
  const K = plan.iterations.length;
  const t = cfg.training;
  const width = dims.reduce((a, b) => a + b, 0);
  const weightBytes = W0 * (40 + 12 * Math.max(0, K - 1));
  const batchBytes = Math.max(t.batch, t.evalBatch) * width * 8 * 4;
  const samples = t.trainSamples + t.validationSamples + t.testSamples;
  const dataBytes = 60_000 * dims[0]! * 3 + samples * dims[dims.length - 1]! * 8;
  const need = weightBytes + batchBytes + dataBytes;
  if (need <= available) return;
  const gib = (b: number): string => `${(b / 2 ** 30).toPrecision(3)} GiB`;
  const field =
    weightBytes >= batchBytes ? 'model.hidden' : t.batch >= t.evalBatch ? 'training.batch' : 'training.evalBatch';
  throw new UserError(
    `${field}: training a ${dims.join('-')} network (${W0.toExponential(2)} weights per sub-network, ${K} sub-network${K > 1 ? 's' : ''}, batch ${Math.max(t.batch, t.evalBatch)}) needs about ${gib(need)} of memory; this machine has ${gib(available)}`,
  );
}

/** Runs a file-writing step; a file-system error becomes a one-line UserError about `what`. */
export function fileError<T>(write: () => T, what: string): T {
  return writing(what, write);
}
