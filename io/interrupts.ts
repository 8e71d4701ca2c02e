/**
 * Ctrl-C (SIGINT) and SIGTERM during a training run. The first signal asks the run to stop after
 * the current batch; the command then writes a checkpoint and a partial report marked
 * incomplete, and exits with 128 + the signal number (130 for SIGINT, 143 for SIGTERM). A second
 * signal exits at once with that code: every file rbnn-sim writes is written to a temporary
 * name and renamed when complete (and written synchronously, so a signal handler never runs in
 * the middle of one), and the 'exit' handler of traces/writer.ts removes open temporary trace
 * files, so nothing half-written is left under a final name.
 *
 * The training loop is synchronous; `train()` yields to the event loop every few tens of
 * milliseconds (trainer/train.ts YIELD_MS) so that these handlers run.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface Interrupts {
  /** The first signal received, or null. */
  readonly signal: StopSignal | null;
  /** Whether a stop was asked for (pass as the trainer's shouldStop). */
  requested(): boolean;
  /** Exit code for the signal received (130 / 143), 0 if none. */
  exitCode(): number;
  /** Removes the handlers (signals are back to their default: immediate termination). */
  dispose(): void;
}

export const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** Installs the SIGINT and SIGTERM handlers until dispose(). */
export function catchInterrupts(what = 'the current batch'): Interrupts {
  let first: StopSignal | null = null;
  const handler = (sig: StopSignal): void => {
    if (first === null) {
      first = sig;
      const again = sig === 'SIGINT' ? 'press Ctrl-C again' : 'send it again';
      process.stderr.write(
        `\nrbnn-sim: ${sig}: stopping after ${what} to write a checkpoint (${again} to quit at once)\n`,
      );
      return;
    }
    process.stderr.write(`rbnn-sim: ${sig} again: quitting at once\n`);
    process.exit(SIGNAL_EXIT[sig]);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    get signal() {
      return first;
    },
    requested: () => first !== null,
    exitCode: () => (first === null ? 0 : SIGNAL_EXIT[first]),
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
