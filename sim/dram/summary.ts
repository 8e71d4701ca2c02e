/** The DRAM parts of a report's cost summary: device counts and time per power state. */
import {
  DRAM_ACTIVATIONS,
  DRAM_ACTIVE_CLOCKS,
  DRAM_BUSY_CLOCKS,
  DRAM_CONFLICTS,
  DRAM_POWER_DOWN_CLOCKS,
  DRAM_POWER_DOWN_EXITS,
  DRAM_PRECHARGE_CLOCKS,
  DRAM_REFRESHES,
  DRAM_REOPENS,
  DRAM_SELF_REFRESH_CLOCKS,
  DRAM_SELF_REFRESH_EXITS,
} from '../counters.js';

export interface DramCounts {
  /** Activations from row changes of the address sequence (open-page row buffers). */
  rowChanges: number;
  /** Of those, row changes in the bank of the previous burst (tRP + tRCD exposed). */
  conflicts: number;
  /** Expected activations re-opening rows that a refresh closed while the DRAM was serving. */
  reopens: number;
  /** Expected all-bank refresh commands (every tREFI outside self-refresh). */
  refreshes: number;
  powerDownExits: number;
  selfRefreshExits: number;
}

export interface DramStates {
  /** Seconds the device served bursts (part of activeStandby). */
  busy: number;
  activeStandby: number;
  prechargeStandby: number;
  powerDown: number;
  selfRefresh: number;
}

export function dramCounts(v: Float64Array): DramCounts {
  return {
    rowChanges: v[DRAM_ACTIVATIONS]!,
    conflicts: v[DRAM_CONFLICTS]!,
    reopens: v[DRAM_REOPENS]!,
    refreshes: v[DRAM_REFRESHES]!,
    powerDownExits: v[DRAM_POWER_DOWN_EXITS]!,
    selfRefreshExits: v[DRAM_SELF_REFRESH_EXITS]!,
  };
}

export function dramStates(v: Float64Array, dramClockHz: number): DramStates {
  const s = (i: number): number => v[i]! / dramClockHz;
  return {
    busy: s(DRAM_BUSY_CLOCKS),
    activeStandby: s(DRAM_ACTIVE_CLOCKS),
    prechargeStandby: s(DRAM_PRECHARGE_CLOCKS),
    powerDown: s(DRAM_POWER_DOWN_CLOCKS),
    selfRefresh: s(DRAM_SELF_REFRESH_CLOCKS),
  };
}
