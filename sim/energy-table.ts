/**
 * The energy reference table (Accelergy's ERT pattern): action -> energy per action, built from
 * the hardware configuration and kept apart from the action counts. Energy of a run =
 * sum over actions of count x entry, plus SRAM leakage power x elapsed time.
 *
 * Units of the counts: SRAM actions per word access, DRAM read/write per bit, DRAM activate
 * per row activation, refresh per refresh command, DRAM states per DRAM clock (sim/dram/energy.ts),
 * MAC step per lane-step.
 */
import type { HardwareConfig } from '../config/schema.js';
import type { Sram } from './components/sram.js';
import { Dram } from './components/dram.js';
import { dramEntries } from './dram/energy.js';

export const ACTIONS = [
  'sram.read', 'sram.write', 'dram.read', 'dram.write', 'dram.activate', 'dram.refresh', 'dram.active-standby',
  'dram.precharge-standby', 'dram.power-down', 'dram.self-refresh', 'mac.step',
] as const;
export type Action = typeof ACTIONS[number];

export interface EnergyEntry {
  action: Action;
  /** Joules per action. */
  energy: number;
  /** What one action is. */
  per: string;
  /** How the number was obtained. */
  source: string;
}

export interface EnergyTable {
  entries: Record<Action, EnergyEntry>;
  /** SRAM leakage power per bit (W) for the configured cell type, and of the whole SRAM. */
  leakagePerBit: number;
  leakagePower: number;
}

/** SRAM energy per access of `wordBits` to a bank of `bankBits`, from the anchor and scaling law. */
export function sramAccessEnergy(anchor: number, hw: HardwareConfig, bankBits: number, wordBits: number): number {
  const s = hw.sram;
  return anchor * (wordBits / s.referenceWordWidth) * (bankBits / s.referenceBankSize) ** s.energyExponent;
}

export function buildEnergyTable(hw: HardwareConfig, sram: Sram, dram: Dram = new Dram(hw)): EnergyTable {
  const s = hw.sram;
  const law = `x (word ${sram.wordBits} b / ${s.referenceWordWidth} b) x (bank ${sram.bankBits / 8192} KiB / ${s.referenceBankSize / 8192} KiB)^${s.energyExponent}`;
  const step = hw.mac.stepEnergy * (hw.mac.accumulatorBits / 32) * hw.mac.bitsPerCycle;
  const leakagePerBit = s.cellType === 'low-leakage' ? s.leakageLowLeakage : s.leakageHighPerformance;
  const entries: Record<Action, EnergyEntry> = {
    'sram.read': {
      action: 'sram.read', energy: sramAccessEnergy(s.readEnergy, hw, sram.bankBits, sram.wordBits), per: 'word read',
      source: `sram.readEnergy ${law} (anchor: Horowitz ISSCC 2014, 10 pJ per 64 b at 8 KB)`,
    },
    'sram.write': {
      action: 'sram.write', energy: sramAccessEnergy(s.writeEnergy, hw, sram.bankBits, sram.wordBits), per: 'word write',
      source: `sram.writeEnergy ${law} (assumption: write = read)`,
    },
    ...dramEntries(hw, dram),
    'mac.step': {
      action: 'mac.step', energy: step, per: 'lane-step',
      source: `mac.stepEnergy x ${hw.mac.accumulatorBits}/32 accumulator bits x ${hw.mac.bitsPerCycle} bit/cycle (Horowitz: 32-bit add 0.1 pJ)`,
    },
  };
  return { entries, leakagePerBit, leakagePower: leakagePerBit * sram.capacityBits };
}
