/**
 * The storage plan of RBNN weights (SPEC section 1): every weight slot has n bits, one slot per
 * weight of a sub-network (W0 slots). Bit-plane p (0 = most significant) holds the sign bit of
 * S_{p+1} once it is frozen; in iteration k the trainable weight of S_k occupies planes
 * k-1..n-1 (n-k+1 bits, its sign in plane k-1). Nothing moves between iterations: planes are
 * re-assigned. A conventional network has one n-bit slot per weight and a single iteration.
 */
import { Topology, weightCount } from './topology.js';

export interface IterationPlan {
  /** Iteration k (1-based). */
  k: number;
  /** Bits of the trainable weight of S_k: n-k+1. */
  trainableBits: number;
  /** Planes holding frozen sign bits: 0..k-2 (sub-networks S_1..S_{k-1}). */
  frozenPlanes: number[];
  /** First plane of the trainable weight (k-1); it runs to plane n-1. */
  firstTrainablePlane: number;
  /** Weights in the network during iteration k (k * W0). */
  weights: number;
  /** Weight storage in bits: n * W0, constant. */
  storageBits: number;
  /** Bits per weight: n / k. */
  bitsPerWeight: number;
}

export interface StoragePlan {
  schedule: 'rbnn' | 'conventional';
  bits: number;
  /** Weight slots (W0): one per weight of a sub-network. */
  slots: number;
  iterations: IterationPlan[];
}

/** Iterations the RBNN schedule may run: k <= maxIterations, k <= n, n-k+1 >= minTrainableBits. */
export function maxRbnnIterations(bits: number, maxIterations: number, minTrainableBits: number): number {
  return Math.max(0, Math.min(maxIterations, bits, bits - minTrainableBits + 1));
}

export function iterationPlan(bits: number, slots: number, k: number): IterationPlan {
  if (k < 1 || k > bits) throw new RangeError(`iteration ${k} is outside 1..${bits}`);
  const frozenPlanes = Array.from({ length: k - 1 }, (_, p) => p);
  return {
    k,
    trainableBits: bits - k + 1,
    frozenPlanes,
    firstTrainablePlane: k - 1,
    weights: k * slots,
    storageBits: bits * slots,
    bitsPerWeight: bits / k,
  };
}

export function rbnnStoragePlan(t: Topology, bits: number, maxIterations: number, minTrainableBits = 1): StoragePlan {
  const slots = weightCount(t);
  const n = maxRbnnIterations(bits, maxIterations, minTrainableBits);
  const iterations = Array.from({ length: n }, (_, i) => iterationPlan(bits, slots, i + 1));
  return { schedule: 'rbnn', bits, slots, iterations };
}

export function conventionalStoragePlan(t: Topology, bits: number): StoragePlan {
  const slots = weightCount(t);
  return { schedule: 'conventional', bits, slots, iterations: [iterationPlan(bits, slots, 1)] };
}

/** Which sub-network a bit-plane belongs to in iteration k, or null for an unused plane. */
export function planeOwner(plan: IterationPlan, plane: number): { subnet: number; frozen: boolean } | null {
  if (plane < plan.firstTrainablePlane) return { subnet: plane + 1, frozen: true };
  return { subnet: plan.k, frozen: false };
}
