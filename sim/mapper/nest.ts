/**
 * A mapping of a matmul or gradient operation: a loop nest over the memory levels.
 *
 *   SRAM level:    for each block of `block` outer trips      (order GT: the G loop is outer)
 *                    for each inner trip                      (GT: t in T)
 *   buffer level:      for each outer trip of the block       (GT: g in the block)
 *   lanes:               spatial: `columns` lanes over the output columns x `others` lanes over the
 *                        other dimension (samples of a matmul, weight rows of a gradient);
 *   register files:        per lane a register tile of `regColumns` x `regOthers` outputs (partial sums
 *                          in the lane's register file; 1 x 1: the lone accumulator of before);
 *                          temporal: the reduction walked whole
 *
 * A pass covers a tile of Ct = min(C, columns x regColumns) columns and Ot = min(extent, others x
 * regOthers) of the other dimension; G = ceil(extent / Ot) groups, T = ceil(C / Ct) column tiles.
 * A lane computes ceil(Ct / columns) x ceil(Ot / others) outputs of the pass (its register tile).
 * Each re-used operand does not depend on one of the two loops; unless held in the operand buffer it
 * is re-fetched from SRAM (or DRAM) once per trip of that loop, as on the machine without a buffer.
 * Held (bit i of `hold`), an operand invariant to the inner loop stays for a whole block (fetched
 * once in all; it occupies the block's part of it), one invariant to the outer loop stays for one
 * inner trip while the block's outer trips use it (fetched once per block; it occupies one tile).
 * The backward matmul's partial sums (err_in, accumulated over the column tiles of its reduction)
 * are spilled to SRAM and read back between tiles unless held, and then once per fetch.
 */
export type LoopOrder = 'GT' | 'TG';

export interface GridMapping {
  /** Lanes over the output columns (Tc). */
  columns: number;
  /** Lanes over the other dimension (Ts or Tr), at most lanes / columns; clipped to the dimension. */
  others: number;
  order: LoopOrder;
  /** Trips of the outer loop per block (1..its trips): the buffer keeps a block's operands. */
  block: number;
  /** Bit i: operand i of the operation (see Dataflow) is kept in the operand buffer. */
  hold: number;
  /** Register tile per lane: output columns and other-dimension items (1 x 1 without a register file). */
  regColumns: number;
  regOthers: number;
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
  /** Fetches of its whole range from SRAM/DRAM (trips when not held; partial sums: spills). */
  fetches: number;
  /** Bits of its whole range. */
  wholeBits: number;
}

/** The nest of one chunk: loop trip counts, lane grid and operand uses (null for non-grid ops). */
export interface Nest {
  mapping: GridMapping;
  G: number;
  T: number;
  columns: number;
  others: number;
  /** A pass's tile (columns x other items), and the outputs each lane keeps in its register file. */
  tileColumns: number;
  tileOthers: number;
  regTile: number;
  operands: OperandUse[];
  /** Buffer words the held operands occupy, and the buffer's word reads and writes. */
  footprintWords: number;
  bufferReads: number;
  bufferWrites: number;
}

/**
 * A re-used operand of a grid operation, before the mapping decides how it is served: it does not
 * depend on one SRAM-level loop (`invariant`) and spans `extent` units of the other dimension
 * (others for a T-invariant operand, columns for a G-invariant one), `unitBits` each.
 */
export interface Reuse {
  name: string;
  invariant: 'G' | 'T';
  unitBits: number;
  extent: number;
  psum: boolean;
}

const wordsOf = (bits: number, wordBits: number): number => (bits <= 0 ? 0 : Math.ceil(bits / wordBits));

/**
 * The nest of mapping `m` for an operation with `cols` output columns and `othersExtent` items
 * along the other dimension on `lanes` lanes, and a buffer of `wordBits`-bit words.
 */
