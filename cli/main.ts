import { commandsFor } from './commands/index.js';
import { isUserError } from '../config/errors.js';
import { fsErrorLine, isFsError } from '../io/fs-error.js';
import { quietBrokenPipes } from '../io/std-streams.js';
import { packageVersion } from '../config/version.js';

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  quietBrokenPipes();
  let exitCode = 0;
  // `rbnn-sim --version` alone: what yargs would print, without loading it (start-up, docs/PERFORMANCE.md).
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const [{ default: yargs }, commands] = await Promise.all([import('yargs'), commandsFor(argv)]);
  const parser = yargs(argv)
    .scriptName('rbnn-sim')
    .usage('$0 <command> [options]\n\nSimulate RBNN training on an on-device learning accelerator.')
    .command(commands)
    .middleware(singleValued, true)
    .demandCommand(1, 'Name a command (see --help).')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    // main() is a library entry point: --help and --version print and return, never exit the process.
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      // yargs' own parse errors (YError: a flag missing its value, ...) are usage errors too.
      if (err && !isUserError(err) && err.name !== 'YError') throw err;
      // recommendCommands() says only "Did you mean train?": say what was typed too.
      const typed = argv.find((a) => a === '-' || !a.startsWith('-'));
      if (!err && /^Did you mean /.test(msg))
        msg = `unknown command${typed === undefined ? '' : ` "${typed}"`} (d${msg.slice(1)})`;
      throw new UsageError(err ? err.message : msg);
    });
  try {
    await parser.parseAsync();
    exitCode = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof UsageError || isUserError(e)) {
      process.stderr.write(`rbnn-sim: ${oneLine(e.message)}\n`);
      return 2;
    }
    // A file-system error no command turned into a UserError (a full disk, a file where a folder
    // should be): still the user's machine, not a bug. One line naming the path, exit code 2.
    if (isFsError(e)) {
      process.stderr.write(`rbnn-sim: ${fsErrorLine(e)}\n`);
      return 2;
    }
    throw e;
  }
  return exitCode;
}

class UsageError extends Error {}

/**
 * Flags of the shared options (configuration, checkpoints, traces) that take one value. Given
 * twice yargs hands over a list, which would reach the code as a wrong type. The same value
 * twice (--no-checkpoint --no-checkpoint) is harmless and collapses to one; different values
 * (--preset R2 --preset B1) are refused, naming the flag. (--set, and commands' own repeatable
 * flags, stay lists.)
 */
const SINGLE = new Set([
  ...'config preset seed epochs out checkpoint resume format window cycles'.split(' '),
  ...'trace-format trace-window trace-file trace-cycles'.split(' '),
]);

function singleValued(argv: Record<string, unknown>): void {
  for (const key of SINGLE) {
    const value = argv[key];
    if (!Array.isArray(value)) continue;
    if (!value.every((v) => JSON.stringify(v) === JSON.stringify(value[0]))) {
      throw new UsageError(`--${key}: given ${value.length} different values, give one`);
    }
    // Aliases (-o for --out) and the camel-case key (traceFile) hold the list too: collapse them.
    const camel = key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    for (const [k, v] of Object.entries(argv)) if (v === value || k === camel) argv[k] = value[0];
    argv[key] = value[0];
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
