/**
 * The DRAM device model (sim/dram/, docs/DRAM.md): energies and times worked out by hand from
 * the IDD formulas of the default part (one x32 LPDDR3-1600 device, 64 B bursts = BL16, 8 banks,
 * rochrababgco: burst b is in bank (b div 64) mod 8, row b div 512), and properties over random
 * configurations.
 *
 * LPDDR3-1600 (DRAMSim3 configs/LPDDR3_8Gb_x32_1600.ini): VDD 1.2 V, tCK 1.25 ns, 1 device.
 *   read burst   1.2 x (250 - 21) mA x 8 clocks x 1.25 ns          = 2748 pJ
 *   write burst  1.2 x (245 - 21) x 8 x 1.25                         = 2688 pJ
 *   activation   1.2 x (40 x 49 - (21 x 34 + 20.5 x 15)) x 1.25      = 1407.75 pJ
 *   refresh      1.2 x (150 - 21) x 168 x 1.25                       = 32508 pJ (every 3120 clocks)
 *   per clock    active standby 1.2 x 21 x 1.25 = 31.5 pJ; precharge standby 30.75 pJ;
 *                power-down 1.2 x 1.3 x 1.25 = 1.95 pJ; self-refresh 31.5 pJ
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AccessEvent, AccessSink } from '../../traces/events.js';
import type { CostedOp } from '../../model/ops.js';
import { Dram } from '../../sim/components/dram.js';
import { Simulator } from '../../sim/simulator.js';
import { dramStateCosts } from '../../sim/dram/plan-costs.js';
import { dramBackgroundEnergy, dramEntries, dramEnergy, DRAM_BACKGROUND_ACTIONS } from '../../sim/dram/energy.js';
import { idleStates } from '../../sim/dram/power.js';
import {
  CYCLES,
  DRAM_ACTIVATIONS,
  DRAM_BUSY_CLOCKS,
  DRAM_READ_BURSTS,
  DRAM_REOPENS,
  counterLength,
} from '../../sim/counters.js';
import { config, scheduleOps } from './helpers.js';

const pj = 1e-12;
const lpddr3 = (extra: Record<string, unknown> = {}) => config(extra).hardware;

/** One chunk's counters: `bursts` reads whose bursts are `seq`, lasting `cycles` accelerator cycles. */
function chunk(d: Dram, seq: number[], cycles: number): Float64Array {
  const v = new Float64Array(counterLength(1));
  const rb = d.rowBuffers();
  for (const b of seq) rb.burst(b);
  v[DRAM_READ_BURSTS] = seq.length;
  v[DRAM_ACTIVATIONS] = rb.activations;
  const { busy, refreshes } = d.busyClocks(seq.length, rb.conflicts);
  v[DRAM_BUSY_CLOCKS] = busy;
  // One row in use at a time in these sequences: a refresh costs one re-opening.
  v[DRAM_REOPENS] = refreshes;
  v[CYCLES] = cycles;
  dramStateCosts(d, v);
  return v;
}

