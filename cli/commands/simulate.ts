/**
 * `rbnn-sim simulate`: the simulation report of the configured training run. With
 * --schedule-only the configured schedule is costed without training (every planned epoch of
 * every iteration; the full paper schedule takes well under a second); without it the network is
 * trained on MNIST as `rbnn-sim run` does.
 */
import type { Argv, CommandModule } from 'yargs';
import { addTraceOptions } from '../trace-options.js';
import { bool, examples, str, withConfigOptions } from '../options.js';
import { runSimulation, withMappingsOption, type RunArgs } from './run.js';

const SCHEDULE_ONLY = 'cost the configured schedule without training (every planned epoch runs; fast)';
const EPOCHS_FROM =
  'with --schedule-only: run as many epochs per iteration as the trained run in this report.json ' +
  '(or training result) did';

export const simulateCommand: CommandModule<object, RunArgs> = {
  command: 'simulate',
  describe: 'Simulate the configured training run on the accelerator (--schedule-only: without training)',
  builder: (y: Argv) =>
    withMappingsOption(addTraceOptions(withConfigOptions(y)))
      .options({ 'schedule-only': bool(SCHEDULE_ONLY), 'epochs-from': str(EPOCHS_FROM) })
      .example(
        examples([
          '$0 simulate --schedule-only --preset R2,paper',
          "the paper's full R2 schedule (7 iterations x 1000 epochs, batch 1000)",
          '$0 simulate --schedule-only --preset B1 --set hardware.sram.capacity="1 MiB"',
          'B1 on a larger SRAM',
          '$0 simulate --schedule-only --mappings map.txt',
          "also write every shape's chosen mapping (like Timeloop's map.txt)",
          '$0 simulate --schedule-only --preset R3 --epochs-from out/R3/report.json',
          'the energy of an early-stopped R3 run, from the epochs it used',
        ]),
      )
      .epilog('The accelerator model and its defaults: docs/HARDWARE.md.'),
  handler: async (argv) => {
    process.exitCode = await runSimulation(argv, argv.scheduleOnly === true);
  },
};
