/**
 * The operand buffer: one shared buffer between the SRAM and the lanes that keeps the operands a
 * mapping re-uses (sim/mapper/), `words` words of `wordBits` bits in `banks` equal banks, `ports`
 * accesses per cycle. Capacity 0 means no buffer: every re-use re-reads the SRAM (the machine before
 * issue 14). Banks change the energy per access only (sim/energy-table.ts), not what fits.
 * Energies per access live in the energy table (sim/energy-table.ts).
 */
import type { HardwareConfig } from '../../config/schema.js';
import { UserError } from '../../config/errors.js';

export class OperandBuffer {
  readonly wordBits: number;
  /** Whole words (capacity rounded down). */
  readonly words: number;
  readonly capacityBits: number;
  readonly ports: number;
  readonly banks: number;
  /** Bits per bank (0 without a buffer). */
  readonly bankBits: number;

  constructor(hw: HardwareConfig) {
    const b = hw.buffer;
    if (b.wordWidth % 8 !== 0)
      throw new UserError(`hardware.buffer.wordWidth: expected a whole number of bytes, got ${b.wordWidth} bits`);
    this.wordBits = b.wordWidth;
    this.words = Math.floor(b.capacity / b.wordWidth);
    if (b.capacity > 0 && this.words === 0)
      throw new UserError(
        `hardware.buffer.capacity: ${b.capacity} bits is less than one ${b.wordWidth}-bit word (0 for no buffer)`,
      );
    this.capacityBits = this.words * this.wordBits;
    this.ports = b.ports;
    this.banks = b.banks;
    if (this.words > 0 && this.words % b.banks !== 0)
      throw new UserError(
        `hardware.buffer.banks: ${this.words} word${this.words === 1 ? '' : 's'} of ${b.wordWidth} bits ` +
          `${this.words === 1 ? 'does' : 'do'} not split into ${b.banks} equal banks`,
      );
    this.bankBits = this.capacityBits / b.banks;
  }

  /** Buffer words a range of `bits` bits occupies. */
  wordsOf(bits: number): number {
    return bits <= 0 ? 0 : Math.ceil(bits / this.wordBits);
  }

  /** Cycles the buffer needs for `accesses` word accesses. */
  cycles(accesses: number): number {
    return accesses <= 0 ? 0 : Math.ceil(accesses / this.ports);
  }
}
