/**
 * The one energy formula: energy = sum over actions of count x energy per action (the table)
 * + SRAM leakage power x elapsed time. The cost model (the mapper's objective) and the report
 * both call it, so they cannot disagree.
 */
import type { Action, EnergyTable } from './energy-table.js';
import {
  BUFFER_READS, BUFFER_WRITES, CYCLES, DRAM_ACTIVATIONS, DRAM_READ_BURSTS, DRAM_WRITE_BURSTS, LANE_BITS, SRAM_READS, SRAM_WRITES,
} from './counters.js';

export type EnergyAction = Action | 'sram.leakage';
export const ENERGY_ACTIONS: readonly EnergyAction[] = [
  'sram.read', 'sram.write', 'sram.leakage', 'buffer.read', 'buffer.write', 'dram.read', 'dram.write', 'dram.activate', 'mac.step',
];

/** Joules per action of a counter vector (sram.leakage: leakage over its cycles). */
export function energyByAction(v: Float64Array, table: EnergyTable, burstBits: number, clock: number): Record<EnergyAction, number> {
  const e = table.entries;
  return {
    'sram.read': v[SRAM_READS]! * e['sram.read'].energy,
    'sram.write': v[SRAM_WRITES]! * e['sram.write'].energy,
    'sram.leakage': table.leakagePower * (v[CYCLES]! / clock),
    'buffer.read': v[BUFFER_READS]! * e['buffer.read'].energy,
    'buffer.write': v[BUFFER_WRITES]! * e['buffer.write'].energy,
    'dram.read': v[DRAM_READ_BURSTS]! * burstBits * e['dram.read'].energy,
    'dram.write': v[DRAM_WRITE_BURSTS]! * burstBits * e['dram.write'].energy,
    'dram.activate': v[DRAM_ACTIVATIONS]! * e['dram.activate'].energy,
    'mac.step': v[LANE_BITS]! * e['mac.step'].energy,
  };
}

/** Total joules of a counter vector (dynamic + leakage); the same terms as energyByAction, without allocating. */
export function energyOf(v: Float64Array, table: EnergyTable, burstBits: number, clock: number): number {
  const e = table.entries;
  return v[SRAM_READS]! * e['sram.read'].energy + v[SRAM_WRITES]! * e['sram.write'].energy
    + table.leakagePower * (v[CYCLES]! / clock)
    + v[BUFFER_READS]! * e['buffer.read'].energy + v[BUFFER_WRITES]! * e['buffer.write'].energy
    + v[DRAM_READ_BURSTS]! * burstBits * e['dram.read'].energy + v[DRAM_WRITE_BURSTS]! * burstBits * e['dram.write'].energy
    + v[DRAM_ACTIVATIONS]! * e['dram.activate'].energy + v[LANE_BITS]! * e['mac.step'].energy;
}
