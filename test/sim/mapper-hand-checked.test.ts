/**
 * Two mappings worked out by hand on the hand-checked tiny accelerator (test/sim/tiny.ts: 2 SRAM
 * banks of 7 x 16-bit words, read 2 pJ; DRAM bursts 64 pJ read + 5 pJ per activation; 4 lanes;
 * 0.05 pJ per bit stepped; leakage 224 pW; conventional 4-3-2 network, batch 2), given an operand
 * buffer of 4 words of 16 bits (64 b), 2 ports, 0.25 pJ per read and 0.5 pJ per write (anchored at
 * its own size: no scaling; it leaks at the SRAM cells' 1 pW per bit: 64 pW). Objective: energy.
 *
 * SHAPE 1: gradient of layer 0, g[i][o] = sum_s a[s][i] e[s][o]: R = 4 rows, C = 3 columns, S = 2.
 *   Operands: input (T-invariant: the rows come from DRAM records, 2 bursts and 2 activations a
 *   fetch under the old one-per-record count, 1 under the open-page rows of issue 13: both
 *   records sit in one 64 B DRAM row; 8 b per row, 32 b = 2 buffer words) and errors.h1 (G-invariant: SRAM
 *   words 7, 8, 9 = 3 reads a fetch, bank 0: 1, bank 1: 2; 16 b per column, 48 b = 3 buffer words).
 *   Without a buffer (the machine before): Tc = 3, Tr = 1: G = 4, T = 1; errors fetched 4 times
 *   (12 SRAM reads), compute 4 x 1 x 2 samples x 4 steps = 32 cycles.
 *   Candidates with a buffer (each: SRAM reads, DRAM bursts, buffer writes/reads, buffer pJ):
 *   - Tc 3, Tr 1, hold errors (block 4: fetched once): 3, 2, 3 / 12, 1.5 + 3 = 4.5 pJ; 32 cycles
 *   - Tc 2, Tr 2, hold both, block 2: 3, 2, 2+3 / 4+6, 2.5 + 2.5 = 5 pJ; 32 cycles
 *   - Tc 1, Tr 4 (G = 1, T = 3), hold input: 3, 2, 2 / 3 x 2 = 6, 1 + 1.5 = 2.5 pJ; 24 cycles
 *   - Tc 1, nothing held: input fetched 3 times from DRAM: 6 bursts (+256 pJ)
 *   The mapper picks Tc 1, Tr 4, order GT, block 1, input held. Its chunk:
 *     SRAM reads 3 (bank 0: 1, bank 1: 2); DRAM 2 bursts, 1 activation (one row); buffer 2 writes, 6 reads;
 *     bits stepped 2 x 4 x 3 x 4 = 96; cycles max(compute 1 x 3 x 2 x 4 = 24, SRAM 2, DRAM 2 x 2 + 3
 *     = 7, buffer ceil(8 / 2) = 4) = 24;
 *     energy 3 x 2 + 2 x 64 + 1 x 5 + 96 x 0.05 + 2 x 0.5 + 6 x 0.25 = 146.3 pJ
 *            + leakage (224 + 64) pW x 240 ns = 0.06912 fJ.
 *
 * SHAPE 2: forward matmul of layer 0, out[s][o] = sum_i in[s][i] sign(w[i][o]): R 4, C 3, S 2.
 *   Operands: weights (G-invariant: plane 0 bits 16..27 = SRAM word 1, bank 1; 4 b per column,
 *   12 b = 1 buffer word) and input (T-invariant: DRAM records, 16 b per sample, 2 buffer words).
 *   Without a buffer: Tc 3, Ts 1: G = 2, T = 1: weights read twice; 2 bursts; compute 2 x 4 = 8.
 *   - Tc 3, Ts 1, hold weights (block 2, fetched once): SRAM 1, buffer 1 write + 2 reads = 1 pJ:
 *     2 + 1 = 3 pJ against 4 pJ unheld
 *   - Tc 2, Ts 2 (G 1, T 2), hold input: SRAM 1 (2 pJ), buffer 2 writes + 4 reads = 2 pJ: 4 pJ
 *   - Tc 1, Ts 2 (G 1, T 3), hold input: 2 + (2 x 0.5 + 6 x 0.25) = 4.5 pJ
 *   The mapper picks Tc 3, Ts 1, order GT, block 2, weights held. Its chunk:
 *     SRAM reads 1 (bank 1); DRAM 2 bursts, 1 activation (one row); buffer 1 write, 2 reads; 24 bits
 *     stepped; cycles max(8, SRAM 1, DRAM 7, buffer ceil(3 / 2) = 2) = 8;
 *     energy 1 x 2 + 2 x 64 + 1 x 5 + 24 x 0.05 + 1 x 0.5 + 2 x 0.25 = 137.2 pJ
 *            + leakage (224 + 64) pW x 80 ns = 0.02304 fJ.
 */
