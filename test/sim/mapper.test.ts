/**
 * The mapper against brute force, and its guarantees, over random accelerators, buffers and
 * schedules (fast-check):
 * - the pruned search finds a mapping as good as the best of every mapping of the space, each
 *   planned and costed for real (so the search's arithmetic costing equals the real plans' too);
 * - more buffer capacity never makes any shape's objective worse (energies per access held fixed:
 *   energyExponent 0, one bank, no leakage, so only the capacity changes), nor the run's energy under
 *   objective energy;
 * - more register-file words per lane never make any shape's objective worse (energies held fixed);
 * - SRAM reads are never below the compulsory minimum (every operand range once per chunk), and
 *   equal it when every operand fits the buffer and buffering costs nothing, or (objective
 *   sram-reads) when every output of a pass fits the register files.
 * The random accelerators have register files of 0..8 words (test/sim/random-config.ts), so the
 * brute force covers the register level too.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Config } from '../../config/schema.js';
import type { CostedOp, GradientOp, MatmulOp } from '../../model/ops.js';
import { Simulator } from '../../sim/simulator.js';
import { better, bruteForceMapping, enumerateMappings, searchMapping } from '../../sim/mapper/search.js';
import { isCosted, scheduleOps, simulateSchedule } from './helpers.js';
import { overridesArb, toConfig, type Overrides } from './random-config.js';

const RUNS = { numRuns: 40 };

const bufferArb = fc.record({
  words: fc.constantFrom(0, 1, 2, 3, 5, 8, 13, 40),
  wordBytes: fc.constantFrom(1, 2, 8),
  ports: fc.integer({ min: 1, max: 3 }),
  readPj: fc.constantFrom(0, 0.1, 1, 5),
  writePj: fc.constantFrom(0, 0.3, 2, 12),
});
interface Buffer {
  words: number;
  wordBytes: number;
  ports: number;
  readPj: number;
  writePj: number;
}

function withBuffer(o: Overrides, b: Buffer, extra: Record<string, unknown> = {}): Config {
  const cfg = toConfig(o);
  cfg.hardware.buffer = {
    ...cfg.hardware.buffer,
    capacity: b.words * b.wordBytes * 8,
    wordWidth: b.wordBytes * 8,
    ports: b.ports,
    readEnergy: b.readPj * 1e-12,
    writeEnergy: b.writePj * 1e-12,
    energyExponent: 0,
    referenceWordWidth: b.wordBytes * 8,
    banks: 1,
    ...extra,
  };
  return cfg;
}

function noLeakage(cfg: Config): Config {
  cfg.hardware.sram = { ...cfg.hardware.sram, leakageLowLeakage: 0, leakageHighPerformance: 0 };
  return cfg;
}

/** A simulator that has seen the run's operations, and its distinct grid operations. */
function gridOps(cfg: Config): { sim: Simulator; ops: Array<MatmulOp | GradientOp> } {
  const sim = new Simulator(cfg);
  const ops: Array<MatmulOp | GradientOp> = [];
  const seen = new Set<string>();
  for (const o of scheduleOps(cfg)) {
    sim.op(o);
    if (!isCosted(o) || (o.kind !== 'matmul' && o.kind !== 'gradient')) continue;
    const key = JSON.stringify({ ...o, where: null, repeat: 0 });
    if (!seen.has(key)) {
      seen.add(key);
      ops.push(o);
    }
  }
  return { sim, ops };
}

/** The bigger machine's best mapping of each shape is never worse than the smaller's. */
function expectNoShapeWorse(s: ReturnType<typeof gridOps>, g: ReturnType<typeof gridOps>): void {
  s.ops.forEach((op, i) => {
    const a = searchMapping(s.sim.costModel!.space(op, chunkOf(s.sim, op))).score;
    const z = searchMapping(g.sim.costModel!.space(g.ops[i]!, chunkOf(g.sim, op))).score;
    expect(better(a, z)).toBe(false);
  });
}

const chunkOf = (sim: Simulator, op: CostedOp): number => Math.min((op as MatmulOp).samples, sim.memoryMap!.chunk);

