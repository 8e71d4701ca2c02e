/**
 * The refresh re-open estimate (sim/dram/refresh-reopens.ts), by hand on small streams, and its
 * properties.
 *
 * Timing of the hand cases 1-4: a burst every 8 clocks on the bus, requests arriving every 8 clocks
 * (burst n at 8n), a refresh takes tRFC = 20 clocks after one precharge a clock per open bank (no
 * tRP, tRCD, precharge delay, conflict or turnaround), so it stalls the bus 20 + open banks - 1.
 *
 * 1. One row (bank 0), 20 bursts, tREFI 100, first refresh at 50. Bursts 0..6 start on arrival
 *    (0..48). Burst 7 would start at 56 >= 50: the refresh comes first; 7 requests (0..6,
 *    floor(50 / 8) + 1) have arrived and 7 bursts started: no backlog, but bank 0 still holds
 *    the row burst 7 needs: 1 re-open. Burst 7 starts at 50 + 20 = 70, the next ones back to back
 *    (burst n at 8n + 14). The refresh at 150 comes before burst 17 (150): 19 arrived, 17 started:
 *    backlog 2, both in bank 0: 1 re-open. Burst 19 starts at 186 < 250: no third refresh.
 *    2 refreshes, 2 re-opens.
 * 2. Read row 10 of bank 0 (bursts 0..3), read row 21 of bank 1 (4..7), write back row 10 of
 *    bank 0 (8..11); first refresh at 40, tREFI 1000. Bursts start on arrival; burst 5 starts at
 *    40: the refresh comes first. 6 arrived, 5 started: burst 5 waits (bank 1: 1 re-open); bank 0
 *    still holds row 10, and its next access is the write-back to row 10: 1 more. 1 refresh, 2
 *    re-opens. With the write-back to row 30 instead, bank 0 needs another row anyway: 1.
 * 3. The backlog carried from one chunk to the next (sim/dram/plan-costs.ts chunkCarryReopens).
 *    A chunk reads row 0 of bank 0 (6 bursts), then row 1 of bank 1 (6 bursts); two chunks back
 *    to back (bursts 0..23 arriving at 8n), tRFC 40 (no tRP, tRCD or precharge delay: the refresh
 *    takes 40 clocks after one precharge a clock per open bank), tREFI 100, first refresh at 50.
 *    Bursts 0..6 start on arrival (0..48); burst 7 would start at 56: the refresh at 50 comes
 *    first, 7 arrived, 7 started: backlog 0; bank 1 holds the row burst 7 needs, and bank 0 holds
 *    row 0, which the second chunk reads again: 2 re-opens. Two banks open: precharges at 50, 51,
 *    burst 7 starts at 51 + 40 = 91, 8..11 at 99..123 (the bus is now 43 clocks behind the
 *    arrivals). Chunk 2: burst 12 (arrived 96) starts at 131, 13 and 14 at 139 and 147; burst 15
 *    would start at 155: the refresh at 150 comes first, 19 arrived (0..18), 15 started: backlog
 *    4, bursts 15..17 (bank 0) and 18 (bank 1): 2 re-opens. Banks 0 and 1 open: bursts 15..22 at
 *    191..247; burst 23 would start at 255: the refresh at 250, 1 waiting (bank 1): 1 re-open. 3 refreshes, 5 re-opens. Each chunk from an empty queue
 *    instead: chunk 1 with its refresh at 50 sees no later access to bank 0's row (1 re-open),
 *    chunk 2 with its refresh 54 clocks in (as at 150 above) has no backlog and bank 0 is done
 *    (1 re-open); neither lasts to a second refresh: 2 refreshes, 2 re-opens.
 *    Chunk 2 at its own records instead (rows 2 and 3, same banks, as a load's next samples): at
 *    50 bank 0's next access is row 2, so only bank 1's row counts (1 re-open); the timing is the
 *    same (no conflict or tRCD cost here), so 150 and 250 as above: 3 refreshes, 4 re-opens.
 * 5. The refresh's command sequence (refreshEnd), default part: tRP 15, tRFC 168, tRCD 15, a read's
 *    bank precharged AL + tRTP = 6 clocks after it, a write's WL + BL/2 + tWR = 9 + 8 + 12 = 29
 *    after it; a burst every 8 clocks. Refresh due at 1000.
 *    a. 7 banks open, the last read started at 997 (bus free at 1005): precharges at 1000..1006
 *       (the read bank's may go from 1003), the refresh at 1006 + 15 = 1021, the next burst at
 *       1021 + 168 + 15 = 1204 (204 clocks after the due time, 199 after the bus was free).
 *    b. The same after a write at 997: its bank's precharge waits until 997 + 29 = 1026, the
 *       refresh at 1041, the next burst at 1224 (219 after the bus was free, as in busyClocks).
 *    c. One bank open, a read at 999: the precharge waits until 1005, refresh 1020, burst 1203.
 *    d. No bank open: the refresh at 1000 itself, the next burst at 1183.
 *    e. Two banks are open only because a request waits in them (marked by the backlog): 1001 + 15
 *       + 183 = 1199 when nothing was served since the last refresh.
 * 4. In the cost model (B1 on 32 bits, the default run on a 64-bit bus, one epoch), every operation
 *    of two or more chunks carries the re-opens of its chunks replayed back to back, each chunk at
 *    its own samples' records (restated here from refresh-reopens.ts and the part's timing), not
 *    the sum of its chunks' own. At the first chunk's records instead, a 64-bit load (1,300 bursts
 *    of 128 a row: 11 rows over 8 banks) came back to the rows of 5 banks in every next chunk, and
 *    the default window counted 453.7 re-opens where DRAMSim3 has about 150 (docs/DRAM.md).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evenPhases, refreshEnd, refreshReopens, type RowRuns } from '../../sim/dram/refresh-reopens.js';
import { planRowRuns } from '../../sim/dram/plan-costs.js';
import { Dram } from '../../sim/components/dram.js';
import { Simulator } from '../../sim/simulator.js';
import { DRAM_BUSY_CLOCKS, DRAM_READ_BURSTS, DRAM_REOPENS, DRAM_WRITE_BURSTS } from '../../sim/counters.js';
import { config, isCosted, scheduleOps } from './helpers.js';

const timing = (extra: Partial<Parameters<typeof refreshReopens>[1]> = {}) => ({
  burstClocks: 8,
  pace: 8,
  tREFI: 100,
  precharge: 0,
  refresh: 20,
  readToPrecharge: 0,
  writeToPrecharge: 0,
  activate: 0,
  conflict: 0,
  readToWrite: 0,
  writeToRead: 0,
  queue: 96,
  ...extra,
});

const runsOf = (list: Array<[key: number, bank: number, len: number, write?: boolean]>): RowRuns => ({
  keys: list.map((r) => r[0]),
  banks: list.map((r) => r[1]),
  lens: list.map((r) => r[2]),
  writes: list.map((r) => (r[3] ? 1 : 0)),
});

describe('refresh re-opens, by hand', () => {
  it('one row: the row in use at each refresh, with and without a backlog', () => {
    const seen: Array<[number, number]> = [];
    const r = refreshReopens(runsOf([[0, 0, 20]]), timing(), [50], 1 << 15, (_c, backlog, n) =>
      seen.push([backlog, n]),
    );
    expect(r).toEqual({ refreshes: 2, reopens: 2 });
    expect(seen).toEqual([
      [0, 1],
      [2, 1],
    ]);
  });

  it('a row the stream comes back to (a write-back) is re-opened; one it leaves is not', () => {
    const t = timing({ tREFI: 1000 });
    const back = runsOf([
      [10, 0, 4],
      [21, 1, 4],
      [10, 0, 4, true],
    ]);
    expect(refreshReopens(back, t, [40])).toEqual({ refreshes: 1, reopens: 2 });
    const away = runsOf([
      [10, 0, 4],
      [21, 1, 4],
      [30, 0, 4, true],
    ]);
    expect(refreshReopens(away, t, [40])).toEqual({ refreshes: 1, reopens: 1 });
  });

  it('a refresh after the last burst started falls outside the stream: not counted', () => {
    expect(refreshReopens(runsOf([[0, 0, 4]]), timing({ tREFI: 1000 }), [500])).toEqual({ refreshes: 0, reopens: 0 });
    expect(evenPhases(3120, 4)).toEqual([390, 1170, 1950, 2730]);
  });
});

describe("the refresh's command sequence, by hand (case 5)", () => {
  it('precharges one a clock, the last-used bank after its read or write, then tRP, tRFC, tRCD', () => {
    const t = timing({ precharge: 15, refresh: 168, activate: 15, readToPrecharge: 6, writeToPrecharge: 29 });
    const open = (banks: number[]): Int32Array => {
      const a = new Int32Array(8).fill(-1);
      for (const b of banks) a[b] = 0;
      return a;
    };
    const none = new Int32Array(8);
    expect(refreshEnd(t, 1000, open([0, 1, 2, 3, 4, 5, 6]), none, 1, 1005, 0)).toBe(1204);
    expect(refreshEnd(t, 1000, open([0, 1, 2, 3, 4, 5, 6]), none, 1, 1005, 1)).toBe(1224);
    expect(refreshEnd(t, 1000, open([3]), none, 1, 1007, 0)).toBe(1203);
    expect(refreshEnd(t, 1000, open([]), none, 1, 1005, 1)).toBe(1183);
    const waiting = new Int32Array(8);
    waiting[2] = 7;
    waiting[5] = 7;
    expect(refreshEnd(t, 1000, open([]), waiting, 7, null, 0)).toBe(1199);
  });
});

describe('the backlog carried from chunk to chunk, by hand', () => {
  it('two chunks back to back keep the bus time lost to a refresh and the rows they come back to', () => {
    const t = timing({ refresh: 40 });
    const chunk: Array<[number, number, number]> = [
      [0, 0, 6],
      [1, 1, 6],
    ];
    const seen: Array<[number, number, number]> = [];
    const carried = refreshReopens(runsOf([...chunk, ...chunk]), t, [50], 1 << 15, (c, backlog, n) =>
      seen.push([c, backlog, n]),
    );
    expect(carried).toEqual({ refreshes: 3, reopens: 5 });
    expect(seen).toEqual([
      [50, 0, 2],
      [150, 4, 2],
      [250, 1, 1],
    ]);
    const alone = [refreshReopens(runsOf(chunk), t, [50]), refreshReopens(runsOf(chunk), t, [54])];
    expect(alone).toEqual([
      { refreshes: 1, reopens: 1 },
      { refreshes: 1, reopens: 1 },
    ]);
  });

  it('a second chunk at its own records (other rows) does not make the first refresh re-open bank 0', () => {
    const t = timing({ refresh: 40 });
    const seen: Array<[number, number, number]> = [];
    const own = runsOf([
      [0, 0, 6],
      [1, 1, 6],
      [2, 0, 6],
      [3, 1, 6],
    ]);
    const r = refreshReopens(own, t, [50], 1 << 15, (c, backlog, n) => seen.push([c, backlog, n]));
    expect(r).toEqual({ refreshes: 3, reopens: 4 });
    expect(seen).toEqual([
      [50, 0, 1],
      [150, 4, 2],
      [250, 1, 1],
    ]);
  });
});

describe('refresh re-open properties', () => {
  const arbRuns = fc
    .array(fc.record({ bank: fc.nat(3), row: fc.nat(2), len: fc.integer({ min: 1, max: 40 }), write: fc.boolean() }), {
      minLength: 1,
      maxLength: 12,
    })
    .map((list) => runsOf(list.map((x) => [x.bank * 3 + x.row, x.bank, x.len, x.write])));
  const arbTiming = fc.record({
    pace: fc.integer({ min: 8, max: 12 }),
    tREFI: fc.integer({ min: 60, max: 400 }),
    // The refresh sequence (tRFC + tRCD + one precharge a clock for up to 4 banks) stays under tREFI.
    refresh: fc.integer({ min: 0, max: 30 }),
    activate: fc.nat(15),
    conflict: fc.nat(30),
    queue: fc.integer({ min: 1, max: 40 }),
  });

  it('re-opens are never negative and never exceed the banks in use at each refresh', () => {
    fc.assert(
      fc.property(arbRuns, arbTiming, (runs, t) => {
        const banks = new Set(Array.from(runs.banks)).size;
        let perRefreshOk = true;
        const r = refreshReopens(runs, timing(t), evenPhases(t.tREFI, 4), 1 << 15, (_c, backlog, n) => {
          if (n < 0 || n > banks || backlog < 0 || backlog > t.queue) perRefreshOk = false;
        });
        expect(perRefreshOk).toBe(true);
        expect(r.reopens).toBeGreaterThanOrEqual(0);
        expect(r.reopens).toBeLessThanOrEqual(r.refreshes * banks);
      }),
      { numRuns: 200 },
    );
  });

  // A deeper queue activates more banks ahead, and each open bank costs the refresh a precharge
  // (a clock), so later refreshes may fall elsewhere; up to the first refresh the two replays are
  // the same, and there the deeper queue holds a superset of the banks.
  it('monotone in the backlog the controller may hold (queue size) at the first refresh, all else equal', () => {
    fc.assert(
      fc.property(arbRuns, arbTiming, fc.integer({ min: 1, max: 40 }), (runs, t, more) => {
        for (const phase of evenPhases(t.tREFI, 4)) {
          const first = (queue: number): number[] => {
            const seen: number[] = [];
            refreshReopens(runs, timing({ ...t, queue }), [phase], 1 << 15, (c, _b, n) => {
              if (c === phase) seen.push(n);
            });
            return seen;
          };
          const small = first(t.queue);
          const large = first(t.queue + more);
          expect(large.length).toBe(small.length);
          if (small.length > 0) expect(large[0]).toBeGreaterThanOrEqual(small[0]!);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('an operation of several chunks, in the cost model', () => {
  // B1 on the default 32-bit bus (a burst every BL/2 = 8 clocks) and the default run on a 64-bit bus
  // (BL8: 4 clocks), where a load's chunk of records spans fewer rows than there are banks.
  const cases: Array<[name: string, preset: string | undefined, extra: Record<string, unknown>, burstClocks: number]> =
    [
      ['B1, 32-bit bus', 'B1', {}, 8],
      ['default, 64-bit bus', undefined, { 'hardware.dram.busWidth': '64 b', 'hardware.dram.burst': '512 b' }, 4],
    ];
  it.each(cases)(
    '%s: its re-opens are those of its chunks, each at its own records, back to back',
    (_n, preset, extra, bc) => {
      const cfg = config({ 'training.epochs': 1, ...extra }, preset);
      const sim = new Simulator(cfg);
      const ops = scheduleOps(cfg);
      for (const o of ops) sim.op(o);
      const model = sim.costModel!;
      const dram = new Dram(cfg.hardware);
      const p = dram.part;
      let multi = 0;
      for (const o of ops) {
        if (!isCosted(o)) continue;
        const { vec, chunks } = model.cost(o);
        const bursts = vec[DRAM_READ_BURSTS]! + vec[DRAM_WRITE_BURSTS]!;
        if (chunks.full + (chunks.rest > 0 ? 1 : 0) < 2 || bursts === 0) continue;
        multi++;
        // Restated independently of plan-costs.ts: the chunks' runs one after another, requests every
        // busy / bursts clocks, four refresh phases, the controller's 32 + 8 per bank requests.
        // Chunk k's per-sample records start at sample k x chunk (the trace's order).
        const parts = [...Array(chunks.full).fill(chunks.fullPlan!), ...(chunks.rest > 0 ? [chunks.restPlan!] : [])];
        const all = parts.map((plan, k) => planRowRuns(plan, dram, k * chunks.chunk).runs);
        const runs = runsOf(
          all.flatMap((r) =>
            Array.from(r.keys, (k, i): [number, number, number, boolean] => [
              k,
              r.banks[i]!,
              r.lens[i]!,
              r.writes[i] === 1,
            ]),
          ),
        );
        const busy = vec[DRAM_BUSY_CLOCKS]!;
        const t = {
          burstClocks: bc,
          pace: Math.max(bc, busy / bursts),
          tREFI: 3120,
          precharge: p.tRP,
          refresh: p.tRFC,
          readToPrecharge: dram.readToPrecharge,
          writeToPrecharge: dram.writeToPrecharge,
          activate: p.tRCD,
          conflict: p.tRP + p.tRCD,
          readToWrite: dram.readToWrite,
          writeToRead: dram.writeToRead,
          queue: 32 + 8 * 8,
        };
        const replayed = Math.min(
          1 << 16,
          Array.from(runs.lens).reduce((a, b) => a + b, 0),
        );
        const r = refreshReopens(runs, t, evenPhases(3120, 4), replayed);
        expect(r.refreshes).toBeGreaterThan(0);
        expect(vec[DRAM_REOPENS]).toBe(Math.round((busy / 3120) * (r.reopens / r.refreshes) * 16) / 16);
      }
      expect(multi).toBeGreaterThan(0);
    },
  );
});