export function nestOf(
  m: GridMapping,
  cols: number,
  othersExtent: number,
  lanes: number,
  reuse: readonly Reuse[],
  wordBits: number,
): Nest {
  const c = Math.max(1, Math.min(cols, m.columns, lanes));
  const o = Math.max(1, Math.min(othersExtent, m.others, Math.floor(lanes / c)));
  const Ct = Math.min(cols, c * Math.max(1, m.regColumns));
  const Ot = Math.min(othersExtent, o * Math.max(1, m.regOthers));
  const G = Math.ceil(othersExtent / Ot);
  const T = Math.ceil(cols / Ct);
  const inner = m.order === 'GT' ? 'T' : 'G';
  const outerTrips = m.order === 'GT' ? G : T;
  const b = Math.max(1, Math.min(m.block, outerTrips));
  let footprintWords = 0;
  let bufferReads = 0;
  let bufferWrites = 0;
  const operands: OperandUse[] = reuse.map((r, i) => {
    const held = ((m.hold >> i) & 1) === 1;
    const trips = r.invariant === 'G' ? G : T;
    const tile = r.invariant === 'T' ? Ot : Ct;
    const units = r.invariant === inner ? Math.min(b * tile, r.extent) : tile;
    const fetches = !held ? trips : r.invariant === inner ? 1 : Math.ceil(outerTrips / b);
    const words = held ? wordsOf(units * r.unitBits, wordBits) : 0;
    const wholeBits = r.extent * r.unitBits;
    if (held) {
      const N = wordsOf(wholeBits, wordBits);
      footprintWords += words;
      // Inputs: filled once per fetch, read by the lanes once per trip. Partial sums: written by
      // every column tile, read back by all but the first.
      if (r.psum) {
        bufferWrites += trips * N;
        bufferReads += (trips - 1) * N;
      } else {
        bufferWrites += fetches * N;
        bufferReads += trips * N;
      }
    }
    return {
      name: r.name,
      invariant: r.invariant,
      trips,
      psum: r.psum,
      held,
      footprintWords: words,
      fetches,
      wholeBits,
    };
  });
  return {
    mapping: { ...m, block: b },
    G,
    T,
    columns: c,
    others: o,
    tileColumns: Ct,
    tileOthers: Ot,
    regTile: Math.ceil(Ct / c) * Math.ceil(Ot / o),
    operands,
    footprintWords,
    bufferReads,
    bufferWrites,
  };
}

export function sameMapping(a: GridMapping, b: GridMapping): boolean {
  return (
    a.columns === b.columns &&
    a.others === b.others &&
    a.order === b.order &&
    a.block === b.block &&
    a.hold === b.hold &&
    a.regColumns === b.regColumns &&
    a.regOthers === b.regOthers
  );
}

/**
 * The largest block (1..outer trips) whose footprint fits `capWords`, or 0 if even block 1 does not:
 * only the held operand invariant to the inner loop grows with the block (min(block x tile, extent)
 * units), so the bound is closed-form.
 */
export function largestBlock(
  m: GridMapping,
  cols: number,
  othersExtent: number,
  lanes: number,
  reuse: readonly Reuse[],
  wordBits: number,
  capWords: number,
): number {
  const n = nestOf({ ...m, block: 1 }, cols, othersExtent, lanes, reuse, wordBits);
  if (n.footprintWords > capWords) return 0;
  const outerTrips = m.order === 'GT' ? n.G : n.T;
  const inner = m.order === 'GT' ? 'T' : 'G';
  const k = reuse.findIndex((r, i) => r.invariant === inner && ((m.hold >> i) & 1) === 1);
  if (k < 0) return outerTrips;
  const r = reuse[k]!;
  const avail = capWords - (n.footprintWords - n.operands[k]!.footprintWords);
  const units = Math.floor((avail * wordBits) / r.unitBits);
  if (units >= r.extent) return outerTrips;
  const tile = r.invariant === 'T' ? n.tileOthers : n.tileColumns;
  return Math.max(1, Math.min(outerTrips, Math.floor(units / tile)));
}
