/**
 * The dataflow: what one operation of the stream reads and writes, as streams over tensors of
 * the memory map, and how many lane-steps and compute cycles it takes on the MAC array.
 *
 * An operand that an operation re-uses is re-read in full once per pass over it; within a pass
 * each word (burst) is fetched once and held in a staging register while the lanes use it.
 *
 * Matmul (forward, evaluate): out[s][o] = sum_i in[s][i] * sign(w[i][o]). Lanes form a grid of
 *   Tc output columns x Ts samples; each pass (Ts samples, Tc columns) walks the R rows: one
 *   weight-row segment (Tc sign bits, shared by the Ts samples) and one input value per sample
 *   (shared by the Tc columns) per step. Passes = ceil(S/Ts) x ceil(C/Tc). So the layer's sign
 *   plane is read ceil(S/Ts) times and the inputs ceil(C/Tc) times. Hidden layers feed their
 *   accumulators straight into the activation unit (the activation op writes the activations);
 *   the output layer writes its sub-network's logits slice.
 * Matmul (backward): err_in[s][i] = sum_o err_out[s][o] * sign(w[i][o]), on the same grid and
 *   weight stream; an adder tree sums the Tc columns of each sample per row. err_out is loaded
 *   into the lanes once; err_in is written once per column tile (read back to accumulate from
 *   the second tile on).
 * Gradient: g[i][o] = sum_s a[s][i] * e[s][o]. Lanes hold a Tr x Tc tile of accumulators and
 *   loop over the samples: activations read ceil(C/Tc) times, errors ceil(R/Tr) times. With
 *   policy.gradients = fused each finished tile updates its weights (charged to the update op);
 *   otherwise the gradient is written to the gradient buffer and the update reads it.
 * Update: planes firstPlane..n-1 of the layer's weights are read and written once.
 * Load: the samples' DRAM records (pixels and label, padded to whole bursts) are read into the
 *   input and label buffers; samples whose input row is not on chip are read from their DRAM
 *   records by every operation that uses them (only their label is fetched at load).
 *
 * Frozen sub-networks (policy.frozen = cache, iteration k >= 2): the cache holds, per sample,
 * the summed logits of S_1..S_{k-2} from the previous iteration. In the first pass of iteration
 * k over a data set (epoch 1, and the test pass) only S_{k-1} is computed and added into the
 * cache; in later passes no frozen sub-network runs and output-sum reads the cache.
 */
import type {
  CostedOp,
  DataPurpose,
  ElementwiseOp,
  GradientOp,
  LoadOp,
  MatmulOp,
  RunBeginOp,
  UpdateOp,
} from '../model/ops.js';
import type { HardwareConfig } from '../config/schema.js';
import type { MacArray } from './components/mac-array.js';
import type { MemoryMap, Tensor } from './memory-map.js';
import type { OperandBuffer } from './components/buffer.js';
import type { RegisterFile } from './components/register-file.js';
import { nestOf, type GridMapping, type Nest, type Reuse } from './mapper/nest.js';

/**
 * `passes` x the accesses of: plain/rows tensors: `runs` bit ranges [offset + r*stride, +bits);
 * records tensors: field [offset, offset+bits) of records first..first+runs-1 of the chunk.
 */
export interface Stream {
  t: Tensor;
  write: boolean;
  passes: number;
  offset: number;
  bits: number;
  runs: number;
  stride: number;
  first: number;
  /** Grid ops: the re-used operand whose fetches set `passes` (-1: none), and whether this is the
   * read-back of spilled partial sums (passes = fetches - 1). */
  operand: number;
  readBack: boolean;
}

export interface Plan {
  streams: Stream[];
  laneSteps: number;
  /** Serial bits stepped by the lanes (the MAC energy count). */
  laneBits: number;
  computeCycles: number;
  /** Operand-buffer word reads and writes, and the words the held operands occupy. */
  bufferReads: number;
  bufferWrites: number;
  bufferFootprint: number;
  /** Register-file word reads and writes (partial sums of lanes keeping more than one output). */
  regReads: number;
  regWrites: number;
  /** The loop nest (matmul and gradient operations). */
  nest: Nest | null;
}

