/**
 * DRAM rows of the energy reference table and the DRAM energy of a counter vector. Dynamic:
 * bursts read and written, activations (row changes and re-opens after refresh). Background:
 * refresh commands and the clocks spent in each power state.
 */
import type { HardwareConfig } from '../../config/schema.js';
import type { Dram } from '../components/dram.js';
import {
  DRAM_ACTIVATIONS, DRAM_ACTIVE_CLOCKS, DRAM_POWER_DOWN_CLOCKS, DRAM_PRECHARGE_CLOCKS, DRAM_READ_BURSTS, DRAM_REFRESHES,
  DRAM_REOPENS, DRAM_SELF_REFRESH_CLOCKS, DRAM_WRITE_BURSTS,
} from '../counters.js';

export const DRAM_DYNAMIC_ACTIONS = ['dram.read', 'dram.write', 'dram.activate'] as const;
export const DRAM_BACKGROUND_ACTIONS = [
  'dram.refresh', 'dram.active-standby', 'dram.precharge-standby', 'dram.power-down', 'dram.self-refresh',
] as const;
export type DramAction = typeof DRAM_DYNAMIC_ACTIONS[number] | typeof DRAM_BACKGROUND_ACTIONS[number];

export interface DramEntry {
  action: DramAction;
  /** Joules per action. */
  energy: number;
  per: string;
  source: string;
}

/** The DRAM entries of the energy table: per bit (read, write), per activation, per refresh, per DRAM clock in a state. */
export function dramEntries(hw: HardwareConfig, dram: Dram): Record<DramAction, DramEntry> {
  const e = dram.energies;
  const d = hw.dram;
  if (dram.model === 'per-bit') {
    const none = (action: DramAction, per: string): DramEntry => ({ action, energy: 0, per, source: 'not modelled (hardware.dram.model = per-bit)' });
    return {
      'dram.read': { action: 'dram.read', energy: d.readEnergyPerBit, per: 'bit read', source: 'dram.readEnergyPerBit (Accelergy CACTI plug-in, LPDDR4 8 pJ/bit)' },
      'dram.write': { action: 'dram.write', energy: d.writeEnergyPerBit, per: 'bit written', source: 'dram.writeEnergyPerBit (Accelergy CACTI plug-in, LPDDR4 8 pJ/bit)' },
      'dram.activate': { action: 'dram.activate', energy: d.activationEnergy, per: 'row activation', source: 'dram.activationEnergy (default 0: folded into per-bit energy)' },
      'dram.refresh': none('dram.refresh', 'refresh'),
      'dram.active-standby': none('dram.active-standby', 'DRAM clock'),
      'dram.precharge-standby': none('dram.precharge-standby', 'DRAM clock'),
      'dram.power-down': none('dram.power-down', 'DRAM clock'),
      'dram.self-refresh': none('dram.self-refresh', 'DRAM clock'),
    };
  }
  const p = dram.part;
  const x = `x ${dram.devices} device${dram.devices > 1 ? 's' : ''} x tCK ${p.tCK} ns (${p.source}; DRAMSim3's power model)`;
  const bc = dram.burstClocks;
  return {
    'dram.read': { action: 'dram.read', energy: e.readBurst / dram.burstBits, per: 'bit read',
      source: `VDD ${p.VDD} V x (IDD4R ${p.IDD4R} - IDD3N ${p.IDD3N} mA) x ${bc} clocks ${x} / ${dram.burstBits} bits` },
    'dram.write': { action: 'dram.write', energy: e.writeBurst / dram.burstBits, per: 'bit written',
      source: `VDD x (IDD4W ${p.IDD4W} - IDD3N ${p.IDD3N} mA) x ${bc} clocks ${x} / ${dram.burstBits} bits` },
    'dram.activate': { action: 'dram.activate', energy: e.activation, per: 'activate + precharge',
      source: `VDD x (IDD0 ${p.IDD0} x tRC ${p.tRAS + p.tRP} - (IDD3N x tRAS ${p.tRAS} + IDD2N ${p.IDD2N} x tRP ${p.tRP})) ${x}` },
    'dram.refresh': { action: 'dram.refresh', energy: e.refresh, per: `all-bank refresh (every tREFI ${p.tREFI} clocks)`,
      source: `VDD x (IDD5AB ${p.IDD5AB} - IDD3N ${p.IDD3N} mA) x tRFC ${p.tRFC} ${x}` },
    'dram.active-standby': { action: 'dram.active-standby', energy: e.activeStandby, per: 'DRAM clock', source: `VDD x IDD3N ${p.IDD3N} mA ${x}` },
    'dram.precharge-standby': { action: 'dram.precharge-standby', energy: e.prechargeStandby, per: 'DRAM clock', source: `VDD x IDD2N ${p.IDD2N} mA ${x}` },
    'dram.power-down': { action: 'dram.power-down', energy: e.powerDown, per: 'DRAM clock', source: `VDD x IDD2P ${p.IDD2P} mA ${x}` },
    'dram.self-refresh': { action: 'dram.self-refresh', energy: e.selfRefresh, per: 'DRAM clock', source: `VDD x IDD6x ${p.IDD6x} mA ${x}` },
  };
}

/** Energy (J) of each DRAM action in counter vector v. */
export function dramEnergy(v: Float64Array, entries: Record<DramAction, { energy: number }>, burstBits: number): Record<DramAction, number> {
  return {
    'dram.read': v[DRAM_READ_BURSTS]! * burstBits * entries['dram.read'].energy,
    'dram.write': v[DRAM_WRITE_BURSTS]! * burstBits * entries['dram.write'].energy,
    'dram.activate': (v[DRAM_ACTIVATIONS]! + v[DRAM_REOPENS]!) * entries['dram.activate'].energy,
    'dram.refresh': v[DRAM_REFRESHES]! * entries['dram.refresh'].energy,
    'dram.active-standby': v[DRAM_ACTIVE_CLOCKS]! * entries['dram.active-standby'].energy,
    'dram.precharge-standby': v[DRAM_PRECHARGE_CLOCKS]! * entries['dram.precharge-standby'].energy,
    'dram.power-down': v[DRAM_POWER_DOWN_CLOCKS]! * entries['dram.power-down'].energy,
    'dram.self-refresh': v[DRAM_SELF_REFRESH_CLOCKS]! * entries['dram.self-refresh'].energy,
  };
}

/** DRAM background + refresh energy (J) of v. */
export function dramBackgroundEnergy(v: Float64Array, entries: Record<DramAction, { energy: number }>): number {
  return v[DRAM_REFRESHES]! * entries['dram.refresh'].energy
    + v[DRAM_ACTIVE_CLOCKS]! * entries['dram.active-standby'].energy
    + v[DRAM_PRECHARGE_CLOCKS]! * entries['dram.precharge-standby'].energy
    + v[DRAM_POWER_DOWN_CLOCKS]! * entries['dram.power-down'].energy
    + v[DRAM_SELF_REFRESH_CLOCKS]! * entries['dram.self-refresh'].energy;
}
