import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rbnnStoragePlan, conventionalStoragePlan, maxRbnnIterations, planeOwner } from '../../model/storage-plan.js';
import { topology, weightCount } from '../../model/topology.js';

describe('RBNN storage plan', () => {
  it('bits/weight = n/k and storage stays n * W0 in every iteration', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 32 }),
        (n, h0, kMax) => {
          const t = topology(784, [h0], 10);
          const plan = rbnnStoragePlan(t, n, kMax);
          const W0 = 784 * h0 + h0 * 10;
          expect(plan.slots).toBe(W0);
          expect(plan.iterations.length).toBe(Math.min(n, kMax));
          for (const it of plan.iterations) {
            expect(it.storageBits).toBe(n * W0);
            expect(it.weights).toBe(it.k * W0);
            expect(it.bitsPerWeight).toBe(n / it.k);
            expect(it.trainableBits).toBe(n - it.k + 1);
            // The trainable weight fills planes k-1..n-1; frozen signs fill 0..k-2: every plane used once.
            expect(it.frozenPlanes.length + it.trainableBits).toBe(n);
            expect(it.frozenPlanes.every((p, i) => p === i)).toBe(true);
          }
        },
      ),
    );
  });

  it('R2: 784-100-10, 16-bit slots, 7 iterations: 2.29 bits/weight in 155 KiB', () => {
    const plan = rbnnStoragePlan(topology(784, [100], 10), 16, 7);
    const last = plan.iterations.at(-1)!;
    expect(last.k).toBe(7);
    expect(last.bitsPerWeight).toBeCloseTo(2.2857, 4);
    expect(last.storageBits / 8 / 1024).toBeCloseTo(155.08, 2);
    expect(last.weights).toBe(7 * 79_400);
  });

  it('stops before the trainable weight would be narrower than minTrainableBits', () => {
    expect(maxRbnnIterations(16, 16, 10)).toBe(7); // k = 7 trains 10 bits; k = 8 would train 9
    expect(maxRbnnIterations(12, 4, 1)).toBe(4);
    expect(maxRbnnIterations(4, 16, 1)).toBe(4);
  });

  it('planes belong to frozen sub-networks below k-1 and to S_k from k-1 on', () => {
    const it3 = rbnnStoragePlan(topology(2, [2], 2), 8, 8).iterations[2]!;
    expect(planeOwner(it3, 0)).toEqual({ subnet: 1, frozen: true });
    expect(planeOwner(it3, 1)).toEqual({ subnet: 2, frozen: true });
    expect(planeOwner(it3, 2)).toEqual({ subnet: 3, frozen: false });
    expect(planeOwner(it3, 7)).toEqual({ subnet: 3, frozen: false });
  });

  it('a conventional network keeps n bits per weight in one iteration', () => {
    const t = topology(784, [200], 10);
    const plan = conventionalStoragePlan(t, 6);
    expect(plan.iterations).toHaveLength(1);
    expect(plan.iterations[0]!.bitsPerWeight).toBe(6);
    expect(plan.iterations[0]!.storageBits).toBe(6 * weightCount(t));
    // 158,800 weights x 6 bits; paper: "114 KiB"
    expect(plan.iterations[0]!.storageBits / 8 / 1024).toBeCloseTo(116.3, 1);
  });
});
