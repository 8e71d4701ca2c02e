/**
 * The mapper: for each matmul/gradient shape, the mapping (lane grid, loop order, block, operands
 * held in the operand buffer; sim/mapper/nest.ts) of least objective among those whose held
 * operands fit the buffer. The objective is lexicographic (hardware.policy.objective first, ties
 * broken by the others), so the search is exact on its space.
 *
 * The space: columns among the powers of two up to min(columns of the op, lanes) and that minimum
 * (the spatial split of the machine before issue 14); others any of 1..lanes/columns; order GT or
 * TG; block any of 1..outer trips; any subset of the operands held. `enumerateMappings` lists all
 * of it (the brute force the tests compare against). `searchMapping` visits a part of it that
 * provably contains an optimum:
 * - every count and cycle bound depends on `others` only through G, and the footprint grows with
 *   `others`: per distinct G only the smallest `others` giving it is visited; and unless operands
 *   invariant to each loop are held together, counts depend on G alone (non-decreasing): only the
 *   largest fitting `others` is visited;
 * - for fixed (columns, others, order, hold) every count is non-increasing in `block` and the
 *   footprint non-decreasing: only the largest fitting block is visited (closed form: nest.ts);
 * - an operand held but fetched as often as without the buffer only adds buffer traffic and
 *   footprint: such mappings are skipped (the same mapping without the hold is visited);
 * - with nothing held, order, block and `others` below the maximum cannot help: one is visited.
 */
import type { GridMapping, LoopOrder, Nest } from './nest.js';
import type { Plan } from '../dataflow.js';

export type Score = [number, number, number];

export interface Candidate {
  mapping: GridMapping;
  v: Float64Array;
  score: Score;
}

export interface MappingSpace {
  /** Equal keys: equal spaces (same candidates, same counts), hence the same best mapping. */
  key: string;
  /** Column choices, largest first. */
  columns: number[];
  /** Largest `others` for a column choice, and the extent of the dimension they cover. */
  maxOthers(columns: number): number;
  othersExtent: number;
  /** Number of re-usable operands (hold masks are 0..2^n - 1), and the loop each does not depend on. */
  operands: number;
  invariants: Array<'G' | 'T'>;
  /** Buffer words available. */
  bufferWords: number;
  /** The nest of a mapping (arithmetic only), and its counters and objective (`v` may be reused
   * by the next call: copy it to keep it). */
  nest(m: GridMapping): Nest;
  /** The largest block of a mapping that fits the buffer (0: none fits). */
  largestBlock(m: GridMapping): number;
  evaluate(n: Nest): { v: Float64Array; score: Score };
  /** The real plan of a mapping and its counters (the brute force costs every mapping this way). */
  plan(m: GridMapping): Plan;
  evaluatePlan(plan: Plan): { v: Float64Array; score: Score };
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

function consider(best: Candidate | null, mapping: GridMapping, e: { v: Float64Array; score: Score }): Candidate {
  return !best || better(e.score, best.score) ? { mapping, v: Float64Array.from(e.v), score: e.score } : best;
}

/** A held operand that saves nothing (fetched as often as without the buffer). */
function uselessHold(n: Nest): boolean {
  return n.operands.some((u) => u.held && u.fetches === u.trips);
}

/** The smallest `others` of each distinct group count G = ceil(extent / others), others <= top. */
function othersPerGroupCount(top: number, extent: number): number[] {
  const out: number[] = [];
  let lastG = -1;
  for (let o = 1; o <= top; o++) {
    const G = Math.ceil(extent / o);
    if (G !== lastG) {
      out.push(o);
      lastG = G;
    }
  }
  return out;
}

/** The pruned exhaustive search (see the file comment). */
export function searchMapping(space: MappingSpace): Candidate {
  let best: Candidate | null = null;
  const masks = 1 << space.operands;
  const cap = space.bufferWords;
  for (const columns of space.columns) {
    const top = space.maxOthers(columns);
    const plain: GridMapping = { columns, others: top, order: 'GT', block: 1, hold: 0 };
    best = consider(best, plain, space.evaluate(space.nest(plain)));
    if (cap === 0) continue;
    const othersChoices = othersPerGroupCount(top, space.othersExtent);
    for (let hold = 1; hold < masks; hold++) {
      // Only a held T-invariant operand's footprint grows with `others`; unless a G-invariant one is
      // held too (whose fetches then fall with a larger block), counts depend on G alone and the
      // largest fitting `others` is best: try them from the top and stop at the first that fits.
      const heldT = space.invariants.some((v, i) => v === 'T' && ((hold >> i) & 1) === 1);
      const heldG = space.invariants.some((v, i) => v === 'G' && ((hold >> i) & 1) === 1);
      const tradeOff = heldT && heldG;
      for (const order of ORDERS) {
        for (let j = othersChoices.length - 1; j >= 0; j--) {
          const others = othersChoices[j]!;
          const block = space.largestBlock({ columns, others, order, block: 1, hold });
          if (block === 0) continue;
          const n = space.nest({ columns, others, order, block, hold });
          if (!uselessHold(n)) best = consider(best, n.mapping, space.evaluate(n));
          if (!tradeOff) break;
        }
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
          const n = space.nest({ columns, others, order, block: 1, hold });
          const trips = order === 'GT' ? n.G : n.T;
          for (let block = 1; block <= trips; block++) {
            const m: GridMapping = { columns, others, order, block, hold };
            if (space.nest(m).footprintWords <= space.bufferWords) yield m;
          }
        }
      }
    }
  }
}

/** The best mapping by brute force: every mapping of the space, each planned and costed for real. */
export function bruteForceMapping(space: MappingSpace): Candidate {
  let best: Candidate | null = null;
  for (const m of enumerateMappings(space)) best = consider(best, m, space.evaluatePlan(space.plan(m)));
  return best!;
}
