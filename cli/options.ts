/**
 * Options shared by every command that needs a configuration, and turning them into one.
 *
 *   export const builder = (y: Argv) => withConfigOptions(y).option(...);
 *   export const handler = (argv: ConfigArgs) => { const cfg = configFromArgs(argv); ... };
 */
import type { Argv } from 'yargs';
import { resolveConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';

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
    .option('config', { alias: 'c', type: 'string', requiresArg: true, group: GROUP, describe: 'configuration file (.json, .yaml, .yml) merged over the defaults' })
    .option('preset', { type: 'string', requiresArg: true, group: GROUP, describe: 'named preset(s) from configs/presets, comma-separated (R2,paper), applied before --config' })
    .option('set', { type: 'string', requiresArg: true, group: GROUP, describe: 'override one key, repeatable: --set hardware.sram.capacity="128 KiB" --set model.hidden=[200]' })
    .option('json', { type: 'boolean', group: GROUP, describe: 'print JSON instead of text (output.json)' })
    .option('seed', { type: 'number', requiresArg: true, group: GROUP, describe: 'random seed (training.seed)' })
    .option('epochs', { type: 'number', requiresArg: true, group: GROUP, describe: 'epochs per iteration (training.epochs)' })
    .option('out', { alias: 'o', type: 'string', requiresArg: true, group: GROUP, describe: 'folder for report files (output.dir)' })
    .option('quiet', { alias: 'q', type: 'boolean', group: GROUP, describe: 'no progress bar (output.progress=false)' }) as Argv<T & ConfigArgs>;
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
