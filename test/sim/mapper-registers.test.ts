/**
 * Mappings with per-lane register files worked out by hand on the hand-checked tiny accelerator
 * (test/sim/tiny.ts: 2 SRAM banks of 7 x 16-bit words, read 2 pJ; DRAM bursts of 8 B at 1 pJ/bit =
 * 64 pJ + 5 pJ per activation; 4 lanes; 16-bit accumulators, 0.05 pJ per bit stepped; leakage
 * 224 pW; no operand buffer; conventional 4-3-2 network, batch 2), given register files of 2 words
 * of 16 bits per lane (one partial sum a word: at most 2 outputs per lane), 0.01 pJ per read and
 * 0.02 pJ per write. Objective: energy.
 *
 * SHAPE 1: forward matmul of layer 0, out[s][o] = sum_i in[s][i] sign(w[i][o]): R 4, C 3, S 2.
 *   Without register files (hand-checked.test.ts): Tc 3, Ts 1 (lanes / 3 = 1): G = 2, T = 1, the
 *   weights (SRAM word 1, bank 1) read once per sample group: 2 SRAM reads; the inputs (DRAM
 *   records, 2 bursts, 1 activation) once; compute 2 x 1 x 4 rows = 8 cycles.
 *   With them: Tc 3, Ts 1, register tile 1 column x 2 samples: the pass covers 3 x 2 outputs, G = 1,
 *   T = 1: weights read once (1 SRAM read: -2 pJ); every lane keeps 2 partial sums: 2 x 4 x 3 = 24
 *   MACs each read and write one: 24 x 0.01 + 24 x 0.02 = 0.72 pJ; compute 1 x 1 x 2 outputs x 4
 *   rows = 8 cycles (unchanged). No other mapping reaches G = T = 1 (Tc 3 leaves one lane over the
 *   samples; Tc 2 or 1 splits the columns and re-fetches the inputs from DRAM, +128 pJ a fetch).
 *   The chunk: SRAM reads 1 (bank 1); DRAM 2 bursts, 1 activation; 24 bits stepped; register file
 *   24 reads, 24 writes; cycles max(compute 8, SRAM 1, DRAM 2 x 2 + 3 = 7) = 8;
 *   energy 1 x 2 + 2 x 64 + 5 + 24 x 0.05 + 0.72 = 136.92 pJ + leakage 224 pW x 80 ns.
 *
 * SHAPE 2: gradient of layer 0, g[i][o] = sum_s a[s][i] e[s][o]: R 4, C 3, S 2.
 *   Without register files: Tc 3, Tr 1: G = 4, T = 1; errors.h1 (SRAM words 7, 8, 9: bank 0 one,
 *   bank 1 two) read 4 times = 12 SRAM reads; compute 4 x 2 samples x 4 steps = 32 cycles.
 *   With them: Tc 3, Tr 1, register tile 1 x 2 rows: G = 2, T = 1: errors read twice (6 reads:
 *   -12 pJ), 24 MACs x 0.03 pJ = 0.72 pJ; compute 2 x 1 x 2 outputs x 2 x 4 = 32 cycles.
 *   The chunk: SRAM reads 6 (bank 0: 2, bank 1: 4); DRAM 2 bursts, 1 activation; 2 x 4 x 3 x 4 = 96
 *   bits stepped; register file 24 reads, 24 writes; cycles max(32, SRAM 4, DRAM 7) = 32;
 *   energy 6 x 2 + 2 x 64 + 5 + 96 x 0.05 + 0.72 = 150.52 pJ + leakage 224 pW x 320 ns.
 *
 * Dearer registers (1 pJ per read and per write: 48 pJ a shape) are not worth 2 or 12 pJ of SRAM
 * reads: the mapper keeps one output per lane and the counts of the machine without them.
 */
import { describe, expect, it } from 'vitest';
import { bruteForceMapping, searchMapping } from '../../sim/mapper/search.js';
import { firstOps } from './helpers.js';
import { tiny } from './tiny.js';

const withRegisters = (readPj = 0.01, writePj = 0.02) =>
  tiny({
    'hardware.registerFile.words': 2,
    'hardware.registerFile.wordWidth': '16 b',
    'hardware.registerFile.readEnergy': `${readPj} pJ`,
    'hardware.registerFile.writeEnergy': `${writePj} pJ`,
    'hardware.registerFile.referenceWordWidth': '16 b',
  });

describe('mappings with register files worked out by hand (tiny accelerator, 2 partial sums per lane)', () => {
  it('shape 1, forward matmul of layer 0: 2 samples per lane, the weights read once, 136.92 pJ', () => {
    const { sim, forward } = firstOps(withRegisters());
    const space = sim.costModel!.space(forward, 2);
    const best = searchMapping(space);
    expect(best.mapping).toEqual({
      columns: 3,
      others: 1,
      order: 'GT',
      block: 1,
      hold: 0,
      regColumns: 1,
      regOthers: 2,
    });
    const c = sim.costOf(forward);
    expect(c.counts).toMatchObject({
      sramReads: 1,
      sramReadsPerBank: [0, 1],
      sramReadsMinimum: 1,
      dramReadBursts: 2,
      dramActivations: 1,
      bufferReads: 0,
      regReads: 24,
      regWrites: 24,
      macBits: 24,
    });
    expect(c.cycles).toEqual({ compute: 8, sram: 1, buffer: 0, dram: 7, total: 8 });
    expect(c.energy.dynamic).toBeCloseTo(136.92e-12, 20);
    expect(c.energy.byAction['regfile.read']).toBeCloseTo(0.24e-12, 22);
    expect(c.energy.byAction['regfile.write']).toBeCloseTo(0.48e-12, 22);
    expect(c.energy.leakage).toBeCloseTo(224e-12 * 80e-9, 28);
    expect(bruteForceMapping(space).score).toEqual(best.score);
  });

  it('shape 2, gradient of layer 0: 2 weight rows per lane, the errors read twice, 150.52 pJ', () => {
    const { sim, gradient } = firstOps(withRegisters());
    const space = sim.costModel!.space(gradient, 2);
    const best = searchMapping(space);
    expect(best.mapping).toEqual({
      columns: 3,
      others: 1,
      order: 'GT',
      block: 1,
      hold: 0,
      regColumns: 1,
      regOthers: 2,
    });
    const c = sim.costOf(gradient);
    expect(c.counts).toMatchObject({
      sramReads: 6,
      sramReadsPerBank: [2, 4],
      dramReadBursts: 2,
      dramActivations: 1,
      regReads: 24,
      regWrites: 24,
      macBits: 96,
    });
    expect(c.cycles).toEqual({ compute: 32, sram: 4, buffer: 0, dram: 7, total: 32 });
    expect(c.energy.dynamic).toBeCloseTo(150.52e-12, 20);
    expect(c.energy.leakage).toBeCloseTo(224e-12 * 320e-9, 28);
    expect(bruteForceMapping(space).score).toEqual(best.score);
  });

  it('dearer registers are not used: the counts of the machine without them (2 and 12 SRAM reads)', () => {
    const { sim, gradient, forward } = firstOps(withRegisters(1, 1));
    const g = sim.costOf(gradient);
    const f = sim.costOf(forward);
    expect([g.counts.sramReads, g.counts.regReads, g.cycles.total]).toEqual([12, 0, 32]);
    expect([f.counts.sramReads, f.counts.regReads, f.cycles.total]).toEqual([2, 0, 8]);
  });
});
