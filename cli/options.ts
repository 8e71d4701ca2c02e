/**
 * Options shared by every command that needs a configuration, and turning them into one.
 *
 *   export const builder = (y: Argv) => withConfigOptions(y).option(...);
 *   export const handler = (argv: ConfigArgs) => { const cfg = configFromArgs(argv); ... };
 */
import type { Argv, Options } from 'yargs';
import { resolveConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
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
const PRESET = 'named preset(s) from configs/presets, comma-separated (R2,paper), applied before --config';
const SET = 'override one key, repeatable: --set hardware.sram.capacity="128 KiB" --set model.hidden=[200]';

/** Adds --config, --preset, --set, --json, --seed, --epochs, --out, --quiet to a command. */
export function withConfigOptions<T>(y: Argv<T>): Argv<T & ConfigArgs> {
  // No defaults: an absent flag must leave the value of the config file (or preset) alone.
  const config = 'configuration file (.json, .yaml, .yml) merged over the defaults';
  return y.options({
    config: { alias: 'c', type: 'string', requiresArg: true, group: GROUP, describe: config },
    preset: { type: 'string', requiresArg: true, group: GROUP, describe: PRESET },
    set: { type: 'string', requiresArg: true, group: GROUP, describe: SET },
    json: { type: 'boolean', group: GROUP, describe: 'print JSON instead of text (output.json)' },
    seed: { type: 'number', requiresArg: true, group: GROUP, describe: 'random seed (training.seed)' },
    epochs: { type: 'number', requiresArg: true, group: GROUP, describe: 'epochs per iteration (training.epochs)' },
    out: {
      alias: 'o',
      type: 'string',
      requiresArg: true,
      group: GROUP,
      describe: 'folder for report files (output.dir)',
    },
    quiet: { alias: 'q', type: 'boolean', group: GROUP, describe: 'no progress bar (output.progress=false)' },
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

/** Runs a file-writing step; a file-system error becomes a one-line UserError about `what`. */
export function fileError<T>(write: () => T, what: string): T {
  return writing(what, write);
}

/** Option tables, one line an option: a string or number flag that takes a value, or a boolean. */
export const str = (describe: string, more: Options = {}): Options => ({
  type: 'string',
  requiresArg: true,
  describe,
  ...more,
});
export const num = (describe: string, more: Options = {}): Options => ({
  type: 'number',
  requiresArg: true,
  describe,
  ...more,
});
export const bool = (describe: string, more: Options = {}): Options => ({ type: 'boolean', describe, ...more });
/** yargs examples from a flat list: command, description, command, description, ... */
export const examples = (flat: string[]): Array<[string, string]> =>
  flat.flatMap((x, i) => (i % 2 === 0 ? [[x, flat[i + 1]!] as [string, string]] : []));
