/** The claim checks of `rbnn-sim reproduce` on hand-made rows (experiments/reproduce/claims.ts). */
import { describe, expect, it } from 'vitest';
import { checkClaims, storageForError, type ClaimRow } from '../../experiments/reproduce/claims.js';
import type { RowId } from '../../experiments/reproduce/rows.js';

function row(id: RowId, storageKiB: number, mean: number, std = 0.001, n = 3): ClaimRow {
  const rbnn = id.startsWith('R');
  const iterations = { R1: 4, R2: 7, R3: 4, B1: 1, B2: 1, B3: 1 }[id];
  const bits = { R1: 16, R2: 16, R3: 12, B1: 12, B2: 12, B3: 6 }[id];
  return {
    id,
    model: rbnn ? 'rbnn' : 'conventional',
    iterations,
    bits,
    bitsPerWeight: bits / iterations,
    storageKiB,
    testError: { mean, std, n },
    paper: { testError: 0, storageKiB: 0 },
    costs: [],
  };
}

describe('storageForError', () => {
  const conv = [row('B3', 100, 0.05), row('B2', 400, 0.03), row('B1', 800, 0.028)];
  it('interpolates in log(storage) between the bracketing rows', () => {
    expect(storageForError(conv, 0.05).kib).toBeCloseTo(100, 9);
    expect(storageForError(conv, 0.05).bound).toBe('exact');
    expect(storageForError(conv, 0.04).kib).toBeCloseTo(200, 9); // half way in log: sqrt(100 * 400)
    expect(storageForError(conv, 0.029).kib).toBeCloseTo(400 * Math.SQRT2, 9);
  });
  it('gives bounds outside the curve', () => {
    expect(storageForError(conv, 0.02)).toEqual({ kib: 800, bound: 'above' });
    expect(storageForError(conv, 0.06)).toEqual({ kib: 100, bound: 'below' });
  });
});

describe('checkClaims', () => {
  it('applies the stated rules', () => {
    const rows = [
      row('R1', 310, 0.0256),
      row('R2', 155, 0.0265),
      row('R3', 116, 0.0276),
      row('B1', 930, 0.0261),
      row('B2', 465, 0.028),
      row('B3', 116, 0.036),
    ];
    const c = Object.fromEntries(checkClaims(rows, 1).map((x) => [x.id, x]));
    expect(c['bits-per-weight']!.verdict).toBe('holds');
    expect(c['equal-storage']!.verdict).toBe('holds');
    expect(c['equal-storage']!.numbers['difference']).toBeCloseTo(0.0084, 12);
    expect(c['storage-R3-B2']!.verdict).toBe('holds');
    expect(c['storage-R3-B2']!.numbers['storageRatio']).toBeCloseTo(465 / 116, 12);
    expect(c['storage-R1-B1']!.verdict).toBe('holds');
    expect(c['equal-error-storage']!.verdict).toBe('holds');
    // No costs given: the cost claims cannot be checked.
    expect(c['energy']!.verdict).toBe('not run');
  });

  it('says "does not hold" when RBNN is clearly worse, and "not resolved" within the noise', () => {
    const worse = checkClaims([row('R3', 116, 0.04), row('B3', 116, 0.036), row('B2', 465, 0.03)], 1);
    expect(worse.find((x) => x.id === 'equal-storage')!.verdict).toBe('does not hold');
    expect(worse.find((x) => x.id === 'storage-R3-B2')!.verdict).toBe('does not hold');
    const noisy = checkClaims([row('R3', 116, 0.0361, 0.005), row('B3', 116, 0.036, 0.005)], 1);
    expect(noisy.find((x) => x.id === 'equal-storage')!.verdict).toBe('not resolved');
    expect(noisy.find((x) => x.id === 'storage-R1-B1')!.verdict).toBe('not run');
  });
});
