/**
 * On-chip SRAM: `banks` banks of `wordsPerBank` words of `wordBits` bits, addresses interleaved
 * by word (word w lives in bank w mod banks), `ports` accesses per bank per cycle.
 * It counts what an access pattern costs (words per bank) and the cycles the banks need;
 * energies per access live in the energy table (sim/energy-table.ts).
 */
import type { HardwareConfig } from '../../config/schema.js';
import { UserError } from '../../config/errors.js';

export class Sram {
  readonly banks: number;
  readonly wordBits: number;
  readonly ports: number;
  /** Whole words per bank (capacity rounded down to banks x words). */
  readonly wordsPerBank: number;
  /** Usable capacity in words and in bits. */
  readonly words: number;
  readonly capacityBits: number;
  /** Bits per bank (sets the energy per access). */
  readonly bankBits: number;

  constructor(hw: HardwareConfig) {
    const s = hw.sram;
    if (s.wordWidth % 8 !== 0)
      throw new UserError(`hardware.sram.wordWidth: expected a whole number of bytes, got ${s.wordWidth} bits`);
    this.banks = s.banks;
    this.wordBits = s.wordWidth;
    this.ports = s.ports;
    this.wordsPerBank = Math.floor(s.capacity / (s.wordWidth * s.banks));
    if (this.wordsPerBank < 1) {
      throw new UserError(
        `hardware.sram.capacity: ${s.capacity} bits cannot hold one ${s.wordWidth}-bit word ` +
          `in each of ${s.banks} banks`,
      );
    }
    this.words = this.wordsPerBank * this.banks;
    this.capacityBits = this.words * this.wordBits;
    this.bankBits = this.wordsPerBank * this.wordBits;
  }

  /** Words an access to bits [startBit, startBit + bits) touches (0 when bits = 0). */
  wordsTouched(startBit: number, bits: number): number {
    if (bits <= 0) return 0;
    const w = this.wordBits;
    return Math.floor((startBit + bits - 1) / w) - Math.floor(startBit / w) + 1;
  }

  /** First word of bit address `startBit`. */
  firstWord(startBit: number): number {
    return Math.floor(startBit / this.wordBits);
  }

  /**
   * Adds `times` x the per-bank accesses of `n` consecutive words starting at word `first`
   * into `perBank` (from index `offset`).
   */
  addWords(first: number, n: number, times: number, perBank: Float64Array, offset: number): void {
    if (n <= 0 || times === 0) return;
    const B = this.banks;
    const full = Math.floor(n / B);
    const rest = n - full * B;
    const b0 = first % B;
    for (let b = 0; b < B; b++) {
      const extra = (b - b0 + B) % B < rest ? 1 : 0;
      perBank[offset + b]! += (full + extra) * times;
    }
  }

  /** Bank of word `w`. */
  bankOf(w: number): number {
    return w % this.banks;
  }

  /** Cycles the banks need for the given per-bank access counts (the busiest bank bounds). */
  cycles(perBankReads: Float64Array, readOffset: number, perBankWrites: Float64Array, writeOffset: number): number {
    let worst = 0;
    for (let b = 0; b < this.banks; b++) {
      const a = perBankReads[readOffset + b]! + perBankWrites[writeOffset + b]!;
      if (a > worst) worst = a;
    }
    return Math.ceil(worst / this.ports);
  }
}
