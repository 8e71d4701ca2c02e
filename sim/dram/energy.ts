/**
 * DRAM rows of the energy reference table and the DRAM energy of a counter vector. Dynamic:
 * bursts read and written, activations (row changes and re-opens after refresh). Background:
 * refresh commands and the clocks spent in each power state.
 */
import type { HardwareConfig } from '../../config/schema.js';
import type { Dram } from '../components/dram.js';
import {
  DRAM_ACTIVATIONS,
  DRAM_ACTIVE_CLOCKS,
  DRAM_POWER_DOWN_CLOCKS,
  DRAM_PRECHARGE_CLOCKS,
  DRAM_READ_BURSTS,
  DRAM_REFRESHES,
  DRAM_REOPENS,
  DRAM_SELF_REFRESH_CLOCKS,
  DRAM_WRITE_BURSTS,
} from '../counters.js';

export const DRAM_DYNAMIC_ACTIONS = ['dram.read', 'dram.write', 'dram.activate'] as const;
export const DRAM_BACKGROUND_ACTIONS = [
  'dram.refresh',
  'dram.active-standby',
  'dram.precharge-standby',
  'dram.power-down',
  'dram.self-refresh',
] as const;
export type DramAction = (typeof DRAM_DYNAMIC_ACTIONS)[number] | (typeof DRAM_BACKGROUND_ACTIONS)[number];

export interface DramEntry {
  action: DramAction;
  /** Joules per action. */
  energy: number;
  per: string;
  source: string;
}

/**
 * The DRAM entries of the energy table: per bit (read, write), per activation, per refresh,
 * per DRAM clock in a state.
 */
export function dramEntries(hw: HardwareConfig, dram: Dram): Record<DramAction, DramEntry> {
  const e = dram.energies;
  const d = hw.dram;
  const entry = (action: DramAction, energy: number, per: string, source: string): DramEntry => ({
    action,
    energy,
    per,
    source,
  });
  if (dram.model === 'per-bit') {
    const none = 'not modelled (hardware.dram.model = per-bit)';
    const cacti = '(Accelergy CACTI plug-in, LPDDR4 8 pJ/bit)';
    return {
      'dram.read': entry('dram.read', d.readEnergyPerBit, 'bit read', `dram.readEnergyPerBit ${cacti}`),
      'dram.write': entry('dram.write', d.writeEnergyPerBit, 'bit written', `dram.writeEnergyPerBit ${cacti}`),
      'dram.activate': entry(
        'dram.activate',
        d.activationEnergy,
        'row activation',
        'dram.activationEnergy (default 0: folded into per-bit energy)',
      ),
      'dram.refresh': entry('dram.refresh', 0, 'refresh', none),
      'dram.active-standby': entry('dram.active-standby', 0, 'DRAM clock', none),
      'dram.precharge-standby': entry('dram.precharge-standby', 0, 'DRAM clock', none),
      'dram.power-down': entry('dram.power-down', 0, 'DRAM clock', none),
      'dram.self-refresh': entry('dram.self-refresh', 0, 'DRAM clock', none),
    };
  }
  const p = dram.part;
  const x =
    `x ${dram.devices} device${dram.devices > 1 ? 's' : ''} x tCK ${p.tCK} ns ` +
    `(${p.source}; DRAMSim3's power model)`;
  const burst = `${dram.burstClocks} clocks ${x} / ${dram.burstBits} bits`;
  const act =
    `VDD x (IDD0 ${p.IDD0} x tRC ${p.tRAS + p.tRP} - ` +
    `(IDD3N ${p.IDD3N} x tRAS ${p.tRAS} + IDD2N ${p.IDD2N} x tRP ${p.tRP})) ${x}`;
  return {
    'dram.read': entry(
      'dram.read',
      e.readBurst / dram.burstBits,
      'bit read',
      `VDD ${p.VDD} V x (IDD4R ${p.IDD4R} - IDD3N ${p.IDD3N} mA) x ${burst}`,
    ),
    'dram.write': entry(
      'dram.write',
      e.writeBurst / dram.burstBits,
      'bit written',
      `VDD x (IDD4W ${p.IDD4W} - IDD3N ${p.IDD3N} mA) x ${burst}`,
    ),
    'dram.activate': entry('dram.activate', e.activation, 'activate + precharge', act),
    'dram.refresh': entry(
      'dram.refresh',
      e.refresh,
      `all-bank refresh (every tREFI ${p.tREFI} clocks)`,
      `VDD x (IDD5AB ${p.IDD5AB} - IDD3N ${p.IDD3N} mA) x tRFC ${p.tRFC} ${x}`,
    ),
    'dram.active-standby': entry(
      'dram.active-standby',
      e.activeStandby,
      'DRAM clock',
      `VDD x IDD3N ${p.IDD3N} mA ${x}`,
    ),
    'dram.precharge-standby': entry(
      'dram.precharge-standby',
      e.prechargeStandby,
      'DRAM clock',
      `VDD x IDD2N ${p.IDD2N} mA ${x}`,
    ),
    'dram.power-down': entry('dram.power-down', e.powerDown, 'DRAM clock', `VDD x IDD2P ${p.IDD2P} mA ${x}`),
    'dram.self-refresh': entry('dram.self-refresh', e.selfRefresh, 'DRAM clock', `VDD x IDD6x ${p.IDD6x} mA ${x}`),
  };
}

/** Energy (J) of each DRAM action in counter vector v. */
export function dramEnergy(
  v: Float64Array,
  entries: Record<DramAction, { energy: number }>,
  burstBits: number,
): Record<DramAction, number> {
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
  return (
    v[DRAM_REFRESHES]! * entries['dram.refresh'].energy +
    v[DRAM_ACTIVE_CLOCKS]! * entries['dram.active-standby'].energy +
    v[DRAM_PRECHARGE_CLOCKS]! * entries['dram.precharge-standby'].energy +
    v[DRAM_POWER_DOWN_CLOCKS]! * entries['dram.power-down'].energy +
    v[DRAM_SELF_REFRESH_CLOCKS]! * entries['dram.self-refresh'].energy
  );
}
