/**
 * Rows a refresh forces the controller to open again, from a queue model of the stream.
 *
 * A refresh precharges every bank; a bank whose open row is the row its next access needs
 * would have hit it, and now activates it again. Open at the refresh (DRAMSim3 src/command_queue.cc,
 * controller.cc: per-bank command queues, a bank's first command activates its row as soon as the
 * bank is free) are the rows each bank last served and, ahead of them, the rows of the requests
 * the controller already holds (the backlog, at most its queues). So the re-opens of one refresh
 * are: one for every bank with a request waiting, plus one for every other bank whose next access
 * in the stream is to the row it still holds (the row being read, or one the stream comes back to,
 * as a write-back to rows just read).
 *
 * The backlog follows from arrivals against service: requests arrive at our trace stamps' pace
 * (`pace` clocks a burst: the port's busy time over its bursts), the device serves one burst per
 * burst time, starts a row no earlier than tRCD after its first request arrived (the controller
 * opens a row once a request for it is queued), loses tRP + tRCD to a back-to-back conflict in
 * one bank and, at every refresh, the refresh's command sequence. Refreshes come every tREFI of
 * absolute time, at a phase unknown to the operation: averaged over `phases` evenly spread phases.
 *
 * The refresh's commands as DRAMSim3 issues them (src/controller.cc, command_queue.cc
 * FinishRefresh, channel_state.cc GetReadyCommand): from the clock it falls due no read or write
 * issues; every open bank is precharged, one command a clock, the bank last read or written no
 * earlier than AL + tRTP after its read, WL + BL/2 + tWR after its write (timing.cc
 * read_to_precharge, write_to_precharge); tRP after the last precharge the refresh; tRFC later
 * the banks activate again, tRCD later the next burst. Open at the refresh are the banks that
 * served a burst since the previous refresh closed them and those with a request waiting (the
 * controller activates them ahead). How far behind its stamps the device is at each refresh (the
 * backlog) depends on these few clocks: requests arrive at the busy time's pace, which leaves the
 * bus about 7 clocks of slack per refresh interval on a long stream.
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
  /** Clocks from a precharge to the refresh: tRP. */
  precharge: number;
  /** Clocks from the refresh to an activation: tRFC. */
  refresh: number;
  /** Clocks from a read, a write command to the precharge of its bank: AL + tRTP; WL + BL/2 + tWR. */
  readToPrecharge: number;
  writeToPrecharge: number;
  /** Clocks from a row's activation to its first read or write: tRCD. */
  activate: number;
  /** Clocks a back-to-back row conflict in one bank adds: tRP + tRCD. */
  conflict: number;
  /** Clocks a switch from reads to writes, from writes to reads adds. */
  readToWrite: number;
  writeToRead: number;
  /** Requests the controller holds at most (transaction queue + command queues). */
  queue: number;
}

export interface RefreshReopens {
  /** Refreshes that fell inside the stream, summed over the phases. */
  refreshes: number;
  /** Re-opens those refreshes caused, summed over the phases. */
  reopens: number;
}

/** Marks in `mark` (with `stamp`) the banks of `n` bursts starting `into` bursts into run i. */
function banksAhead(runs: RowRuns, i: number, into: number, n: number, mark: Int32Array, stamp: number): void {
  let left = n;
  let skip = into;
  for (let j = i; left > 0 && j < runs.keys.length; j++) {
    mark[runs.banks[j]!] = stamp;
    left -= runs.lens[j]! - skip;
    skip = 0;
  }
}

/**
 * The clock at which the first burst after a refresh due at `due` may start (the comment at the top):
 * `open` banks precharged one a clock from `due`, the last-used bank's no earlier than its
 * command's precharge delay (`free`: the end of the last burst on the bus, null before the first;
 * `write`: its direction), then tRP, tRFC and tRCD. No bank open: the refresh at `due`.
 */
export function refreshEnd(
  t: RefreshQueueTiming,
  due: number,
  lastRun: Int32Array,
  mark: Int32Array,
  stamp: number,
  free: number | null,
  write: number,
): number {
  let open = 0;
  for (let k = 0; k < lastRun.length; k++) if (lastRun[k]! >= 0 || mark[k] === stamp) open++;
  let refresh = due;
  if (open > 0) {
    const lastPrecharge =
      free === null ? -Infinity : free - t.burstClocks + (write === 1 ? t.writeToPrecharge : t.readToPrecharge);
    refresh = Math.max(due + open - 1, lastPrecharge) + t.precharge;
  }
  return refresh + t.refresh + t.activate;
}