describe('DRAM device model, by hand from the IDD formulas (LPDDR3-1600, 1 x32 device)', () => {
  const hw = lpddr3();
  const d = new Dram(hw);
  const e = dramEntries(hw, d);

  it('energies per action and per clock in each state', () => {
    expect(d.devices).toBe(1);
    expect(d.burstLength).toBe(16);
    expect(d.burstClocks).toBe(8);
    expect(d.clockRatio).toBe(8);
    expect(e['dram.read'].energy * 512).toBeCloseTo(2748 * pj, 18);
    expect(e['dram.write'].energy * 512).toBeCloseTo(2688 * pj, 18);
    expect(e['dram.activate'].energy).toBeCloseTo(1407.75 * pj, 18);
    expect(e['dram.refresh'].energy).toBeCloseTo(32508 * pj, 18);
    expect(e['dram.active-standby'].energy).toBeCloseTo(31.5 * pj, 18);
    expect(e['dram.precharge-standby'].energy).toBeCloseTo(30.75 * pj, 18);
    expect(e['dram.power-down'].energy).toBeCloseTo(1.95 * pj, 18);
    expect(e['dram.self-refresh'].energy).toBeCloseTo(31.5 * pj, 18);
  });

  it('a few bursts in one row: one activation, 8 clocks a burst, refresh share of the busy time', () => {
    // Bursts 0..3: bank 0, row 0. Work 4 x 8 = 32 clocks. A refresh stalls the bus for
    // tRP 15 + tRFC 168 + tRCD 15 plus its precharges: the banks a stream opens in an interval,
    // 1 + (3120 - 168) / 8 / 64 = 6.765625, one command a clock, less half a burst (3.5) they
    // overlap: 2.265625; stall 200.265625, so a refresh every 3120 - 200.265625 = 2919.734375
    // clocks of work: 32 / 2919.734375 expected refreshes (one re-opening each, in `chunk`).
    const stall = 198 + 2.265625;
    expect(d.refreshStall).toBe(stall);
    const v = chunk(d, [0, 1, 2, 3], 5);
    const reopens = 32 / (3120 - stall);
    expect(v[DRAM_ACTIVATIONS]).toBe(1);
    expect(v[DRAM_REOPENS]).toBeCloseTo(reopens, 12);
    expect(v[DRAM_BUSY_CLOCKS]).toBeCloseTo(32 + reopens * stall, 9);
    // The port: ceil(busy / 8) + latency 100 ns = 10 cycles.
    expect(d.cycles(v[DRAM_BUSY_CLOCKS]!)).toBe(5 + 10);
    const en = dramEnergy(v, e, 512);
    expect(en['dram.read']).toBeCloseTo(4 * 2748 * pj, 18);
    expect(en['dram.activate']).toBeCloseTo((1 + reopens) * 1407.75 * pj, 18);
  });

  it('a row miss in the same bank is an exposed tRP + tRCD; one in another bank hides', () => {
    const miss = d.rowBuffers();
    for (const b of [0, 512]) miss.burst(b); // bank 0 row 0, then bank 0 row 1
    expect([miss.activations, miss.conflicts]).toEqual([2, 1]);
    expect(d.busyClocks(2, 1).busy).toBeCloseTo((16 + 30) * (3120 / (3120 - 200.265625)), 9);
    const other = d.rowBuffers();
    for (const b of [0, 64, 0]) other.burst(b); // bank 0, bank 1, bank 0 again (row still open)
    expect([other.activations, other.conflicts]).toEqual([2, 0]);
    // A whole row, then the next: 64 bursts per 4 KiB row, consecutive rows in consecutive banks.
    const stream = d.rowBuffers();
    stream.range(0, 64 * 9);
    expect([stream.activations, stream.conflicts]).toEqual([9, 0]);
  });

  it('read/write turnarounds and write recovery at refresh (DRAMSim3 timing.cc, LPDDR3: RL 12, WL 9, BL/2 8)', () => {
    // reads to writes RL + BL/2 - WL + tRTRS - BL/2 = 12 - 9 + 1 = 4; writes to reads
    // WL + BL/2 + tWTR - BL/2 = 9 + 6 = 15. A refresh after a write: the written bank's precharge
    // waits WL + BL/2 + tWR = 29 clocks after the write command, CWL + tWR = 21 after the next
    // burst slot; the read case's precharges (2.265625 beyond that slot) go in that time: 18.734375
    // more, 219 clocks in all (198 + 21). Two reads then two writes, one switch each way (around
    // the cycle): work 4 x 8 + 4 + 15 = 51; half the bursts write: stall 200.265625 + 18.734375 / 2.
    expect([d.readToWrite, d.writeToRead, d.writeRecovery]).toEqual([4, 15, 18.734375]);
    expect(d.refreshStall + d.writeRecovery).toBe(219);
    expect([d.readToPrecharge, d.writeToPrecharge]).toEqual([6, 29]);
    const stall = 200.265625 + 18.734375 / 2;
    const { busy, refreshes } = d.busyClocks(4, 0, { readToWrite: 1, writeToRead: 1, writes: 2 });
    expect(refreshes).toBeCloseTo(51 / (3120 - stall), 12);
    expect(busy).toBeCloseTo(51 + (51 / (3120 - stall)) * stall, 9);
  });

  it('an idle stretch crossing the power-down and self-refresh thresholds', () => {
    const p = { policy: 'self-refresh' as const, after: 16, selfAfter: 1000 };
    const t = d.part; // tXP 6, tXS 176, tREFI 3120
    expect(idleStates(21, true, p, t)).toEqual({
      active: 21,
      precharge: 0,
      powerDown: 0,
      selfRefresh: 0,
      powerDownExits: 0,
      selfRefreshExits: 0,
    });
    expect(idleStates(22, true, p, t)).toEqual({
      active: 16,
      precharge: 6,
      powerDown: 0,
      selfRefresh: 0,
      powerDownExits: 1,
      selfRefreshExits: 0,
    });
    expect(idleStates(500, false, p, t)).toEqual({
      active: 0,
      precharge: 16 + 6,
      powerDown: 478,
      selfRefresh: 0,
      powerDownExits: 1,
      selfRefreshExits: 0,
    });
    expect(idleStates(2000, true, p, t)).toEqual({
      active: 16,
      precharge: 176,
      powerDown: 984,
      selfRefresh: 824,
      powerDownExits: 0,
      selfRefreshExits: 1,
    });
    // Through the simulator's chunk costing: 4 bursts (32 clocks of work), then idle to 2000 +
    // busy clocks: 250 accelerator cycles = 2000 DRAM clocks in all.
    const sr = new Dram(lpddr3({ 'hardware.dram.powerDown': 'self-refresh', 'hardware.dram.selfRefreshAfter': 1000 }));
    const v = chunk(sr, [0, 1, 2, 3], 250);
    const busy = v[DRAM_BUSY_CLOCKS]!;
    const s = idleStates(2000 - busy, true, p, t);
    expect(s.selfRefreshExits).toBe(1);
    const bg = dramBackgroundEnergy(v, dramEntries(lpddr3(), sr));
    const expected =
      (busy + 16) * 31.5 +
      176 * 30.75 +
      984 * 1.95 +
      s.selfRefresh * 31.5 +
      (Math.round(((2000 - s.selfRefresh) / 3120) * 16) / 16) * 32508;
    expect(bg / pj).toBeCloseTo(expected, 6);
  });

  it('one refresh interval idle in standby: one refresh and 3120 clocks of precharge standby', () => {
    const sb = new Dram(lpddr3({ 'hardware.dram.powerDown': 'standby' }));
    const v = chunk(sb, [], 390); // 390 cycles x 8 = 3120 DRAM clocks, no DRAM access
    const en = dramEnergy(v, dramEntries(lpddr3(), sb), 512);
    expect(en['dram.refresh']).toBeCloseTo(32508 * pj, 18);
    expect(en['dram.precharge-standby']).toBeCloseTo(3120 * 30.75 * pj, 18);
    expect(en['dram.active-standby'] + en['dram.power-down'] + en['dram.self-refresh']).toBe(0);
    // Power-down after 16 clocks instead: 16 + 6 clocks standby, 3098 power-down.
    const pd = new Dram(lpddr3());
    const w = dramEnergy(chunk(pd, [], 390), dramEntries(lpddr3(), pd), 512);
    expect(w['dram.power-down']).toBeCloseTo(3098 * 1.95 * pj, 18);
    expect(w['dram.precharge-standby']).toBeCloseTo(22 * 30.75 * pj, 18);
  });
});

