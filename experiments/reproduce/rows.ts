/**
 * The paper's Table 2 (Guan, Zeng, Seok 2017; SPEC section 1) as data: what each row claims and
 * which preset of configs/presets reproduces it.
 */

export type RowId = 'R1' | 'R2' | 'R3' | 'B1' | 'B2' | 'B3';
export const ROW_IDS: readonly RowId[] = ['R1', 'R2', 'R3', 'B1', 'B2', 'B3'];

export interface PaperRow {
  id: RowId;
  model: 'rbnn' | 'conventional';
  /** Hidden units of the first sub-network (conventional: of the network). */
  hiddenInitial: number;
  /** Hidden units of the final network. */
  hiddenFinal: number;
  /** Initial weight bits n. */
  bits: number;
  iterations: number;
  /** As printed in the paper. */
  bitsPerWeight: number;
  /** KiB, as printed in the paper. */
  storageKiB: number;
  /** Test error in [0, 1], as printed. */
  testError: number;
  /** What the paper's row says that differs from our reading of it. */
  note?: string;
}

export const PAPER_TABLE2: Readonly<Record<RowId, PaperRow>> = {
  R1: {
    id: 'R1',
    model: 'rbnn',
    hiddenInitial: 200,
    hiddenFinal: 800,
    bits: 16,
    iterations: 4,
    bitsPerWeight: 4,
    storageKiB: 310,
    testError: 0.0256,
  },
  R2: {
    id: 'R2',
    model: 'rbnn',
    hiddenInitial: 100,
    hiddenFinal: 700,
    bits: 16,
    iterations: 7,
    bitsPerWeight: 2.28,
    storageKiB: 155,
    testError: 0.0265,
    note: 'the paper prints 2.28; 16/7 = 2.2857',
  },
  R3: {
    id: 'R3',
    model: 'rbnn',
    hiddenInitial: 100,
    hiddenFinal: 400,
    bits: 12,
    iterations: 4,
    bitsPerWeight: 3,
    storageKiB: 116,
    testError: 0.0276,
  },
  B1: {
    id: 'B1',
    model: 'conventional',
    hiddenInitial: 800,
    hiddenFinal: 800,
    bits: 12,
    iterations: 1,
    bitsPerWeight: 12,
    storageKiB: 930,
    testError: 0.0261,
  },
  B2: {
    id: 'B2',
    model: 'conventional',
    hiddenInitial: 400,
    hiddenFinal: 400,
    bits: 12,
    iterations: 1,
    bitsPerWeight: 12,
    storageKiB: 465,
    testError: 0.028,
  },
  B3: {
    id: 'B3',
    model: 'conventional',
    hiddenInitial: 200,
    hiddenFinal: 200,
    bits: 6,
    iterations: 1,
    bitsPerWeight: 6,
    storageKiB: 114,
    testError: 0.036,
    note: 'the table prints 16 bits; 114 KiB of weights fits 6 bits (158,800 x 6 bits = 116 KiB)',
  },
};

/** Parses "R1,R2" (or "all") into row ids, in Table 2 order. */
export function parseRows(text: string): RowId[] {
  const names = text
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0);
  if (names.length === 1 && names[0] === 'ALL') return [...ROW_IDS];
  for (const n of names) {
    if (!(ROW_IDS as readonly string[]).includes(n))
      throw new RangeError(`unknown Table 2 row "${n}" (rows: ${ROW_IDS.join(', ')})`);
  }
  return ROW_IDS.filter((id) => names.includes(id));
}