import { describe, expect, it } from 'vitest';
import { bruteForceMapping, searchMapping } from '../../sim/mapper/search.js';
import { firstOps } from './helpers.js';
import { tiny } from './tiny.js';

const buffered = () =>
  tiny({
    'hardware.buffer.capacity': '64 b',
    'hardware.buffer.banks': 1,
    'hardware.buffer.wordWidth': '16 b',
    'hardware.buffer.ports': 2,
    'hardware.buffer.readEnergy': '0.25 pJ',
    'hardware.buffer.writeEnergy': '0.5 pJ',
    'hardware.buffer.referenceSize': '64 b',
    'hardware.buffer.referenceWordWidth': '16 b',
    'hardware.buffer.energyExponent': 0,
  });

describe('mappings worked out by hand (tiny accelerator with a 4-word operand buffer)', () => {
  it('shape 1, gradient of layer 0: one column per pass, the input held, 146.3 pJ', () => {
    const { sim, gradient } = firstOps(buffered());
    const space = sim.costModel!.space(gradient, 2);
    const best = searchMapping(space);
    expect(best.mapping).toEqual({
      columns: 1,
      others: 4,
      order: 'GT',
      block: 1,
      hold: 1,
      regColumns: 1,
      regOthers: 1,
    });
    const c = sim.costOf(gradient);
    expect(c.counts).toMatchObject({
      sramReads: 3,
      sramReadsPerBank: [1, 2],
      sramWrites: 0,
      dramReadBursts: 2,
      dramActivations: 1,
      bufferReads: 6,
      bufferWrites: 2,
      macBits: 96,
      sramReadsMinimum: 3,
    });
    expect(c.cycles).toEqual({ compute: 24, sram: 2, buffer: 4, dram: 7, total: 24 });
    expect(c.energy.dynamic).toBeCloseTo(146.3e-12, 20);
    expect(c.energy.leakage).toBeCloseTo((224e-12 + 64e-12) * 240e-9, 28);
    expect(bruteForceMapping(space).score).toEqual(best.score);
  });

  it('shape 2, forward matmul of layer 0: the weights held over both sample groups, 137.2 pJ', () => {
    const { sim, forward } = firstOps(buffered());
    const space = sim.costModel!.space(forward, 2);
    const best = searchMapping(space);
    expect(best.mapping).toEqual({
      columns: 3,
      others: 1,
      order: 'GT',
      block: 2,
      hold: 1,
      regColumns: 1,
      regOthers: 1,
    });
    const c = sim.costOf(forward);
    expect(c.counts).toMatchObject({
      sramReads: 1,
      sramReadsPerBank: [0, 1],
      dramReadBursts: 2,
      dramActivations: 1,
      bufferReads: 2,
      bufferWrites: 1,
      macBits: 24,
    });
    expect(c.cycles).toEqual({ compute: 8, sram: 1, buffer: 2, dram: 7, total: 8 });
    expect(c.energy.dynamic).toBeCloseTo(137.2e-12, 20);
    expect(c.energy.leakage).toBeCloseTo((224e-12 + 64e-12) * 80e-9, 28);
    expect(bruteForceMapping(space).score).toEqual(best.score);
  });

  it('without the buffer the same shapes cost what hand-checked.test.ts says (12 and 2 SRAM reads)', () => {
    const { sim, gradient, forward } = firstOps(tiny());
    const g = sim.costOf(gradient);
    const f = sim.costOf(forward);
    expect([g.counts.sramReads, g.counts.bufferReads, g.cycles.total]).toEqual([12, 0, 32]);
    expect([f.counts.sramReads, f.counts.bufferReads, f.cycles.total]).toEqual([2, 0, 8]);
  });
});
