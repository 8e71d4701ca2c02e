/**
 * The bit-serial MAC array: `lanes` lanes, each with an accumulator of `accumulatorBits`; one
 * operand is fed serially, `bitsPerCycle` bits per cycle, so a multiply by a b-bit serial
 * operand takes ceil(b / bitsPerCycle) steps. All lanes step in lock-step.
 *
 * - Forward/backward MACs multiply by a sign weight (+1/-1): an add/subtract. Serial weight:
 *   the 1-bit sign takes one step; serial activation: the activation (or error) bits.
 * - Gradient MACs multiply an activation by an error: steps = the narrower operand's bits.
 * - Weight updates multiply the gradient at the precision of the weight being trained
 *   (steps = trainable bits), so iteration k's narrower weights cost fewer steps.
 * - Element-wise work (look-ups, adds, compares) takes one step per element; element-wise
 *   multiplies take the bits of their serial operand.
 *
 * Lanes are arranged per operation as a grid of `columns` x `others` (see tile()).
 */
import type { HardwareConfig } from '../../config/schema.js';

export interface Tile {
  /** Lanes along the output columns of a matrix. */
  columns: number;
  /** Lanes along the other dimension (samples of a matmul, rows of a gradient). */
  others: number;
}

export class MacArray {
  readonly lanes: number;
  readonly bitsPerCycle: number;
  readonly serialOperand: 'weight' | 'activation';
  readonly accumulatorBits: number;

  constructor(hw: HardwareConfig) {
    this.lanes = hw.mac.lanes;
    this.bitsPerCycle = hw.mac.bitsPerCycle;
    this.serialOperand = hw.mac.serialOperand;
    this.accumulatorBits = hw.mac.accumulatorBits;
  }

  /** Steps of a multiply whose serial operand has `bits` bits. */
  serialSteps(bits: number): number {
    return Math.ceil(bits / this.bitsPerCycle);
  }

  /** Steps of one sign-weight MAC with a streamed operand of `inBits` bits. */
  signMacSteps(inBits: number): number {
    return this.serialOperand === 'weight' ? this.serialSteps(1) : this.serialSteps(inBits);
  }

  /** Steps of one gradient MAC (activation x error): the narrower operand is serial. */
  gradientMacSteps(actBits: number, errBits: number): number {
    return this.serialSteps(Math.min(actBits, errBits));
  }

  /** Serial bits of one sign-weight MAC (what a lane steps through; its energy count). */
  signMacBits(inBits: number): number {
    return this.serialOperand === 'weight' ? 1 : inBits;
  }

  /** Serial bits of one gradient MAC. */
  gradientMacBits(actBits: number, errBits: number): number {
    return Math.min(actBits, errBits);
  }

  /** Steps of one weight update at `weightBits` bits of trainable precision. */
  updateSteps(weightBits: number): number {
    return this.serialSteps(weightBits);
  }

  /**
   * The lane grid for a matrix operation with `cols` output columns and `others` items along
   * the other dimension, given `columns` lanes per column group (1..lanes).
   */
  tile(cols: number, others: number, columns: number): Tile {
    const c = Math.max(1, Math.min(cols, columns, this.lanes));
    const o = Math.max(1, Math.min(others, Math.floor(this.lanes / c)));
    return { columns: c, others: o };
  }

  /** Candidate column widths of the lane grid: powers of two up to min(cols, lanes), and min(cols, lanes). */
  columnChoices(cols: number): number[] {
    const max = Math.max(1, Math.min(cols, this.lanes));
    const out: number[] = [];
    for (let c = 1; c < max; c *= 2) out.push(c);
    out.push(max);
    return out;
  }

  /** Cycles of `elements` element-wise operations of `steps` steps each, `lanes` at a time. */
  elementwiseCycles(elements: number, steps: number): number {
    return Math.ceil(elements / this.lanes) * steps;
  }
}
