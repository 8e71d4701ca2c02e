let pipesWatched = false;

/**
 * `rbnn-sim config | head -1`: when the reader of standard output (or error) goes away, writes
 * fail with EPIPE, reported as an 'error' event that would crash the process with a stack trace.
 * Ignore it instead: the command finishes what it was doing (report files are still written) and
 * exits quietly; what it prints goes nowhere, as the reader asked.
 */
export function quietBrokenPipes(): void {
  if (pipesWatched) return;
  pipesWatched = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
  }
}
