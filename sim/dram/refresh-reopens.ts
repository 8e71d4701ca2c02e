/**
 * Rows a refresh forces the controller to open again, from a queue model of the stream.
 *
 * A refresh precharges every bank; a row open at that moment costs a second activation if the
 * stream still needs it. Open then (DRAMSim3 src/command_queue.cc, controller.cc: per-bank
 * command queues, a bank's first command activates its row as soon as the bank is free) are
 * the row of the burst the controller serves next and the rows of every request it already
 * holds. So the re-opens of one refresh are the distinct rows among the requests waiting at the
 * refresh (the backlog, at most the controller's queues), or, with no request waiting, the
 * current row when the next burst continues it.
 *
 * The backlog follows from arrivals against service: requests arrive at our trace stamps' pace
 * (`pace` clocks a burst: the port's busy time over its bursts), the device serves one burst per
 * burst time, starts a row no earlier than tRCD after its first request arrived (the controller
 * opens a row once a request for it is queued), loses tRP + tRCD to a back-to-back conflict in
 * one bank and the refresh stall (precharge, tRFC, re-activate) at every refresh. Refreshes come every tREFI of absolute time,
 * at a phase unknown to the operation: averaged over `phases` evenly spread phases.
 */

/** The stream to replay: one key per (bank, row) run, its length in bursts and its bank. */
export interface RowRuns {
  keys: ArrayLike<number>;
  lens: ArrayLike<number>;
  banks: ArrayLike<number>;
  /** 1 where the run writes. */
  writes: ArrayLike<number>;
}

export interface RefreshQueueTiming {
  /** DRAM clocks per burst of the bus. */
  burstClocks: number;
  /** Clocks between request arrivals (>= burstClocks). */
  pace: number;
  /** Clocks between refreshes. */
  tREFI: number;
  /** Clocks a refresh stops the bus: tRP + tRFC + tRCD. */
  stall: number;
  /** Clocks from a row's activation to its first read or write: tRCD. */
  activate: number;
  /** Clocks a back-to-back row conflict in one bank adds: tRP + tRCD. */
  conflict: number;
  /** Clocks a switch from reads to writes, from writes to reads adds; a refresh's extra wait after a write. */
  readToWrite: number;
  writeToRead: number;
  writeRecovery: number;
  /** Requests the controller holds at most (transaction queue + command queues). */
  queue: number;
}

export interface RefreshReopens {
  /** Refreshes that fell inside the stream, summed over the phases. */
  refreshes: number;
  /** Re-opens those refreshes caused, summed over the phases. */
  reopens: number;
}

/** Distinct keys among runs i.. covering `n` bursts starting `into` bursts into run i. */
function distinctAhead(runs: RowRuns, i: number, into: number, n: number, seen: Set<number>): number {
  seen.clear();
  let left = n;
  let j = i;
  let skip = into;
  while (left > 0 && j < runs.keys.length) {
    seen.add(runs.keys[j]!);
    left -= runs.lens[j]! - skip;
    skip = 0;
    j++;
  }
  return seen.size;
}

/** The first refresh of `phases` evenly spread phases: (k + 1/2) / phases x tREFI, k = 0..phases-1. */
export function evenPhases(tREFI: number, phases: number): number[] {
  return Array.from({ length: phases }, (_, k) => ((k + 0.5) / phases) * tREFI);
}

/**
 * Re-opens and refreshes of the stream, summed over runs whose first refresh comes at each of
 * `firstRefresh` (clocks from the stream's first arrival; then every tREFI). Burst by burst,
 * at most `maxBursts` bursts of the stream (the backlog settles within a few refresh intervals).
 */
export function refreshReopens(
  runs: RowRuns,
  t: RefreshQueueTiming,
  firstRefresh: readonly number[],
  maxBursts = 1 << 15,
  onRefresh?: (clock: number, backlog: number, reopens: number) => void,
): RefreshReopens {
  const seen = new Set<number>();
  let refreshes = 0;
  let reopens = 0;
  for (const first of firstRefresh) {
    let nextRefresh = first;
    let free = 0; // clock at which the bus can start the next burst
    let n = 0; // bursts replayed so far
    let prevKey = -1;
    let prevBank = -1;
    let prevWrite = -1;
    for (let i = 0; i < runs.keys.length && n < maxBursts; i++) {
      const key = runs.keys[i]!;
      const bank = runs.banks[i]!;
      const write = runs.writes[i]!;
      const len = Math.min(runs.lens[i]!, maxBursts - n);
      for (let r = 0; r < len; r++, n++) {
        const arrival = n * t.pace;
        let start = Math.max(arrival, free);
        if (r === 0 && prevWrite >= 0 && write !== prevWrite) {
          start = Math.max(start, free + (write ? t.readToWrite : t.writeToRead));
        }
        // A row is opened once its first request is there: tRCD after it arrives at the earliest
        // (hidden when it waited in the queue), tRP + tRCD after the bank's previous row in a conflict.
        if (r === 0 && key !== prevKey) {
          start = Math.max(start, arrival + t.activate, bank === prevBank ? free + t.conflict : 0);
        }
        while (nextRefresh <= start) {
          // Requests that arrived by the refresh and are not served yet: bursts n.. up to it.
          const arrived = Math.floor(nextRefresh / t.pace) + 1;
          const backlog = Math.min(Math.max(arrived - n, 0), t.queue);
          refreshes++;
          const here = backlog > 0 ? distinctAhead(runs, i, r, backlog, seen) : r > 0 || key === prevKey ? 1 : 0;
          reopens += here;
          onRefresh?.(nextRefresh, backlog, here);
          start = Math.max(start, nextRefresh + t.stall + ((r > 0 ? write : prevWrite) === 1 ? t.writeRecovery : 0));
          nextRefresh += t.tREFI;
        }
        free = start + t.burstClocks;
      }
      prevKey = key;
      prevBank = bank;
      prevWrite = write;
    }
  }
  return { refreshes, reopens };
}
