/**
 * The mapper: for each matmul/gradient shape, the mapping (lane grid, register tile per lane, loop
 * order, block, operands held in the operand buffer; sim/mapper/nest.ts) of least objective among
 * those whose held operands fit the buffer and whose register tile fits the lanes' register files.
 * The objective is lexicographic (hardware.policy.objective first, ties broken by the others), so
 * the search is exact on its space.
 *
 * The space: columns among the powers of two up to min(columns of the op, lanes) and that minimum
 * (the spatial split of the machine before issue 14); others any of 1..lanes/columns; register tile
 * regColumns x regOthers any whose effective size (outputs per lane) fits the register file (1 x 1
 * without one); order GT or TG; block any of 1..outer trips; any subset of the operands held.
 * `enumerateMappings` lists all of it (the brute force the tests compare against). `searchMapping`
 * visits a part of it that provably contains an optimum:
 * - every count and bound depends on the lane grid and register tile only through the pass's tile
 *   (Ct columns x Ot others: the trips T and G, and the held operands' footprints, which grow with
 *   Ct and Ot) and the outputs per lane (compute cycles, and register-file accesses when above 1),
 *   all non-decreasing: so per (T, G) only tiles not dominated in (Ct, Ot, outputs per lane) are
 *   visited, each with one lane grid and register tile giving it;
 * - for fixed tile, order and hold every count is non-increasing in `block` and the footprint
 *   non-decreasing: only the largest fitting block is visited (closed form: nest.ts);
 * - an operand held but fetched as often as without the buffer only adds buffer traffic and
 *   footprint: such mappings are skipped (the same mapping without the hold is visited);
 * - with nothing held, order and block cannot matter: one is visited;
 * - tiles are visited in order of a lower bound of their objective (every operand fetched once, no
 *   buffer traffic, the tile's own compute cycles and register-file accesses: every count and bound
 *   of every mapping of the tile is at least that), and the search stops at the first tile whose
 *   bound exceeds the best score found.
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
  /** Largest register tile (outputs per lane) the register files hold (1: none), and the op's columns. */
  maxRegTile: number;
  cols: number;
  /** The nest of a mapping (arithmetic only), and its counters and objective (`v` may be reused
   * by the next call: copy it to keep it). */
  nest(m: GridMapping): Nest;
  /** The largest block of a mapping that fits the buffer (0: none fits). */
  largestBlock(m: GridMapping): number;
  evaluate(n: Nest): { v: Float64Array; score: Score };
  /** A lower bound of the first objective component of every mapping of a pass tile (Ct x Ot, regTile
   * outputs per lane): every operand fetched once, no buffer traffic; the tile's compute cycles. */
  lowerBound(t: { Ct: number; Ot: number; regTile: number }): number;
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

/** A pass tile and one lane grid and register tile that give it. */
interface TileChoice {
  bound: number;
  columns: number;
  others: number;
  regColumns: number;
  regOthers: number;
  Ct: number;
  Ot: number;
  regTile: number;
}

/** Per (T, G), the pass tiles not dominated in (Ct, Ot, outputs per lane) (see the file comment). */
export function tileChoices(space: MappingSpace): TileChoice[] {
  const C = space.cols;
  const E = space.othersExtent;
  const max = space.maxRegTile;
  const groups = new Map<number, TileChoice[]>();
  for (const c of space.columns) {
    const top = space.maxOthers(c);
    for (let o = 1; o <= top; o++) {
      let lastCt = -1;
      for (let rc = 1; rc <= max; rc++) {
        const Ct = Math.min(C, c * rc);
        if (Ct === lastCt) break;
        lastCt = Ct;
        const rcEff = Math.ceil(Ct / c);
        let lastOt = -1;
        for (let rs = 1; rcEff * rs <= max; rs++) {
          const Ot = Math.min(E, o * rs);
          if (Ot === lastOt) break;
          lastOt = Ot;
          const regTile = rcEff * Math.ceil(Ot / o);
          const key = Math.ceil(C / Ct) * (E + 1) + Math.ceil(E / Ot);
          const list = groups.get(key);
          if (list?.some((u) => u.Ct <= Ct && u.Ot <= Ot && u.regTile <= regTile)) continue;
          const t: TileChoice = { bound: 0, columns: c, others: o, regColumns: rc, regOthers: rs, Ct, Ot, regTile };
          if (!list) {
            groups.set(key, [t]);
            continue;
          }
          const kept = list.filter((u) => !(Ct <= u.Ct && Ot <= u.Ot && regTile <= u.regTile));
          kept.push(t);
          groups.set(key, kept);
        }
      }
    }
  }
  return [...groups.values()].flat();
}

/** The pruned exhaustive search (see the file comment). */
export function searchMapping(space: MappingSpace): Candidate {
  let best: Candidate | null = null;
  const masks = 1 << space.operands;
  const cap = space.bufferWords;
  // Tiles in order of their lower bound: once a bound exceeds the best score found, so do the rest.
  const tiles = tileChoices(space);
  for (const t of tiles) t.bound = space.lowerBound(t);
  tiles.sort((a, b) => a.bound - b.bound);
  for (const t of tiles) {
    const bound = t.bound;
    if (best && bound > best.score[0] + 1e-12 * Math.max(Math.abs(bound), Math.abs(best.score[0]))) break;
    const { columns, others, regColumns, regOthers } = t;
    const plain: GridMapping = { columns, others, order: 'GT', block: 1, hold: 0, regColumns, regOthers };
    best = consider(best, plain, space.evaluate(space.nest(plain)));
    if (cap === 0) continue;
    for (let hold = 1; hold < masks; hold++) {
      for (const order of ORDERS) {
        const m: GridMapping = { ...plain, order, hold };
        const block = space.largestBlock(m);
        if (block === 0) continue;
        const n = space.nest({ ...m, block });
        if (!uselessHold(n)) best = consider(best, n.mapping, space.evaluate(n));
      }
    }
  }
  return best!;
}

/** Every mapping of the space that fits the buffer (the brute force; for tests and tiny shapes). */
export function* enumerateMappings(space: MappingSpace): Generator<GridMapping> {
  const masks = 1 << space.operands;
  const max = space.maxRegTile;
  for (const columns of space.columns) {
    for (let others = space.maxOthers(columns); others >= 1; others--) {
      for (let regColumns = 1; regColumns <= max; regColumns++) {
        for (let regOthers = 1; regOthers <= max; regOthers++) {
          const reg = { regColumns, regOthers };
          if (space.nest({ columns, others, order: 'GT', block: 1, hold: 0, ...reg }).regTile > max) continue;
          for (let hold = 0; hold < masks; hold++) {
            for (const order of ORDERS) {
              const n = space.nest({ columns, others, order, block: 1, hold, ...reg });
              const trips = order === 'GT' ? n.G : n.T;
              for (let block = 1; block <= trips; block++) {
                const m: GridMapping = { columns, others, order, block, hold, ...reg };
                if (space.nest(m).footprintWords <= space.bufferWords) yield m;
              }
            }
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
