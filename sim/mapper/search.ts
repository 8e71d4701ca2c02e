/**
 * The mapper: for each matmul/gradient shape, the mapping (lane grid, loop order, operands held in
 * the operand buffer; sim/mapper/nest.ts) of least objective among those whose held operands fit
 * the buffer. The objective is lexicographic (hardware.policy.objective first, ties broken by the
 * others), so the search is exact on its space.
 *
 * The space: columns among the powers of two up to min(columns of the op, lanes) and that
 * minimum (the spatial split of the machine before issue 14); others any of 1..lanes/columns;
 * order GT or TG; any subset of the operands held. `enumerateMappings` lists all of it (the brute
 * force the tests compare against). `searchMapping` visits a pruned part that provably contains an
 * optimum:
 * - for fixed (columns, order, hold), every count and cycle bound is non-decreasing in G (the
 *   trips of the others loop) and the footprint is non-increasing in G, so the best `others` is the
 *   largest whose footprint fits (found by bisection, the footprint being monotone in it);
 * - holding an operand with one trip only adds buffer traffic and footprint: skipped;
 * - with nothing held the two loop orders give the same counts: one is visited.
 */
import type { GridMapping, LoopOrder } from './nest.js';
import type { Plan } from '../dataflow.js';

export type Score = [number, number, number];

export interface Candidate {
  mapping: GridMapping;
  plan: Plan;
  v: Float64Array;
  score: Score;
}

export interface MappingSpace {
  /** Column choices, largest first. */
  columns: number[];
  /** Largest `others` for a column choice. */
  maxOthers(columns: number): number;
  /** Number of re-usable operands (hold masks are 0..2^n - 1). */
  operands: number;
  /** Buffer words available. */
  bufferWords: number;
  /** The plan of a mapping (cheap) and its counters and score (dearer). */
  plan(m: GridMapping): Plan;
  evaluate(plan: Plan): { v: Float64Array; score: Score };
}

const ORDERS: readonly LoopOrder[] = ['GT', 'TG'];

export function better(a: Score, b: Score): boolean {
  for (let i = 0; i < 3; i++) {
    // Relative tolerance so that rounding noise in energies does not pick a different mapping.
    const tol = 1e-12 * Math.max(Math.abs(a[i]!), Math.abs(b[i]!));
    if (a[i]! < b[i]! - tol) return true;
    if (a[i]! > b[i]! + tol) return false;
  }
  return false;
}

function consider(best: Candidate | null, space: MappingSpace, mapping: GridMapping, plan: Plan): Candidate {
  const { v, score } = space.evaluate(plan);
  return !best || better(score, best.score) ? { mapping, plan, v, score } : best;
}

/** The pruned exhaustive search (see the file comment); null only if no mapping fits (never: hold 0 always fits). */
export function searchMapping(space: MappingSpace): Candidate {
  let best: Candidate | null = null;
  const masks = 1 << space.operands;
  for (const columns of space.columns) {
    const top = space.maxOthers(columns);
    for (let hold = 0; hold < masks; hold++) {
      for (const order of ORDERS) {
        if (hold === 0 && order === 'TG') continue;
        const fits = (others: number): Plan | null => {
          const p = space.plan({ columns, others, order, hold });
          return p.bufferFootprint <= space.bufferWords ? p : null;
        };
        let plan = fits(top);
        let others = top;
        if (!plan) {
          // Largest fitting `others` by bisection: the footprint grows with it.
          let lo = 0;
          let hi = top;
          let found: Plan | null = null;
          while (hi - lo > 1) {
            const mid = (lo + hi) >> 1;
            const p = fits(mid);
            if (p) { lo = mid; found = p; } else hi = mid;
          }
          if (lo === 0) continue;
          plan = found ?? fits(lo);
          others = lo;
          if (!plan) continue;
        }
        if (plan.nest && plan.nest.operands.some((u) => u.held && u.trips === 1)) continue;
        best = consider(best, space, { columns, others, order, hold }, plan);
      }
    }
  }
  return best!;
}

/** Every mapping of the space that fits the buffer (the brute force; for tests and tiny shapes). */
export function* enumerateMappings(space: MappingSpace): Generator<GridMapping> {
  const masks = 1 << space.operands;
  for (const columns of space.columns) {
    for (let others = space.maxOthers(columns); others >= 1; others--) {
      for (let hold = 0; hold < masks; hold++) {
        for (const order of ORDERS) {
          const m: GridMapping = { columns, others, order, hold };
          if (space.plan(m).bufferFootprint <= space.bufferWords) yield m;
        }
      }
    }
  }
}

/** The best mapping by brute force over enumerateMappings. */
export function bruteForceMapping(space: MappingSpace): Candidate {
  let best: Candidate | null = null;
  for (const m of enumerateMappings(space)) best = consider(best, space, m, space.plan(m));
  return best!;
}