export interface OpContext {
  /** Iteration (where.iteration). */
  k: number;
  purpose: DataPurpose;
  /** First pass of this iteration over this data set (epoch 1, or the test pass). */
  firstPass: boolean;
}

export function contextOf(op: CostedOp): OpContext {
  const purpose: DataPurpose = 'purpose' in op && op.purpose ? op.purpose : 'train';
  return { k: op.where.iteration, purpose, firstPass: op.where.epoch <= 1 || purpose === 'test' };
}

/** Operations that use the lane grid and let the mapper pick its shape. */
export function isGridOp(op: CostedOp): op is MatmulOp | GradientOp {
  return op.kind === 'matmul' || op.kind === 'gradient';
}

export class Dataflow {
  private readonly L: number;
  private readonly O: number;
  private readonly cacheOn: boolean;

  constructor(
    private readonly map: MemoryMap,
    private readonly mac: MacArray,
    hw: HardwareConfig,
    private readonly run: RunBeginOp,
    private readonly buffer: OperandBuffer,
    private readonly regs: RegisterFile,
  ) {
    this.L = map.dims.length - 1;
    this.O = map.dims[this.L]!;
    this.cacheOn = hw.policy.frozen === 'cache' && map.cache('train') !== null;
  }

  /** Whether the frozen policy removes this operation entirely. */
  skipped(op: CostedOp, ctx: OpContext): boolean {
    if (!this.cacheOn) return false;
    if (op.kind === 'matmul' && op.phase === 'backward') return false;
    if (op.kind !== 'matmul' && !(op.kind === 'elementwise' && op.fn === 'activation')) return false;
    const s = op.subnet;
    if (s >= ctx.k) return false;
    return !ctx.firstPass || s < ctx.k - 1;
  }

  get lanes(): number {
    return this.mac.lanes;
  }

  /** Grid column choices of a grid op (for the mapper). */
  columnChoices(op: MatmulOp | GradientOp): number[] {
    return this.mac.columnChoices(op.cols);
  }

  /** Extent of the dimension the `others` lanes cover: samples (matmul) or weight rows (gradient). */
  othersExtent(op: MatmulOp | GradientOp, S: number): number {
    return op.kind === 'gradient' ? op.rows : S;
  }

  /**
   * The plan of one chunk of `S` samples. Grid ops take their mapping (null: today's grid of
   * `columns` x as many others as fit, nothing held); other ops ignore it.
   */
  plan(op: CostedOp, S: number, ctx: OpContext, mapping: GridMapping | null): Plan {
    switch (op.kind) {
      case 'load':
        return this.load(op, S, ctx);
      case 'matmul':
        return op.phase === 'backward'
          ? this.backward(op, S, this.grid(mapping))
          : this.forward(op, S, ctx, this.grid(mapping));
      case 'gradient':
        return this.gradient(op, S, ctx, this.grid(mapping));
      case 'update':
        return this.update(op);
      case 'elementwise':
        return this.elementwise(op, S, ctx);
    }
  }

  private grid(m: GridMapping | null): GridMapping {
    return (
      m ?? {
        columns: this.mac.lanes,
        others: this.mac.lanes,
        order: 'GT',
        block: 1,
        hold: 0,
        regColumns: 1,
        regOthers: 1,
      }
    );
  }

  /** The nest of a mapping (sim/mapper/nest.ts). */
  private nest(m: GridMapping, cols: number, others: number, reuse: Reuse[]): Nest {
    return nestOf(m, cols, others, this.mac.lanes, reuse, this.buffer.wordBits);
  }

  /** The re-used operands of a grid op's chunk (the same list its plan uses; for the mapper). */
  reuseOf(op: MatmulOp | GradientOp, S: number): Reuse[] {
    const { rows: R, cols: C, layer: l } = op;
    if (op.kind === 'gradient') {
      return [
        {
          name: l === 0 ? 'input' : `activations.h${l}`,
          invariant: 'T',
          unitBits: S * op.actBits,
          extent: R,
          psum: false,
        },
        {
          name: l === this.L - 1 ? 'errors.out' : `errors.h${l + 1}`,
          invariant: 'G',
          unitBits: S * op.errBits,
          extent: C,
          psum: false,
        },
      ];
    }
    const w: Reuse = {
      name: `weights (${this.planeOf(op.subnet).name})`,
      invariant: 'G',
      unitBits: R,
      extent: C,
      psum: false,
    };
    if (op.phase === 'backward')
      return [
        w,
        { name: `errors.h${l} (partial sums)`, invariant: 'T', unitBits: R * op.outBits, extent: S, psum: true },
      ];
    return [
      w,
      {
        name: l === 0 ? 'input' : `activations.h${l}`,
        invariant: 'T',
        unitBits: R * op.inBits,
        extent: S,
        psum: false,
      },
    ];
  }