describe('the mapper', () => {
  it('matches a brute force over every mapping, each planned and costed for real', () => {
    fc.assert(
      fc.property(overridesArb, bufferArb, fc.constantFrom(1, 2, 4), (o, b, banks) => {
        // Banked buffers (banks of b.words words): their access energies carry the H-tree term.
        const { sim, ops } = gridOps(withBuffer(o, { ...b, words: b.words * banks }, { banks }));
        for (const op of ops.slice(0, 6)) {
          const space = sim.costModel!.space(op, chunkOf(sim, op));
          const fast = searchMapping(space);
          const brute = bruteForceMapping(space);
          expect(better(brute.score, fast.score)).toBe(false);
          expect(better(fast.score, brute.score)).toBe(false);
          // The chosen mapping's arithmetic costing equals its real plan's.
          expect(Array.from(space.evaluatePlan(space.plan(fast.mapping)).v)).toEqual(Array.from(fast.v));
        }
      }),
      RUNS,
    );
  });

  it('costs every mapping of a shape the same arithmetically as by planning it', () => {
    fc.assert(
      fc.property(overridesArb, bufferArb, (o, b) => {
        const { sim, ops } = gridOps(withBuffer(o, b));
        for (const op of ops.slice(0, 3)) {
          const space = sim.costModel!.space(op, chunkOf(sim, op));
          let n = 0;
          for (const m of enumerateMappings(space)) {
            if (n++ > 60) break;
            expect(Array.from(space.evaluate(space.nest(m)).v)).toEqual(
              Array.from(space.evaluatePlan(space.plan(m)).v),
            );
          }
        }
      }),
      RUNS,
    );
  });

  it("more buffer capacity never worsens any shape's objective, nor the run's energy (objective energy)", () => {
    fc.assert(
      fc.property(overridesArb, bufferArb, fc.integer({ min: 1, max: 30 }), (o, b, more) => {
        // Energies per access held fixed, and no leakage: a bigger buffer leaks more (sim/energy-table.ts),
        // a real cost this property is not about.
        const small = noLeakage(withBuffer(o, b));
        const big = noLeakage(withBuffer(o, { ...b, words: b.words + more }));
        const s = gridOps(small);
        const g = gridOps(big);
        expectNoShapeWorse(s, g);
        if (small.hardware.policy.objective === 'energy') {
          const e = (c: Config) => simulateSchedule(c).total.energy.total;
          expect(e(big)).toBeLessThanOrEqual(e(small) * (1 + 1e-12));
        }
      }),
      RUNS,
    );
  });

  it("more register-file words never worsen any shape's objective", () => {
    fc.assert(
      fc.property(overridesArb, bufferArb, fc.integer({ min: 1, max: 12 }), (o, b, more) => {
        const small = withBuffer(o, b);
        const big = withBuffer(o, b);
        big.hardware.registerFile = { ...big.hardware.registerFile, words: small.hardware.registerFile.words + more };
        const s = gridOps(small);
        const g = gridOps(big);
        expectNoShapeWorse(s, g);
      }),
      RUNS,
    );
  });

  it('SRAM reads equal the compulsory minimum when every output of a pass fits the register files', () => {
    fc.assert(
      fc.property(overridesArb, (o) => {
        const cfg = withBuffer(
          { ...o, objective: 'sram-reads' },
          { words: 0, wordBytes: 8, ports: 1, readPj: 0, writePj: 0 },
        );
        // 12 x 12 outputs at most per operation (random-config.ts): one pass of one lane holds them.
        cfg.hardware.registerFile = { ...cfg.hardware.registerFile, words: 144 * 2, wordWidth: 32 };
        const t = simulateSchedule(cfg).total;
        expect(t.counts.sramReads).toBe(t.counts.sramReadsMinimum);
      }),
      { numRuns: 20 },
    );
  });

  it('SRAM reads are never below the compulsory minimum, and equal it when every operand fits a free buffer', () => {
    fc.assert(
      fc.property(overridesArb, bufferArb, (o, b) => {
        const r = simulateSchedule(withBuffer(o, b));
        for (const s of [r.total, ...Object.values(r.byPhase)])
          expect(s.counts.sramReads).toBeGreaterThanOrEqual(s.counts.sramReadsMinimum);
        // Free: no buffer energy, and (overlap on, 64 ports) no buffer time that could add leakage.
        const free = withBuffer(
          { ...o, objective: 'energy', overlap: true },
          { words: 1 << 17, wordBytes: 8, ports: 64, readPj: 0, writePj: 0 },
        );
        const t = simulateSchedule(free).total;
        expect(t.counts.sramReads).toBe(t.counts.sramReadsMinimum);
      }),
      RUNS,
    );
  });
});
