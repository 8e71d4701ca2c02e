import type { CommandModule } from 'yargs';

// biome-ignore lint/suspicious/noExplicitAny: each command has its own argument type; yargs takes them as one list
type Command = CommandModule<object, any>;

/**
 * Every subcommand of rbnn-sim, one file per command in this folder, each loaded only when it
 * runs: a command pays the start-up of its own dependencies, not of all of them.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  config: async () => (await import('./config.js')).configCommand,
  train: async () => (await import('./train.js')).trainCommand,
  trace: async () => (await import('./trace.js')).traceCommand,
  run: async () => (await import('./run.js')).runCommand,
  simulate: async () => (await import('./simulate.js')).simulateCommand,
  reproduce: async () => (await import('./reproduce.js')).reproduceCommand,
  sweep: async () => (await import('./sweep.js')).sweepCommand,
  merge: async () => (await import('./merge.js')).mergeCommand,
};

/**
 * The command modules `argv` needs: the command it names; none for a bare --version; else all
 * of them (the --help listing, "did you mean ...?" for a mistyped name).
 */
export async function commandsFor(argv: readonly string[]): Promise<Command[]> {
  const named = argv.find((a) => Object.hasOwn(COMMANDS, a));
  if (named) return [await COMMANDS[named]!()];
  if (argv.length > 0 && argv.every((a) => a === '--version')) return [];
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}
