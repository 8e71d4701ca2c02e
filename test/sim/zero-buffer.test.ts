/**
 * Zero-capacity operand buffers give the machine before issue 14 exactly. The numbers below were
 * printed by the simulator at commit 9dadd38 (no buffer level, no mapper beyond the lane grid) for
 * the same configurations: SRAM reads, writes, DRAM read/write bursts, activations, lane-steps and
 * the compute/SRAM/DRAM/total cycles of the whole schedule. The H-tree wire term is switched off:
 * it changes energies per access, and so what the energy mapper prefers.
 */
import { describe, expect, it } from 'vitest';
import { config, simulateSchedule } from './helpers.js';

const BEFORE: Array<[string | undefined, Record<string, unknown>, number[]]> = [
  [undefined, {}, [6443244100, 306579300, 11830000, 0, 1082200, 742653800000, 12152865700, 675781000, 11921000, 12166577000]],
  ['B1', {}, [9223441800, 64096700, 67192800, 13651000, 5503000, 599919700000, 9447241800, 928793500, 80899800, 9447426800]],
  ['R2', { 'hardware.policy.frozen': 'cache' }, [4104438400, 266154300, 12540000, 420000, 2212200, 558992800000, 8940399500, 437412100, 13129000, 8953451300]],
  ['B2', { 'hardware.policy.gradients': 'sram', 'hardware.policy.overlap': false },
    [2009273200, 55549900, 27075000, 25385000, 988600, 299968500000, 4698285300, 206512900, 52513000, 4957311200]],
];

describe('zero-capacity operand buffers == the machine before issue 14', () => {
  for (const [preset, extra, before] of BEFORE) {
    it(`${preset ?? 'default'} ${JSON.stringify(extra)}: every count and cycle as before`, () => {
      const cfg = config({ 'training.epochs': 2, 'hardware.buffer.capacity': '0 b', 'hardware.sram.wireEnergy': '0 pJ', ...extra }, preset);
      const t = simulateSchedule(cfg).total;
      expect([t.counts.sramReads, t.counts.sramWrites, t.counts.dramReadBursts, t.counts.dramWriteBursts, t.counts.dramActivations,
        t.counts.macSteps, t.cycles.compute, t.cycles.sram, t.cycles.dram, t.cycles.total]).toEqual(before);
      expect([t.counts.bufferReads, t.counts.bufferWrites, t.cycles.buffer]).toEqual([0, 0, 0]);
    });
  }
});