  /** Compute cycles per (group, tile) pass of a grid op: the reduction's steps. */
  stepsPerPass(op: MatmulOp | GradientOp, S: number): number {
    return op.kind === 'gradient'
      ? S * this.mac.gradientMacSteps(op.actBits, op.errBits)
      : op.rows * this.mac.signMacSteps(op.inBits);
  }

  // ---- stream helpers ----

  private range(t: Tensor, offset: number, bits: number, passes: number, write = false, runs = 1, stride = 0): Stream {
    if (offset + (runs - 1) * stride + bits > t.bits) {
      throw new Error(`internal: access to ${t.name} [${offset}, +${bits}) x${runs} beyond its ${t.bits} bits`);
    }
    return { t, write, passes, offset, bits, runs, stride, first: 0, operand: -1, readBack: false };
  }

  private records(
    t: Tensor,
    first: number,
    runs: number,
    offset: number,
    bits: number,
    passes: number,
    write = false,
  ): Stream {
    return { t, write, passes, offset, bits, runs, stride: 0, first, operand: -1, readBack: false };
  }

  /** Reads of the input rows of S samples, `passes` times: on-chip rows, the rest from DRAM records. */
  private inputRead(out: Stream[], S: number, passes: number, purpose: DataPurpose): void {
    const input = this.map.input;
    const m = Math.min(S, input.onChipRows);
    if (m > 0) out.push(this.range(input, 0, m * input.rowBits, passes));
    if (S > m) out.push(this.records(this.map.dataset(purpose), m, S - m, 0, this.map.pixelBits, passes));
  }

  private labelsOnChip(): boolean {
    return this.map.labels.onChipBits === this.map.labels.bits;
  }

  private labelRead(out: Stream[], S: number, purpose: DataPurpose): void {
    if (this.labelsOnChip()) out.push(this.range(this.map.labels, 0, S * this.map.labelBits, 1));
    else out.push(this.records(this.map.dataset(purpose), 0, S, this.map.pixelBits, this.map.labelBits, 1));
  }

  private planeOf(subnet: number): Tensor {
    return this.map.plane(this.run.schedule === 'rbnn' ? subnet - 1 : 0);
  }

  private logitsSlice(slice: number): number {
    return slice * this.map.chunk * this.O * this.run.accumulatorBits;
  }

  // ---- operations ----

  private load(op: LoadOp, S: number, ctx: OpContext): Plan {
    if (op.features * op.bitsPerFeature !== this.map.pixelBits || op.labelBits !== this.map.labelBits) {
      throw new Error(
        `internal: load of ${op.features} x ${op.bitsPerFeature}-bit features does not match the memory map`,
      );
    }
    const streams: Stream[] = [];
    const data = this.map.dataset(ctx.purpose);
    const m = Math.min(S, this.map.input.onChipRows);
    const lb = this.map.labelBits;
    if (m > 0) {
      streams.push(this.records(data, 0, m, 0, this.map.pixelBits + lb, 1));
      streams.push(this.range(this.map.input, 0, m * this.map.input.rowBits, 1, true));
    }
    if (this.labelsOnChip()) {
      if (S > m) streams.push(this.records(data, m, S - m, this.map.pixelBits, lb, 1));
      streams.push(this.range(this.map.labels, 0, S * lb, 1, true));
    }
    return simple(streams, 0, 0, 0);
  }

