/**
 * Properties of the simulator over random accelerators and schedules (fast-check).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Config } from '../../config/schema.js';
import type { Op } from '../../model/ops.js';
import { Simulator } from '../../sim/simulator.js';
import { ENERGY_ACTIONS, type CostSummary, type SimReport } from '../../sim/report.js';
import { dramBackgroundOf, scheduleOps } from './helpers.js';
import { overridesArb, toConfig } from './random-config.js';

function cost(cfg: Config, ops: readonly Op[]): SimReport {
  const sim = new Simulator(cfg);
  for (const o of ops) sim.op(o);
  return sim.report();
}

function summaries(r: SimReport): CostSummary[] {
  return [r.total, ...Object.values(r.byPhase), ...r.byIteration];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const RUNS = { numRuns: 60 };

describe('simulator properties over random configurations and schedules', () => {
  it('per-bank SRAM counts sum to the totals (run, phases, iterations, layers)', () => {
    fc.assert(
      fc.property(overridesArb, (o) => {
        const r = cost(toConfig(o), scheduleOps(toConfig(o)));
        for (const s of summaries(r)) {
          expect(sum(s.counts.sramReadsPerBank)).toBe(s.counts.sramReads);
          expect(sum(s.counts.sramWritesPerBank)).toBe(s.counts.sramWrites);
        }
        // Phases, iterations and layers each partition the run.
        for (const parts of [Object.values(r.byPhase), r.byIteration, r.byLayer]) {
          expect(sum(parts.map((p) => p.counts.sramReads))).toBe(r.total.counts.sramReads);
          expect(sum(parts.map((p) => p.counts.bufferReads + p.counts.sramReadsMinimum))).toBe(
            r.total.counts.bufferReads + r.total.counts.sramReadsMinimum,
          );
          expect(sum(parts.map((p) => p.counts.dramReadBursts + p.counts.dramWriteBursts))).toBe(
            r.total.counts.dramReadBursts + r.total.counts.dramWriteBursts,
          );
          expect(sum(parts.map((p) => p.cycles.total))).toBe(r.total.cycles.total);
          expect(sum(parts.map((p) => p.energy.total))).toBeCloseTo(r.total.energy.total, 20);
        }
      }),
      RUNS,
    );
  });

  it('energy equals the sum of counts x energy-table entries plus leakage over the elapsed time', () => {
    fc.assert(
      fc.property(overridesArb, (o) => {
        const cfg = toConfig(o);
        const r = cost(cfg, scheduleOps(cfg));
        const e = Object.fromEntries(r.energyTable.entries.map((x) => [x.action, x.energy]));
        const c = r.total.counts;
        const dynamic =
          c.sramReads * e['sram.read']! +
          c.sramWrites * e['sram.write']! +
          c.dramReadBytes * 8 * e['dram.read']! +
          c.dramWriteBytes * 8 * e['dram.write']! +
          c.dramActivations * e['dram.activate']! +
          c.macBits * e['mac.step']! +
          c.bufferReads * e['buffer.read']! +
          c.bufferWrites * e['buffer.write']! +
          c.regReads * e['regfile.read']! +
          c.regWrites * e['regfile.write']!;
        // SRAM and operand buffer leak at the same cells' rate per bit.
        const leakPower = r.energyTable.leakagePower + r.energyTable.bufferLeakagePower!;
        const leakage = (leakPower * r.total.cycles.total) / cfg.hardware.clock;
        const rel = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b), 1e-30);
        expect(rel(r.total.energy.dynamic, dynamic)).toBe(true);
        expect(rel(r.total.energy.leakage, leakage)).toBe(true);
        // DRAM background: refreshes and seconds per state x the per-clock entries.
        const st = r.total.dramStates;
        const perClock = r.hardware.clockHz * r.hardware.dram.clockRatio;
        const background = dramBackgroundOf(r);
        expect(Math.abs(r.total.energy.background - background)).toBeLessThanOrEqual(
          1e-9 * Math.max(background, 1e-30),
        );
        // The states partition the elapsed time (device model).
        if (r.hardware.dram.model === 'device') {
          const states = st.activeStandby + st.prechargeStandby + st.powerDown + st.selfRefresh;
          // Each chunk's time in sixteenths of a DRAM clock (sim/dram/plan-costs.ts).
          // (each chunk's time is rounded to a sixteenth of a DRAM clock: a few chunks per op here).
          expect(Math.abs(states - r.total.seconds)).toBeLessThanOrEqual((r.total.ops * 0.5) / perClock);
        }
        expect(rel(r.total.energy.total, dynamic + leakage + r.total.energy.background)).toBe(true);
        expect(rel(sum(ENERGY_ACTIONS.map((a) => r.total.energy.byAction[a])), r.total.energy.total)).toBe(true);
        expect(r.energyTable.leakagePower).toBeCloseTo(r.energyTable.leakagePerBit * r.hardware.sram.capacityBits, 25);
        expect(r.energyTable.bufferLeakagePower).toBeCloseTo(
          r.energyTable.leakagePerBit * r.hardware.buffer.capacityBits,
          25,
        );
      }),
      RUNS,
    );
  });

  it('nothing placed on chip exceeds the SRAM, and on-chip tensors never overlap', () => {
    fc.assert(
      fc.property(overridesArb, (o) => {
        const cfg = toConfig(o);
        const r = cost(cfg, scheduleOps(cfg));
        const cap = r.hardware.sram.capacityBits;
        const word = r.hardware.sram.wordBits;
        expect(cap).toBeLessThanOrEqual(cfg.hardware.sram.capacity);
        expect(r.placement.sramUsedBits).toBeLessThanOrEqual(cap);
        const spans = r.placement.tensors
          .filter((t) => t.onChipBits > 0)
          .map((t) => [t.sramAddress! * 8, t.sramAddress! * 8 + Math.ceil(t.onChipBits / word) * word] as const)
          .sort((a, b) => a[0] - b[0]);
        spans.forEach(([a, b], i) => {
          expect(a % word).toBe(0);
          expect(b).toBeLessThanOrEqual(cap);
          if (i > 0) expect(a).toBeGreaterThanOrEqual(spans[i - 1]![1]);
        });
        for (const t of r.placement.tensors) expect(t.onChipBits).toBeLessThanOrEqual(t.bits);
      }),
      RUNS,
    );
  });

  it('more SRAM never increases DRAM traffic under the same policy (objective = dram)', () => {
    fc.assert(
      fc.property(overridesArb, fc.integer({ min: 1, max: 400 }), (o, more) => {
        const small = toConfig(o, { objective: 'dram' });
        const big = toConfig(o, { objective: 'dram', wordsPerBank: o.wordsPerBank + more });
        const ops = scheduleOps(small);
        const a = cost(small, ops).total.counts;
        const b = cost(big, ops).total.counts;
        expect(b.dramReadBytes + b.dramWriteBytes).toBeLessThanOrEqual(a.dramReadBytes + a.dramWriteBytes);
      }),
      RUNS,
    );
  });

  it('cycles are at least each bound, for the run and for every phase', () => {
    fc.assert(
      fc.property(overridesArb, (o) => {
        const cfg = toConfig(o);
        const r = cost(cfg, scheduleOps(cfg));
        // Prefetched loads (a second input buffer placed) hide their DRAM port time: the run's and
        // the load phase's DRAM bound less the loads' is what their cycles must cover.
        const prefetch = r.placement.tensors.some((t) => t.name === 'input.next');
        const hidden = prefetch ? (r.byPhase.load?.cycles.dram ?? 0) : 0;
        const checked = prefetch ? [r.total, ...Object.values(r.byPhase)] : summaries(r);
        for (const s of checked) {
          const dram = s === r.total || s === r.byPhase.load ? s.cycles.dram - hidden : s.cycles.dram;
          expect(s.cycles.total).toBeGreaterThanOrEqual(s.cycles.compute);
          expect(s.cycles.total).toBeGreaterThanOrEqual(s.cycles.sram);
          expect(s.cycles.total).toBeGreaterThanOrEqual(dram);
          expect(s.cycles.total).toBeGreaterThanOrEqual(s.cycles.buffer);
          if (!cfg.hardware.policy.overlap) {
            expect(s.cycles.total).toBe(s.cycles.compute + s.cycles.sram + dram + s.cycles.buffer);
          }
          expect(s.seconds).toBeCloseTo(s.cycles.total / cfg.hardware.clock, 15);
        }
      }),
      RUNS,
    );
  });

  it('costing the same stream twice gives identical reports', () => {
    fc.assert(
      fc.property(overridesArb, (o) => {
        const cfg = toConfig(o);
        const ops = scheduleOps(cfg);
        expect(JSON.stringify(cost(cfg, ops))).toBe(JSON.stringify(cost(cfg, ops)));
      }),
      RUNS,
    );
  });

  it('compressed (repeat) and uncompressed streams give identical reports', () => {
    fc.assert(
      fc.property(overridesArb, (o) => {
        const cfg = toConfig(o);
        const a = cost(cfg, scheduleOps(cfg, true));
        const b = cost(cfg, scheduleOps(cfg, false));
        expect(b).toEqual(a);
      }),
      RUNS,
    );
  });
});
