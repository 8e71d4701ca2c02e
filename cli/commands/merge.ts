/**
 * `rbnn-sim merge`: combines the output folders of the shards of one sweep
 * (`rbnn-sim sweep ... --shard i/N --out DIR_i`) into the outputs an unsharded run writes.
 */
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../config/errors.js';
import { mergeResults, readSweepResult } from '../../experiments/sweep/merge.js';
import { openSweepOutputs, writeSweepOutputs } from '../../experiments/sweep/outputs.js';
import { terminalTable } from '../../experiments/sweep/summary.js';

type Args = Partial<{ inputs: string[]; out: string; partial: boolean; plots: boolean; json: boolean; quiet: boolean }>;

const OUT = 'folder for the merged sweep.csv, sweep.json, summary.md and plots';

export const mergeCommand: CommandModule<object, Args> = {
  command: 'merge <inputs..>',
  describe: 'Merge the shards of a sweep (their --out folders) into one set of outputs',
  builder: (y: Argv) =>
    y
      .positional('inputs', {
        type: 'string',
        array: true,
        describe: 'output folders (or sweep.json files) of the shards',
      })
      .options({
        out: { alias: 'o', type: 'string', requiresArg: true, demandOption: true, describe: OUT },
        partial: { type: 'boolean', describe: 'merge even when some points are missing' },
        plots: { type: 'boolean', describe: 'draw the SVG plots (--no-plots: skip)' },
        json: { type: 'boolean', describe: 'print the merged sweep.json instead of the table' },
        quiet: { alias: 'q', type: 'boolean', describe: 'no summary line' },
      })
      .example('$0 merge out/s1 out/s2 out/s3 out/s4 -o out/all', 'four shards of one sweep'),
  handler: async (argv) => {
    const inputs = argv.inputs ?? [];
    if (inputs.length === 0) throw new UserError('merge: give the output folders of the shards');
    const outputs = openSweepOutputs(argv.out!, 'rbnn-sim merge'); // checked and locked before reading the shards
    let files: string[];
    let merged: ReturnType<typeof mergeResults>;
    try {
      merged = mergeResults(
        inputs.map((name) => ({ name, result: readSweepResult(name) })),
        { partial: argv.partial === true },
      );
      process.stdout.write(argv.json ? `${JSON.stringify(merged.result, null, 1)}\n` : terminalTable(merged.result));
      const warn = (m: string) => process.stderr.write(`rbnn-sim: ${m}\n`);
      files = await writeSweepOutputs(outputs, merged.result, { plots: argv.plots !== false, warn });
    } finally {
      outputs.abort();
    }
    if (argv.quiet) return;
    const { result, missing } = merged;
    const n = inputs.length;
    const shards = `${n} shard${n === 1 ? '' : 's'}${missing.length ? ` (${missing.length} missing)` : ''}`;
    const line =
      `merge: ${result.rows.length} of ${result.totalPoints} points from ${shards}; wrote ` + `${files.join(', ')}`;
    process.stderr.write(`${line}\n`);
  },
};
