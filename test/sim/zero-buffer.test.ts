/**
 * Zero-capacity operand buffers and register files give the machine before issue 14 exactly.
 * The numbers below were printed by the simulator without the buffer level (branch dram at
 * 143195b: issue 13's DRAM device model, no buffer level, no mapper beyond the lane grid) for the same configurations:
 * SRAM reads, writes, DRAM read/write bursts, activations, lane-steps and the
 * compute/SRAM/DRAM/total cycles of the whole schedule. The DRAM-dependent entries (activations,
 * DRAM and total cycles) were re-pinned on branch dram when the refresh model changed (re-opens
 * from a queue model, refresh stall with precharges, read/write turnaround; docs/DRAM.md); the
 * others are unchanged. The activations were re-pinned again on branch dram2 when an operation's chunks
 * were replayed back to back in the re-open model (queue carried from chunk to chunk); cycles unchanged.
 * And the activations only, on branch bus, when those chunks were replayed each at its own samples'
 * records instead of the first chunk's (a chunk no longer "comes back" to the rows of the previous
 * chunk's records; -0.001 % to -0.14 %); everything else unchanged.
 * On branch dram3 (docs/DRAM.md) the presets that write to DRAM (B1, R2 with cached weights, B2):
 * a refresh after a write stalls the bus CWL + tWR beyond the next burst slot (219 clocks), not
 * 223.3, so their DRAM cycles fall (B1 -0.024 %, R2 -0.025 %, B2 -0.07 %; total cycles of R2 and
 * B2 with them), and the re-open model issues the refresh's commands (a precharge a clock per open
 * bank, the written bank WL + BL/2 + tWR after its write): activations B1 +0.22 %, B2 +0.27 %.
 * The default run (no DRAM writes) is unchanged.
 * The H-tree wire term is switched off:
 * it changes energies per access, and so what the energy mapper prefers.
 */
import { describe, expect, it } from 'vitest';
import { config, simulateSchedule } from './helpers.js';

const BEFORE: Array<[string | undefined, Record<string, unknown>, number[]]> = [
  [
    undefined,
    {},
    [6443244100, 306579300, 11830000, 0, 220543.75, 742653800000, 12152865700, 675781000, 12740000, 12167396000],
  ],
  [
    'B1',
    {},
    [9237191800, 64096700, 67192800, 13651000, 1587841.875, 599919700000, 9427241800, 930168500, 86597300, 9427438500],
  ],
  [
    'R2',
    { 'hardware.policy.frozen': 'cache' },
    [4104438400, 266154300, 12540000, 420000, 246278.75, 558992800000, 8940399500, 437412100, 14038300, 8954355000],
  ],
  [
    'B2',
    { 'hardware.policy.gradients': 'sram', 'hardware.policy.overlap': false },
    [2009773200, 55549900, 27075000, 25385000, 993693.75, 299968500000, 4691885300, 206562900, 56334000, 4954782200],
  ],
];

describe('zero-capacity operand buffers and register files == the machine before issue 14', () => {
  for (const [preset, extra, before] of BEFORE) {
    it(`${preset ?? 'default'} ${JSON.stringify(extra)}: every count and cycle as before`, () => {
      const cfg = config(
        {
          'training.epochs': 2,
          'hardware.buffer.capacity': '0 b',
          'hardware.registerFile.words': 0,
          'hardware.sram.wireEnergy': '0 pJ',
          ...extra,
        },
        preset,
      );
      const t = simulateSchedule(cfg).total;
      expect([
        t.counts.sramReads,
        t.counts.sramWrites,
        t.counts.dramReadBursts,
        t.counts.dramWriteBursts,
        t.counts.dramActivations,
        t.counts.macSteps,
        t.cycles.compute,
        t.cycles.sram,
        t.cycles.dram,
        t.cycles.total,
      ]).toEqual(before);
      expect([t.counts.bufferReads, t.counts.bufferWrites, t.cycles.buffer]).toEqual([0, 0, 0]);
    });
  }
});
