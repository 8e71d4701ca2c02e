/**
 * The energy reference table (Accelergy's ERT pattern): action -> energy per action, built from
 * the hardware configuration and kept apart from the action counts. Energy of a run =
 * sum over actions of count x entry, plus SRAM and buffer leakage power x elapsed time (sim/energy.ts).
 *
 * Units of the counts: SRAM, buffer and register-file actions per word access, DRAM read/write per bit, DRAM activate
 * per row activation, refresh per refresh command, DRAM states per DRAM clock (sim/dram/energy.ts),
 * MAC step per serial bit a lane stepped.
 */
import type { HardwareConfig } from '../config/schema.js';
import type { Sram } from './components/sram.js';
import { Dram } from './components/dram.js';
import { dramEntries } from './dram/energy.js';

export const ACTIONS = [
  'sram.read',
  'sram.write',
  'buffer.read',
  'buffer.write',
  'regfile.read',
  'regfile.write',
  'dram.read',
  'dram.write',
  'dram.activate',
  'dram.refresh',
  'dram.active-standby',
  'dram.precharge-standby',
  'dram.power-down',
  'dram.self-refresh',
  'mac.step',
] as const;
export type Action = (typeof ACTIONS)[number];

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
  /** Leakage power of the operand buffer (W): the SRAM's cells, per bit (0 without a buffer). */
  bufferLeakagePower: number;
  /** What the table had to extrapolate (said in the report instead of silently). */
  notes: string[];
}

/**
 * SRAM energy per access of `wordBits` to a bank of `bankBits`, from the anchor and scaling law.
 * Banks below the anchored size are not extrapolated: they cost the anchor (the table notes it).
 */
export function sramAccessEnergy(anchor: number, hw: HardwareConfig, bankBits: number, wordBits: number): number {
  const s = hw.sram;
  const size = Math.max(bankBits, s.referenceBankSize);
  return anchor * (wordBits / s.referenceWordWidth) * (size / s.referenceBankSize) ** s.energyExponent;
}

/**
 * H-tree wire length (mm) from a memory's port to one of its `banks` banks of `bankBits` bits, beyond
 * the anchored bank's own wiring: sqrt(total area) - sqrt(bank area), area = cells + periphery per
 * bank (CACTI routes banks on an H-tree whose span is the side of the array; the single anchored bank
 * includes its own). Used for the SRAM and for the operand buffer (same cells and periphery).
 */
export function htreeLength(hw: HardwareConfig, banks: number, bankBits: number): number {
  const cellMm2 = hw.sram.cellArea * 1e-6;
  const bank = bankBits * cellMm2 + hw.sram.bankPeripheryArea;
  return Math.max(0, Math.sqrt(banks * bank) - Math.sqrt(bank));
}

/** The operand buffer's geometry as the energy table needs it. */
export interface BufferGeometry {
  capacityBits: number;
  banks: number;
}

/** Operand-buffer energy per access of one bank (0 without a buffer), without the H-tree term. */
export function bufferAccessEnergy(anchor: number, hw: HardwareConfig, bankBits: number): number {
  const b = hw.buffer;
  if (bankBits <= 0) return 0;
  const size = Math.max(bankBits, b.referenceSize);
  return anchor * (b.wordWidth / b.referenceWordWidth) * (size / b.referenceSize) ** b.energyExponent;
}

/** Register-file energy per word access: the anchor scaled linearly with the word width (0 without one). */
export function regAccessEnergy(anchor: number, hw: HardwareConfig): number {
  const r = hw.registerFile;
  return r.words > 0 ? anchor * (r.wordWidth / r.referenceWordWidth) : 0;
}

