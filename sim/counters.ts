/**
 * Counter vectors: everything the cost model counts for an operation (or a sum of them), as a
 * flat Float64Array so that accumulating a costed op into totals, phases and iterations is a
 * short loop. Counts are integers (exact in doubles below 2^53), except the DRAM's expected
 * refreshes and re-opens (fractions of tREFI).
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
/** DRAM (sim/dram/): back-to-back row conflicts; expected activations after refreshes closed the rows. */
export const DRAM_CONFLICTS = 13;
export const DRAM_REOPENS = 14;
/** DRAM clocks the device serves bursts (incl. row misses and refresh blocking). */
export const DRAM_BUSY_CLOCKS = 15;
/** DRAM clocks in each power state (busy time counts as active standby), refreshes, exits. */
export const DRAM_ACTIVE_CLOCKS = 16;
export const DRAM_PRECHARGE_CLOCKS = 17;
export const DRAM_POWER_DOWN_CLOCKS = 18;
export const DRAM_SELF_REFRESH_CLOCKS = 19;
export const DRAM_REFRESHES = 20;
export const DRAM_POWER_DOWN_EXITS = 21;
export const DRAM_SELF_REFRESH_EXITS = 22;
/** Operand-buffer word reads and writes, and the buffer's cycle bound. */
export const BUFFER_READS = 23;
export const BUFFER_WRITES = 24;
export const BUFFER_CYCLES = 25;
/** Serial bits the lanes stepped (the MAC energy count; = LANE_STEPS at 1 bit per cycle). */
export const LANE_BITS = 26;
/** SRAM word reads of the compulsory minimum: every operand range read once per chunk. */
export const SRAM_READS_MIN = 27;
/** Register-file word reads and writes (partial sums kept in the lanes' register files). */
export const REG_READS = 28;
export const REG_WRITES = 29;
/** Per-bank SRAM reads start here; per-bank writes follow after `banks` entries. */
export const PER_BANK = 30;

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
