/**
 * The one energy formula: energy = sum over actions of count x energy per action (the table)
 * + SRAM and operand-buffer leakage power x elapsed time. DRAM terms (dynamic and background) come from
 * sim/dram/energy.ts. The cost model (the mapper's objective) and the report both call it, so
 * they cannot disagree.
 */
import type { Action, EnergyTable } from './energy-table.js';
import {
  BUFFER_READS,
  BUFFER_WRITES,
  CYCLES,
  DRAM_ACTIVATIONS,
  DRAM_ACTIVE_CLOCKS,
  DRAM_POWER_DOWN_CLOCKS,
  DRAM_PRECHARGE_CLOCKS,
  DRAM_READ_BURSTS,
  DRAM_REFRESHES,
  DRAM_REOPENS,
  DRAM_SELF_REFRESH_CLOCKS,
  DRAM_WRITE_BURSTS,
  LANE_BITS,
  REG_READS,
  REG_WRITES,
  SRAM_READS,
  SRAM_WRITES,
} from './counters.js';
import { DRAM_BACKGROUND_ACTIONS, dramEnergy } from './dram/energy.js';

export type EnergyAction = Action | 'sram.leakage' | 'buffer.leakage';
export const ENERGY_ACTIONS: readonly EnergyAction[] = [
  'sram.read',
  'sram.write',
  'sram.leakage',
  'buffer.read',
  'buffer.write',
  'buffer.leakage',
  'regfile.read',
  'regfile.write',
  'dram.read',
  'dram.write',
  'dram.activate',
  ...DRAM_BACKGROUND_ACTIONS,
  'mac.step',
];
/** Actions charged for the DRAM's time rather than for work (refresh and power states). */
export const BACKGROUND_ACTIONS: readonly EnergyAction[] = DRAM_BACKGROUND_ACTIONS;

/** Energy by part of the machine: each action in exactly one part, so the parts sum to the total. */
export interface EnergyByPart {
  /** SRAM read, write and leakage. */
  sram: number;
  /** Operand buffer and register files. */
  buffers: number;
  /** DRAM read, write and activate. */
  dramDynamic: number;
  /** DRAM refresh and background power by state. */
  dramBackground: number;
  mac: number;
}

const PART_OF = (a: EnergyAction): keyof EnergyByPart =>
  a.startsWith('sram.')
    ? 'sram'
    : a.startsWith('buffer.') || a.startsWith('regfile.')
      ? 'buffers'
      : (BACKGROUND_ACTIONS as readonly string[]).includes(a)
        ? 'dramBackground'
        : a.startsWith('dram.')
          ? 'dramDynamic'
          : 'mac';

/** Sums a report's energy by action (`energy.byAction`) into the parts of the machine. */
export function energyByPart(byAction: Readonly<Record<EnergyAction, number>>): EnergyByPart {
  const out: EnergyByPart = { sram: 0, buffers: 0, dramDynamic: 0, dramBackground: 0, mac: 0 };
  for (const a of ENERGY_ACTIONS) out[PART_OF(a)] += byAction[a];
  return out;
}

/** Joules per action of a counter vector (sram.leakage, buffer.leakage: leakage over its cycles). */
export function energyByAction(
  v: Float64Array,
  table: EnergyTable,
  burstBits: number,
  clock: number,
): Record<EnergyAction, number> {
  const e = table.entries;
  return {
    'sram.read': v[SRAM_READS]! * e['sram.read'].energy,
    'sram.write': v[SRAM_WRITES]! * e['sram.write'].energy,
    'sram.leakage': table.leakagePower * (v[CYCLES]! / clock),
    'buffer.read': v[BUFFER_READS]! * e['buffer.read'].energy,
    'buffer.write': v[BUFFER_WRITES]! * e['buffer.write'].energy,
    'buffer.leakage': table.bufferLeakagePower * (v[CYCLES]! / clock),
    'regfile.read': v[REG_READS]! * e['regfile.read'].energy,
    'regfile.write': v[REG_WRITES]! * e['regfile.write'].energy,
    ...dramEnergy(v, e, burstBits),
    'mac.step': v[LANE_BITS]! * e['mac.step'].energy,
  };
}

/** Total joules of a counter vector; the same terms as energyByAction, without allocating (mapper hot path). */
export function energyOf(v: Float64Array, table: EnergyTable, burstBits: number, clock: number): number {
  const e = table.entries;
  return (
    v[SRAM_READS]! * e['sram.read'].energy +
    v[SRAM_WRITES]! * e['sram.write'].energy +
    (table.leakagePower + table.bufferLeakagePower) * (v[CYCLES]! / clock) +
    v[BUFFER_READS]! * e['buffer.read'].energy +
    v[BUFFER_WRITES]! * e['buffer.write'].energy +
    v[REG_READS]! * e['regfile.read'].energy +
    v[REG_WRITES]! * e['regfile.write'].energy +
    v[DRAM_READ_BURSTS]! * burstBits * e['dram.read'].energy +
    v[DRAM_WRITE_BURSTS]! * burstBits * e['dram.write'].energy +
    (v[DRAM_ACTIVATIONS]! + v[DRAM_REOPENS]!) * e['dram.activate'].energy +
    v[DRAM_REFRESHES]! * e['dram.refresh'].energy +
    v[DRAM_ACTIVE_CLOCKS]! * e['dram.active-standby'].energy +
    v[DRAM_PRECHARGE_CLOCKS]! * e['dram.precharge-standby'].energy +
    v[DRAM_POWER_DOWN_CLOCKS]! * e['dram.power-down'].energy +
    v[DRAM_SELF_REFRESH_CLOCKS]! * e['dram.self-refresh'].energy +
    v[LANE_BITS]! * e['mac.step'].energy
  );
}
