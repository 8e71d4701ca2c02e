/**
 * Counter vectors: everything the cost model counts for an operation (or a sum of them), as a
 * flat Float64Array so that accumulating a costed op into totals, phases and iterations is a
 * short loop. Counts are integers (exact in doubles below 2^53).
 */
export const SRAM_READS = 0;
export const SRAM_WRITES = 1;
export const DRAM_READ_BURSTS = 2;
export const DRAM_WRITE_BURSTS = 3;
export const DRAM_ACTIVATIONS = 4;
export const LANE_STEPS = 5;
export const COMPUTE_CYCLES = 6;
export const SRAM_CYCLES = 7;
export const DRAM_CYCLES = 8;
export const CYCLES = 9;
export const OCCURRENCES = 10;
export const TRAIN_SAMPLES = 11;
export const EVAL_SAMPLES = 12;
/** Operand-buffer word reads and writes, and the buffer's cycle bound. */
export const BUFFER_READS = 13;
export const BUFFER_WRITES = 14;
export const BUFFER_CYCLES = 15;
/** Serial bits the lanes stepped (the MAC energy count; = LANE_STEPS at 1 bit per cycle). */
export const LANE_BITS = 16;
/** SRAM word reads of the compulsory minimum: every operand range read once per chunk. */
export const SRAM_READS_MIN = 17;
/** Per-bank SRAM reads start here; per-bank writes follow after `banks` entries. */
export const PER_BANK = 18;

export function counterLength(banks: number): number {
  return PER_BANK + 2 * banks;
}

export function bankReads(banks: number): number {
  void banks;
  return PER_BANK;
}

export function bankWrites(banks: number): number {
  return PER_BANK + banks;
}

/** into += v * times */
export function addScaled(into: Float64Array, v: Float64Array, times: number): void {
  for (let i = 0; i < v.length; i++) into[i]! += v[i]! * times;
}
