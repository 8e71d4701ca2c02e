import type { CommandModule } from 'yargs';

/** Every subcommand of rbnn-sim. One file per command in this folder. */
export const commands: CommandModule<object, any>[] = [];