export function buildEnergyTable(
  hw: HardwareConfig,
  sram: Sram,
  buffer: BufferGeometry = { capacityBits: 0, banks: 1 },
  dram: Dram = new Dram(hw),
): EnergyTable {
  const s = hw.sram;
  const b = hw.buffer;
  const sramWireMm = htreeLength(hw, sram.banks, sram.bankBits);
  const wire = sramWireMm * sram.wordBits * s.wireEnergy;
  const wireNote =
    `+ ${(wire * 1e12).toPrecision(3)} pJ H-tree (${sramWireMm.toPrecision(3)} mm x ${sram.wordBits} b x ` +
    `sram.wireEnergy; Keckler et al., IEEE Micro 2011)`;
  // Below the anchor the law is not extrapolated: the text says the size it was evaluated at.
  const sramHeld = sram.bankBits < s.referenceBankSize ? ', held at the anchor' : '';
  const law =
    `x (word ${sram.wordBits} b / ${s.referenceWordWidth} b) x ` +
    `(bank ${Math.max(sram.bankBits, s.referenceBankSize) / 8192} KiB${sramHeld} / ` +
    `${s.referenceBankSize / 8192} KiB)^${s.energyExponent} ${wireNote}`;
  const bufferBits = buffer.capacityBits;
  const bankBits = bufferBits > 0 ? bufferBits / buffer.banks : 0;
  const bufWireMm = bufferBits > 0 ? htreeLength(hw, buffer.banks, bankBits) : 0;
  const bufWire = bufWireMm * b.wordWidth * s.wireEnergy;
  const bufHeld = bankBits > 0 && bankBits < b.referenceSize ? ', held at the anchor' : '';
  const bufLaw =
    `x (word ${b.wordWidth} b / ${b.referenceWordWidth} b) x ` +
    `(bank ${bankBits > 0 ? Math.max(bankBits, b.referenceSize) / 8 : 0} B${bufHeld} / ` +
    `${b.referenceSize / 8} B)^${b.energyExponent}` +
    (bufferBits > 0 && buffer.banks > 1
      ? ` + ${(bufWire * 1e12).toPrecision(3)} pJ H-tree over ${buffer.banks} banks (${bufWireMm.toPrecision(3)} mm ` +
        `x ${b.wordWidth} b x sram.wireEnergy)`
      : '');
  const r = hw.registerFile;
  const regLaw = `x (word ${r.wordWidth} b / ${r.referenceWordWidth} b)`;
  const step = hw.mac.stepEnergy * (hw.mac.accumulatorBits / 32);
  const leakagePerBit = s.cellType === 'low-leakage' ? s.leakageLowLeakage : s.leakageHighPerformance;
  const notes: string[] = [];
  if (sram.bankBits < s.referenceBankSize) {
    notes.push(
      `SRAM banks of ${sram.bankBits / 8} B are below the smallest anchored bank size ` +
        `(${s.referenceBankSize / 8} B): ` +
        "their energy per access is held at the anchor's (the power law is not extrapolated below it)",
    );
  }
  if (bankBits > 0 && bankBits < b.referenceSize) {
    notes.push(
      `the operand buffer's banks (${bankBits / 8} B) are below its anchored size (${b.referenceSize / 8} B): ` +
        "their energy per access is held at the anchor's",
    );
  }
  const entries: Record<Action, EnergyEntry> = {
    'sram.read': {
      action: 'sram.read',
      energy: sramAccessEnergy(s.readEnergy, hw, sram.bankBits, sram.wordBits) + wire,
      per: 'word read',
      source: `sram.readEnergy ${law} (anchor: Horowitz ISSCC 2014, 10 pJ per 64 b at 8 KB)`,
    },
    'sram.write': {
      action: 'sram.write',
      energy: sramAccessEnergy(s.writeEnergy, hw, sram.bankBits, sram.wordBits) + wire,
      per: 'word write',
      source: `sram.writeEnergy ${law} (assumption: write = read)`,
    },
    'buffer.read': {
      action: 'buffer.read',
      energy: bufferAccessEnergy(b.readEnergy, hw, bankBits) + bufWire,
      per: 'buffer word read',
      source: `buffer.readEnergy ${bufLaw} (anchor: Accelergy 45 nm ERT, 384 B SRAM 0.68 pJ per read)`,
    },
    'buffer.write': {
      action: 'buffer.write',
      energy: bufferAccessEnergy(b.writeEnergy, hw, bankBits) + bufWire,
      per: 'buffer word write',
      source: `buffer.writeEnergy ${bufLaw} (anchor: Accelergy 45 nm ERT, 384 B SRAM 1.58 pJ per write)`,
    },
    'regfile.read': {
      action: 'regfile.read',
      energy: regAccessEnergy(hw.registerFile.readEnergy, hw),
      per: 'register-file word read',
      source: `registerFile.readEnergy ${regLaw} (anchor: Accelergy 45 nm ERT, 16-bit register 0.144 pJ per read)`,
    },
    'regfile.write': {
      action: 'regfile.write',
      energy: regAccessEnergy(hw.registerFile.writeEnergy, hw),
      per: 'register-file word write',
      source: `registerFile.writeEnergy ${regLaw} (assumption: write = read)`,
    },
    ...dramEntries(hw, dram),
    'mac.step': {
      action: 'mac.step',
      energy: step,
      per: 'serial bit stepped by a lane',
      source:
        `mac.stepEnergy x ${hw.mac.accumulatorBits}/32 accumulator bits per bit stepped, whatever bitsPerCycle ` +
        `(Horowitz: 32-bit add 0.1 pJ)`,
    },
  };
  return {
    entries,
    leakagePerBit,
    leakagePower: leakagePerBit * sram.capacityBits,
    bufferLeakagePower: leakagePerBit * bufferBits,
    notes,
  };
}
