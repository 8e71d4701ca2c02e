import type { Argv, CommandModule } from 'yargs';
import { configToJson, configToYaml, describeFields, describeFieldsText } from '../../config/load.js';
import { OutputSet } from '../../io/output-set.js';
import { configFromArgs, withConfigOptions, type ConfigArgs } from '../options.js';

interface Args extends ConfigArgs {
  describe?: boolean;
  canonical?: boolean;
}

/** `rbnn-sim config`: the resolved configuration, or the documentation of every key. */
export const configCommand: CommandModule<object, Args> = {
  command: 'config',
  describe: 'Print the resolved configuration (defaults < preset < file < --set < flags)',
  builder: (y: Argv) =>
    withConfigOptions(y)
      .option('describe', { type: 'boolean', describe: 'list every key with what it accepts, its default and meaning' })
      .option('canonical', {
        type: 'boolean',
        describe: 'with --json: quantities as plain numbers in bits, J, Hz, s, W',
      })
      .epilog(
        'The text output is YAML and --json is JSON; both write quantities with units ("256 KiB", "8 pJ") ' +
          'and can be loaded back with --config; -o DIR also writes DIR/config.yaml (config.json with --json). ' +
          'Invocation-only settings (output.dir, output.json) are left out. --json --canonical writes plain numbers ' +
          'in the canonical units instead (bits, joules, hertz, seconds, watts).',
      ),
  handler: (argv) => {
    const cfg = configFromArgs(argv);
    if (argv.describe) {
      const fields = describeFields();
      process.stdout.write(cfg.output.json ? `${JSON.stringify(fields, null, 2)}\n` : describeFieldsText(fields));
      return;
    }
    // Saved configurations leave out the invocation-only settings (output.dir, output.json).
    const [name, text] = cfg.output.json
      ? ['config.json', `${configToJson(cfg, { canonical: argv.canonical })}\n`]
      : ['config.yaml', configToYaml(cfg)];
    if (cfg.output.dir) {
      const out = OutputSet.open(cfg.output.dir, { what: 'the configuration', command: 'rbnn-sim config' });
      try {
        out.write(name, text);
        process.stderr.write(`config: ${out.commit().join(', ')}\n`);
      } finally {
        out.abort();
      }
    }
    process.stdout.write(text);
  },
};