  private forward(op: MatmulOp, S: number, ctx: OpContext, m: GridMapping): Plan {
    const { rows: R, cols: C, layer: l } = op;
    const n = this.nest(m, C, S, this.reuseOf(op, S));
    const [w, x] = n.operands;
    const streams: Stream[] = [this.range(this.planeOf(op.subnet), this.map.layerOffsets[l]!, R * C, w!.fetches)];
    own(streams, 0, 0);
    if (l === 0) this.inputRead(streams, S, x!.fetches, ctx.purpose);
    else streams.push(this.range(this.map.act(l), 0, S * R * op.inBits, x!.fetches));
    own(streams, 1, 1);
    if (l === this.L - 1) {
      streams.push(
        this.range(this.map.logits, this.logitsSlice(op.subnet - 1), S * C * this.run.accumulatorBits, 1, true),
      );
    }
    const spm = this.mac.signMacSteps(op.inBits);
    return this.gridPlan(streams, n, S * R * C, spm, S * R * C * this.mac.signMacBits(op.inBits), R);
  }

  private backward(op: MatmulOp, S: number, m: GridMapping): Plan {
    const { rows: R, cols: C, layer: l } = op;
    if (l < 1) throw new Error('internal: backward matmul of layer 0');
    const n = this.nest(m, C, S, this.reuseOf(op, S));
    const [w, p] = n.operands;
    const errOut = l === this.L - 1 ? this.map.errOut : this.map.err(l + 1);
    const errIn = this.map.err(l);
    const streams: Stream[] = [
      this.range(this.planeOf(op.subnet), this.map.layerOffsets[l]!, R * C, w!.fetches),
      this.range(errOut, 0, S * C * op.inBits, 1),
      this.range(errIn, 0, S * R * op.outBits, p!.fetches, true),
    ];
    own(streams, 0, 0, 1);
    own(streams, 2, 1);
    if (p!.fetches > 1) streams.push(this.range(errIn, 0, S * R * op.outBits, p!.fetches - 1));
    own(streams, 3, 1, Infinity, true);
    const spm = this.mac.signMacSteps(op.inBits);
    return this.gridPlan(streams, n, S * R * C, spm, S * R * C * this.mac.signMacBits(op.inBits), R);
  }

  private gradient(op: GradientOp, S: number, ctx: OpContext, m: GridMapping): Plan {
    const { rows: R, cols: C, layer: l } = op;
    const n = this.nest(m, C, R, this.reuseOf(op, S));
    const [a, e] = n.operands;
    const streams: Stream[] = [];
    if (l === 0) this.inputRead(streams, S, a!.fetches, ctx.purpose);
    else streams.push(this.range(this.map.act(l), 0, S * R * op.actBits, a!.fetches));
    own(streams, 0, 0);
    const err = l === this.L - 1 ? this.map.errOut : this.map.err(l + 1);
    const from = streams.length;
    streams.push(this.range(err, 0, S * C * op.errBits, e!.fetches));
    own(streams, from, 1);
    const g = this.map.gradients;
    if (g)
      streams.push(
        this.range(g, this.map.layerOffsets[l]! * this.run.accumulatorBits, R * C * this.run.accumulatorBits, 1, true),
      );
    const spm = this.mac.gradientMacSteps(op.actBits, op.errBits);
    return this.gridPlan(streams, n, S * R * C, spm, S * R * C * this.mac.gradientMacBits(op.actBits, op.errBits), S);
  }

  /**
   * The plan of a mapped matmul or gradient: `macs` multiply-accumulates of `spm` lane-steps each;
   * each lane runs its grid tile's register tile over `reduce` reduction steps; one partial-sum
   * register access (read and write) per MAC when a lane holds more than one output.
   */
  private gridPlan(streams: Stream[], n: Nest, macs: number, spm: number, laneBits: number, reduce: number): Plan {
    return {
      streams,
      laneSteps: macs * spm,
      laneBits,
      computeCycles: n.G * n.T * n.regTile * reduce * spm,
      bufferReads: n.bufferReads,
      bufferWrites: n.bufferWrites,
      bufferFootprint: n.footprintWords,
      regReads: this.regs.accesses(macs, n.regTile),
      regWrites: this.regs.accesses(macs, n.regTile),
      nest: n,
    };
  }

