/**
 * The per-lane register files (issue 14): each lane keeps a register tile of partial sums
 * (output-stationary, as Eyeriss's per-PE partial-sum scratchpads do), so that one pass of a matmul
 * or gradient computes several outputs per lane and re-uses each streamed operand word for all of
 * them. A partial sum takes ceil(accumulator bits / wordWidth) words. A lane with a register tile
 * of more than one output reads and writes one partial sum per MAC (the read-modify-write Eyeriss's
 * energy model charges its psum spad); a tile of one output uses the lane's accumulator alone (the
 * machine before, at no register-file cost). `words: 0` is that machine exactly.
 * Energies per access live in the energy table (sim/energy-table.ts).
 */
import type { HardwareConfig } from '../../config/schema.js';

export class RegisterFile {
  /** Words per lane, their width, and the words one partial sum takes. */
  readonly words: number;
  readonly wordBits: number;
  readonly wordsPerSum: number;
  /** Largest register tile (outputs per lane) that fits; 1 when none fits (the lone accumulator). */
  readonly maxTile: number;

  constructor(hw: HardwareConfig) {
    const r = hw.registerFile;
    this.words = r.words;
    this.wordBits = r.wordWidth;
    this.wordsPerSum = Math.ceil(hw.mac.accumulatorBits / r.wordWidth);
    this.maxTile = Math.max(1, Math.floor(r.words / this.wordsPerSum));
  }

  /** Register-file word reads (= writes) of `macs` MACs on lanes keeping `tile` outputs each. */
  accesses(macs: number, tile: number): number {
    return tile > 1 ? macs * this.wordsPerSum : 0;
  }
}
