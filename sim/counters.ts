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
/** Per-bank SRAM reads start here; per-bank writes follow after `banks` entries. */
export const PER_BANK = 13;

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