  private update(op: UpdateOp): Plan {
    const off = this.map.layerOffsets[op.layer]!;
    const streams: Stream[] = [];
    const g = this.map.gradients;
    if (g) streams.push(this.range(g, off * this.run.accumulatorBits, op.weights * this.run.accumulatorBits, 1));
    for (let p = op.firstPlane; p < this.map.bits; p++) {
      const plane = this.map.plane(p);
      streams.push(this.range(plane, off, op.weights, 1));
      streams.push(this.range(plane, off, op.weights, 1, true));
    }
    const steps = this.mac.updateSteps(op.weightBits);
    return simple(
      streams,
      op.weights * steps,
      op.weights * op.weightBits,
      Math.ceil(op.weights / this.mac.lanes) * steps,
    );
  }

  private elementwise(op: ElementwiseOp, S: number, ctx: OpContext): Plan {
    const streams: Stream[] = [];
    const O = this.O;
    const acc = this.run.accumulatorBits;
    const k = ctx.k;
    let elements = S * op.width;
    let steps = 1;
    let bitsPerElement = 1;
    switch (op.fn) {
      case 'activation':
        streams.push(this.range(this.map.act(op.layer), 0, S * op.width * op.outBits, 1, true));
        break;
      case 'activation-derivative': {
        const err = this.map.err(op.layer);
        streams.push(this.range(err, 0, S * op.width * op.inBits, 1));
        streams.push(this.range(this.map.act(op.layer), 0, S * op.width * this.run.activationBits, 1));
        streams.push(this.range(err, 0, S * op.width * op.outBits, 1, true));
        steps = this.mac.serialSteps(this.run.activationBits);
        bitsPerElement = this.run.activationBits;
        break;
      }
      case 'output-sum': {
        const sliceBits = S * O * acc;
        const slice = this.logitsSlice(1);
        if (this.cacheOn) {
          const cache = this.map.cache(ctx.purpose)!;
          let adds = 1;
          if (ctx.firstPass) {
            if (k > 2) {
              streams.push(this.records(cache, 0, S, 0, O * acc, 1));
              adds = 2;
            }
            streams.push(this.range(this.map.logits, this.logitsSlice(k - 2), sliceBits, 1));
            streams.push(this.records(cache, 0, S, 0, O * acc, 1, true));
          } else {
            streams.push(this.records(cache, 0, S, 0, O * acc, 1));
          }
          streams.push(this.range(this.map.logits, this.logitsSlice(k - 1), sliceBits, 1));
          elements = S * O * adds;
        } else {
          streams.push(this.range(this.map.logits, 0, sliceBits, 1, false, k, slice));
        }
        streams.push(this.range(this.map.logits, this.logitsSlice(k - 1), sliceBits, 1, true));
        break;
      }
      case 'softmax-error':
        streams.push(this.range(this.map.logits, this.logitsSlice(k - 1), S * O * acc, 1));
        this.labelRead(streams, S, ctx.purpose);
        streams.push(this.range(this.map.errOut, 0, S * O * op.outBits, 1, true));
        steps = 1 + this.mac.serialSteps(op.outBits);
        bitsPerElement = 1 + op.outBits;
        break;
      case 'argmax':
        streams.push(this.range(this.map.logits, this.logitsSlice(k - 1), S * O * acc, 1));
        this.labelRead(streams, S, ctx.purpose);
        break;
    }
    return simple(streams, elements * steps, elements * bitsPerElement, this.mac.elementwiseCycles(elements, steps));
  }
}

/** Tags streams[from..to) (to: the end) as fetches of operand `operand`. */
function own(streams: Stream[], from: number, operand: number, to = Infinity, readBack = false): void {
  for (let i = from; i < Math.min(to, streams.length); i++) {
    if (streams[i]!.operand === -1) {
      streams[i]!.operand = operand;
      streams[i]!.readBack = readBack;
    }
  }
}

/** A plan that uses no operand buffer. */
function simple(streams: Stream[], laneSteps: number, laneBits: number, computeCycles: number): Plan {
  return {
    streams,
    laneSteps,
    laneBits,
    computeCycles,
    bufferReads: 0,
    bufferWrites: 0,
    bufferFootprint: 0,
    regReads: 0,
    regWrites: 0,
    nest: null,
  };
}