describe('DRAM properties', () => {
  const parts = ['lpddr3-1600', 'lpddr4-2400', 'ddr4-3200', 'ddr3-1600'] as const;
  const policies = ['standby', 'power-down', 'self-refresh'] as const;

  it('background energy is monotone in idle time (every part and policy)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...parts),
        fc.constantFrom(...policies),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 20000 }),
        fc.integer({ min: 0, max: 40000 }),
        fc.integer({ min: 0, max: 40000 }),
        fc.boolean(),
        (part, policy, after, selfAfter, a, b, touched) => {
          const hw = lpddr3({
            'hardware.dram.part': part,
            'hardware.dram.busWidth': part === 'lpddr3-1600' ? '32 b' : '16 b',
            'hardware.dram.powerDown': policy,
            'hardware.dram.powerDownAfter': after,
            'hardware.dram.selfRefreshAfter': selfAfter,
          });
          const d = new Dram(hw);
          const e = dramEntries(hw, d);
          const seq = touched ? [0, 1] : [];
          const energy = (cycles: number) => dramBackgroundEnergy(chunk(d, seq, cycles), e);
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(energy(hi + 2)).toBeGreaterThanOrEqual(energy(lo + 2) * (1 - 1e-12));
        },
      ),
      { numRuns: 300 },
    );
  });

  const small = (x: {
    part: (typeof parts)[number];
    policy: (typeof policies)[number];
    capacity: string;
    schedule: string;
    gradients: string;
  }) =>
    config({
      'model.schedule': x.schedule,
      'model.hidden': [24],
      'model.inputs': 40,
      'model.bits': 4,
      'model.maxIterations': 2,
      'training.trainSamples': 30,
      'training.validationSamples': 10,
      'training.testSamples': 10,
      'training.batch': 10,
      'training.evalBatch': 10,
      'training.epochs': 2,
      'hardware.sram.capacity': x.capacity,
      'hardware.sram.banks': 4,
      'hardware.mac.lanes': 8,
      'hardware.policy.gradients': x.gradients,
      'hardware.dram.part': x.part,
      'hardware.dram.busWidth': x.part === 'lpddr3-1600' ? '32 b' : '16 b',
      'hardware.dram.burst': '32 B',
      'hardware.dram.powerDown': x.policy,
    });
  const arb = fc.record({
    part: fc.constantFrom(...parts),
    policy: fc.constantFrom(...policies),
    capacity: fc.constantFrom('512 B', '2 KiB', '8 KiB'),
    schedule: fc.constantFrom('rbnn', 'conventional'),
    gradients: fc.constantFrom('fused', 'sram', 'dram'),
  });

  it('DRAM energy is the sum of its parts: dynamic actions plus background by state plus refresh', () => {
    fc.assert(
      fc.property(arb, (x) => {
        const cfg = small(x);
        const sim = new Simulator(cfg);
        for (const o of scheduleOps(cfg)) sim.op(o);
        for (const s of [sim.report().total, ...Object.values(sim.report().byPhase)]) {
          const by = s.energy.byAction;
          const bg = DRAM_BACKGROUND_ACTIONS.reduce((acc, a) => acc + by[a], 0);
          expect(s.energy.background).toBeCloseTo(bg, 18);
          expect(s.energy.total).toBeCloseTo(s.energy.dynamic + s.energy.leakage + s.energy.background, 18);
          expect(bg).toBeGreaterThan(0);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('activations = row changes of the traced address sequence, and stamps never run faster than the port', () => {
    fc.assert(
      fc.property(arb, (x) => {
        const cfg = small(x);
        const d = new Dram(cfg.hardware);
        // A tiny open-page model of its own: bank and row from the byte address (rochrababgco with
        // channel and rank of width 0: column, then bank group, bank, then row).
        const p = d.part;
        const burstsPerRow = p.columns / d.burstLength;
        const banks = p.bankGroups * p.banksPerGroup;
        let open = new Map<number, number>();
        let changes = 0;
        let start = 0;
        let k = 0;
        const sink: AccessSink = {
          access: (e: AccessEvent) => {
            if (e.component !== 'dram') return;
            const burst = e.address / d.burstBytes;
            const bankBits = Math.floor(burst / burstsPerRow);
            const bg = bankBits % p.bankGroups;
            const ba = Math.floor(bankBits / p.bankGroups) % p.banksPerGroup;
            const bank = ba * p.bankGroups + bg;
            const row = Math.floor(burst / (burstsPerRow * banks));
            if (open.get(bank) !== row) {
              changes++;
              open.set(bank, row);
            }
            // The k-th burst of an operation: no earlier than k bursts after its first cycle.
            expect(e.cycle + 1e-9).toBeGreaterThanOrEqual(start + k * d.cyclesPerBurst);
            expect(Math.floor(e.cycle * d.clockRatio + 1e-9)).toBeGreaterThanOrEqual(k * d.burstClocks);
            k++;
          },
        };
        // Batch 0 of every epoch and pass (sim/dram/plan-costs.ts: records are costed at the
        // first batch's addresses); every op one chunk (evalBatch = batch); banks precharged at
        // the start of every op.
        let sim: Simulator | null = null;
        const filter = (o: CostedOp): boolean => {
          const take = o.where.batch === 0 && o.repeat === 1;
          if (take) {
            open = new Map();
            start = sim!.cycles;
            k = 0;
          }
          return take;
        };
        sim = new Simulator(cfg, { trace: { sink, filter } });
        for (const o of scheduleOps(cfg, false)) sim.op(o);
        const t = sim.report().traced.counts;
        expect(t.dram.rowChanges).toBe(changes);
        expect(t.dramReadBursts + t.dramWriteBursts).toBeGreaterThan(0);
      }),
      { numRuns: 25 },
    );
  });
});
