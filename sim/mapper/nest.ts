/**
 * A mapping of a matmul or gradient operation: a loop nest over the memory levels.
 *
 *   SRAM level:    for g in G  /  for t in T      (order GT: g outer; TG: t outer)
 *   buffer level:  the operands marked `hold` stay in the operand buffer across the loop they do not
 *                  depend on (their footprint: their slice for one outer iteration when that loop is
 *                  the inner one, the whole operand when it is the outer one)
 *   lanes:         spatial: `columns` lanes over the output columns x `others` lanes over the other
 *                  dimension (samples of a matmul, rows of a gradient); temporal: the reduction walked
 *                  whole, partial sums in the lane accumulators
 *
 * G = ceil(others dimension / others), T = ceil(columns dimension / columns). An operand that does
 * not depend on a loop is re-fetched once per iteration of it unless held; a held operand is fetched
 * once and the lanes read it from the buffer instead. Backward partial sums (err_in accumulated over
 * the column tiles of the reduction) are spilled to SRAM between tiles unless held.
 */
export type LoopOrder = 'GT' | 'TG';

export interface GridMapping {
  /** Lanes over the output columns (Tc). */
  columns: number;
  /** Lanes over the other dimension (Ts or Tr), at most lanes / columns; clipped to the dimension. */
  others: number;
  order: LoopOrder;
  /** Bit i: operand i of the operation (see Dataflow) is kept in the operand buffer. */
  hold: number;
}

/** How one re-used operand of a mapped operation is served (for reports and --mappings). */
export interface OperandUse {
  name: string;
  /** The SRAM-level loop it does not depend on, and that loop's trip count. */
  invariant: 'G' | 'T';
  trips: number;
  /** Partial sums (read back and re-written per trip) rather than an input. */
  psum: boolean;
  held: boolean;
  /** Buffer words it occupies when held (its footprint under the loop order), else 0. */
  footprintWords: number;
  /** Fetches of its range from SRAM/DRAM (1 when held). */
  fetches: number;
}

/** The nest of one chunk: loop trip counts, lane grid and operand uses (null for non-grid ops). */
export interface Nest {
  mapping: GridMapping;
  G: number;
  T: number;
  columns: number;
  others: number;
  operands: OperandUse[];
}

export function sameMapping(a: GridMapping, b: GridMapping): boolean {
  return a.columns === b.columns && a.others === b.others && a.order === b.order && a.hold === b.hold;
}