/** The first refresh of `phases` evenly spread phases: (k + 1/2) / phases x tREFI, k = 0..phases-1. */
export function evenPhases(tREFI: number, phases: number): number[] {
  return Array.from({ length: phases }, (_, k) => ((k + 0.5) / phases) * tREFI);
}

/**
 * Re-opens and refreshes of the stream, summed over runs whose first refresh comes at each of
 * `firstRefresh` (clocks from the stream's first arrival; then every tREFI). Burst by burst
 * (within a row, from refresh to refresh), at most `maxBursts` bursts of the stream.
 */
export function refreshReopens(
  runs: RowRuns,
  t: RefreshQueueTiming,
  firstRefresh: readonly number[],
  maxBursts = 1 << 15,
  onRefresh?: (clock: number, backlog: number, reopens: number) => void,
): RefreshReopens {
  const R = runs.keys.length;
  let total = 0;
  for (let i = 0; i < R; i++) total += runs.lens[i]!;
  total = Math.min(total, maxBursts);
  let banks = 0;
  for (let i = 0; i < R; i++) banks = Math.max(banks, runs.banks[i]! + 1);
  // The next run in the same bank, -1 when the bank is not used again.
  const nextInBank = new Int32Array(R).fill(-1);
  const lastSeen = new Int32Array(banks).fill(-1);
  for (let i = R - 1; i >= 0; i--) {
    nextInBank[i] = lastSeen[runs.banks[i]!]!;
    lastSeen[runs.banks[i]!] = i;
  }
  const lastRun = new Int32Array(banks); // per bank: the last run it served (its open row)
  const mark = new Int32Array(banks);
  let stamp = 0;
  let refreshes = 0;
  let reopens = 0;
  for (const first of firstRefresh) {
    lastRun.fill(-1);
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
      const runStart = n;
      const end = n + Math.min(runs.lens[i]!, maxBursts - n);
      while (n < end) {
        const r = n - runStart;
        const arrival = n * t.pace;
        let start: number;
        if (r > 0) {
          // Bursts of one row start at max(arrival, free + k bursts) (pace >= burst time): jump to
          // the first one a refresh precedes, or to the end of the run.
          const byArrival = Math.ceil(nextRefresh / t.pace);
          const byBus = n + Math.ceil((nextRefresh - free) / t.burstClocks);
          const target = Math.min(Math.max(n, Math.min(byArrival, byBus)), end);
          if (target > n) {
            const last = target - 1;
            free = Math.max(last * t.pace, free + (last - n) * t.burstClocks) + t.burstClocks;
            lastRun[bank] = i;
            n = target;
            continue;
          }
          start = Math.max(arrival, free);
        } else {
          start = Math.max(arrival, free);
          if (prevWrite >= 0 && write !== prevWrite) {
            start = Math.max(start, free + (write ? t.readToWrite : t.writeToRead));
          }
          // A row is opened once its first request is there: tRCD after it arrives at the earliest
          // (hidden when it waited in the queue), tRP + tRCD after the bank's previous row in a conflict.
          if (key !== prevKey) start = Math.max(start, arrival + t.activate, bank === prevBank ? free + t.conflict : 0);
        }
        while (nextRefresh <= start) {
          // Requests that arrived by the refresh and are not served yet: bursts n.. up to it.
          const arrived = Math.min(Math.floor(nextRefresh / t.pace) + 1, total);
          const backlog = Math.min(Math.max(arrived - n, 0), t.queue);
          refreshes++;
          stamp++;
          banksAhead(runs, i, r, backlog, mark, stamp);
          let here = 0;
          for (let k = 0; k < banks; k++) {
            if (mark[k] === stamp) here++;
            else {
              const last = lastRun[k]!;
              const next = last < 0 ? -1 : last === i ? i : nextInBank[last]!;
              if (next >= 0 && runs.keys[next] === runs.keys[last]) here++;
            }
          }
          reopens += here;
          const resume = refreshEnd(
            t,
            nextRefresh,
            lastRun,
            mark,
            stamp,
            n > 0 ? free : null,
            r > 0 ? write : prevWrite,
          );
          // A part whose refresh outlasts tREFI would never serve a burst (no preset comes near: 200 of 3120).
          if (resume >= nextRefresh + t.tREFI)
            throw new Error(`refresh sequence of ${resume - nextRefresh} clocks >= tREFI`);
          start = Math.max(start, resume);
          lastRun.fill(-1); // every bank precharged; rows open again as they are served
          onRefresh?.(nextRefresh, backlog, here);
          nextRefresh += t.tREFI;
        }
        free = start + t.burstClocks;
        lastRun[bank] = i;
        n++;
      }
      prevKey = key;
      prevBank = bank;
      prevWrite = write;
    }
  }
  return { refreshes, reopens };
}
