import type { CommandModule } from 'yargs';
import { configCommand } from './config.js';
import { trainCommand } from './train.js';
import { traceCommand } from './trace.js';
import { runCommand } from './run.js';
import { simulateCommand } from './simulate.js';
import { reproduceCommand } from './reproduce.js';
import { sweepCommand } from './sweep.js';
import { mergeCommand } from './merge.js';

/** Every subcommand of rbnn-sim. One file per command in this folder. */
export const commands: CommandModule<object, any>[] = [configCommand, trainCommand, traceCommand, runCommand, simulateCommand, reproduceCommand, sweepCommand, mergeCommand];
