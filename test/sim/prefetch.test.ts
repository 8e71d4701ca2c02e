/**
 * Cross-operation prefetch (issue 14): with a second input and label buffer in SRAM
 * (policy.prefetch auto, when both fit after every other tensor), the next batch's load runs under
 * the current batch's compute: its DRAM port time is hidden, its counts and energy per action are
 * unchanged, and the DRAM's busy clocks during that compute are active standby, not idle.
 *
 * Worked by hand on the tiny accelerator (test/sim/tiny.ts) with 2 KiB of SRAM (2 banks of 1 KiB,
 * 16-bit words; everything fits, and so do the twins: input 2 samples x 4 pixels x 4 bits = 32 b,
 * labels 2 x 8 b = 16 b). A training load of the batch of 2: 2 DRAM records (40 b each, padded to
 * one 8-byte burst) = 2 bursts, and 3 SRAM word writes (2 input words, 1 label word).
 *   without prefetch: cycles = max(SRAM bound, DRAM bound 2 bursts x 2 cycles + 3 cycles of
 *   latency = 7) = 7;
 *   with prefetch:    cycles = the SRAM bound alone (the busiest bank's writes: 2) = 2.
 * The run: one training, one validation and one test load of 2 samples (one batch each), each 5
 * cycles shorter: the load phase takes 6 cycles instead of 21, the run 135 instead of 150.
 */
import { describe, expect, it } from 'vitest';
import type { CostedOp } from '../../model/ops.js';
import { enumerateSchedule } from '../../trainer/schedule.js';
import { Simulator } from '../../sim/simulator.js';
import { dramBackgroundOf, tap } from './helpers.js';
import { tiny } from './tiny.js';
import { toConfig, overridesArb } from './random-config.js';
import fc from 'fast-check';

function run(prefetch: 'auto' | 'off', extra: Record<string, unknown> = {}) {
  const cfg = tiny({ 'hardware.sram.capacity': '2 KiB', 'hardware.policy.prefetch': prefetch, ...extra });
  const sim = new Simulator(cfg);
  const ops: CostedOp[] = [];
  enumerateSchedule(
    cfg,
    tap(sim, (o) => ops.push(o)),
  );
  const load = ops.find((o) => o.kind === 'load' && o.purpose === 'train')!;
  return { sim, load, loads: ops.filter((o) => o.kind === 'load').length, report: sim.report() };
}

describe('prefetch of the next batch under the current one (double-buffered input)', () => {
  it('hides a load DRAM time: 7 -> 2 cycles, counts and dynamic energy unchanged', () => {
    const off = run('off');
    const on = run('auto');
    expect(off.report.placement.tensors.some((t) => t.name === 'input.next')).toBe(false);
    expect(on.report.placement.tensors.map((t) => t.name)).toEqual(
      expect.arrayContaining(['input.next', 'labels.next']),
    );
    const a = off.sim.costOf(off.load);
    const b = on.sim.costOf(on.load);
    expect(a.counts.dramReadBursts).toBe(2);
    expect(a.counts.sramWrites).toBe(3);
    expect(a.cycles).toMatchObject({ compute: 0, sram: 2, dram: 7, total: 7 });
    expect(b.cycles).toMatchObject({ compute: 0, sram: 2, dram: 7, total: 2 });
    expect(b.counts).toEqual(a.counts);
    expect(b.energy.dynamic).toBe(a.energy.dynamic);
    expect(on.loads).toBe(3);
    expect(off.report.byPhase.load?.cycles.total).toBe(21);
    expect(on.report.byPhase.load?.cycles.total).toBe(6);
    expect([off.report.total.cycles.total, on.report.total.cycles.total]).toEqual([150, 135]);
  });

  it('is off when the second buffer does not fit (the hand-checked 224-bit SRAM)', () => {
    const cfg = tiny({ 'hardware.policy.prefetch': 'auto' });
    const sim = new Simulator(cfg);
    enumerateSchedule(cfg, sim);
    expect(sim.report().placement.tensors.some((t) => t.name === 'input.next')).toBe(false);
    expect(sim.report().total.cycles.total).toBe(168);
  });

  it('device DRAM: the busy clocks move from the idle state to active standby; states add up to the time', () => {
    fc.assert(
      fc.property(overridesArb, (o) => {
        const base = toConfig({ ...o, dramModel: 'device' });
        const big = { ...base.hardware.sram, capacity: 64 * 1024 * 8, banks: 2, wordWidth: 64 };
        const on = { ...base, hardware: { ...base.hardware, sram: big } };
        const off = {
          ...on,
          hardware: { ...on.hardware, policy: { ...on.hardware.policy, prefetch: 'off' as const } },
        };
        const cost = (cfg: typeof on) => {
          const sim = new Simulator(cfg);
          enumerateSchedule(cfg, sim);
          return sim.report();
        };
        const r = cost(on);
        const s = cost(off);
        expect(r.placement.tensors.some((t) => t.name === 'input.next')).toBe(true);
        // Same work: counts and dynamic energy equal; time never longer.
        expect(r.total.counts.dramReadBursts).toBe(s.total.counts.dramReadBursts);
        expect(r.total.energy.byAction['dram.read']).toBe(s.total.energy.byAction['dram.read']);
        expect(r.total.cycles.total).toBeLessThanOrEqual(s.total.cycles.total);
        // The DRAM's state clocks still partition the elapsed time.
        const st = r.total.dramStates;
        const states = st.activeStandby + st.prechargeStandby + st.powerDown + st.selfRefresh;
        const perClock = r.hardware.clockHz * r.hardware.dram.clockRatio;
        expect(Math.abs(states - r.total.seconds)).toBeLessThanOrEqual((r.total.ops * 0.5) / perClock);
        // DRAM energy = the sum of its parts.
        const background = dramBackgroundOf(r);
        expect(Math.abs(r.total.energy.background - background)).toBeLessThanOrEqual(
          1e-9 * Math.max(background, 1e-30),
        );
      }),
      { numRuns: 25 },
    );
  });
});
