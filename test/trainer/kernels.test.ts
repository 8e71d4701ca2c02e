/**
 * The WebAssembly SIMD kernels (trainer/wasm/) against the plain TypeScript ones: bit-identical
 * forward sums, hidden errors, weights and signs over random shapes, formats, batches, rounding
 * modes and learning rates; on one and on two threads; through a whole training run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { availableParallelism } from 'node:os';
import { Subnet, type Kernels } from '../../trainer/subnet.js';
import { formats, softmaxError } from '../../trainer/arith.js';
import { signMatmul } from '../../trainer/kernels.js';
import { Rng } from '../../trainer/rng.js';
import { wasmRuntime } from '../../trainer/wasm/runtime.js';
import { wasmSupports } from '../../trainer/wasm/wasm-net.js';
import { KERNELS_WASM_BASE64 } from '../../trainer/wasm/kernels-binary.js';
import { assembleKernels } from '../../trainer/wasm/assemble.js';
import type { Rounding } from '../../trainer/subnet.js';

// The runtime is created on first use: let it start its second thread so the split path is tested
// (the default is one thread; see trainer/wasm/runtime.ts).
process.env.RBNN_THREADS ??= '2';

interface Case {
  dims: number[];
  B: number;
  act: number;
  err: number;
  acc: number;
  wBits: number;
  rounding: Rounding;
  lr: number;
  init: number;
  steps: number;
  seed: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  dims: fc
    .tuple(
      fc.integer({ min: 1, max: 70 }),
      fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 2 }),
      fc.integer({ min: 1, max: 13 }),
    )
    .map(([i, h, o]) => [i, ...h, o]),
  B: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 13, max: 90 })),
  act: fc.integer({ min: 2, max: 16 }),
  err: fc.integer({ min: 2, max: 16 }),
  acc: fc.integer({ min: 8, max: 48 }),
  wBits: fc.integer({ min: 2, max: 32 }),
  rounding: fc.constantFrom<Rounding>('floor', 'toward-zero', 'nearest'),
  lr: fc.double({ min: -12, max: 8, noNaN: true }).map((e) => 2 ** e),
  init: fc.double({ min: 0.01, max: 1, noNaN: true }),
  steps: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

/** Runs the same steps on a js and a wasm sub-network; returns the first difference, if any. */
function compare(c: Case): string | null {
  const fmt = formats(c.act, c.err, c.acc);
  const make = (k: Kernels): Subnet => {
    const n = new Subnet(c.dims, c.wBits, fmt, { kernels: k });
    n.init(new Rng(c.seed), c.init);
    return n;
  };
  const js = make('js');
  const wasm = make('wasm');
  const rng = new Rng(c.seed ^ 0x5bd1e995);
  const I = c.dims[0]!;
  const C = c.dims[c.dims.length - 1]!;
  const amax = 2 ** (c.act - 1);
  const emax = 2 ** (c.err - 1);
  for (let s = 0; s < c.steps; s++) {
    // Inputs with some columns zero in the whole batch (as MNIST's borders), which layer 0 skips.
    const zeroCol = new Uint8Array(I).map(() => (rng.nextFloat() < 0.4 ? 1 : 0));
    const x = new Float64Array(c.B * I);
    for (let i = 0; i < x.length; i++) x[i] = zeroCol[i % I] || rng.nextFloat() < 0.3 ? 0 : rng.intIn(-amax, amax - 1);
    const lj = new Float64Array(c.B * C);
    const lw = new Float64Array(c.B * C);
    js.forward(x, c.B, lj);
    wasm.forward(x, c.B, lw);
    if (!sameArray(lj, lw)) return `step ${s}: logits differ`;
    const e = new Float64Array(c.B * C);
    // Extreme errors now and then (saturation, the widest products), else softmax-like ones.
    for (let i = 0; i < e.length; i++)
      e[i] = rng.nextFloat() < 0.1 ? (rng.nextFloat() < 0.5 ? -emax : emax - 1) : rng.intIn(-(emax >> 2), emax >> 2);
    js.backwardAndUpdate(e, c.B, c.lr, c.rounding);
    wasm.backwardAndUpdate(e, c.B, c.lr, c.rounding);
    for (let l = 0; l < js.L; l++) {
      if (!sameArray(js.weights![l]!, wasm.weights![l]!)) return `step ${s}: weights of layer ${l} differ`;
      if (!sameArray(js.signs[l]!, wasm.signs[l]!)) return `step ${s}: signs of layer ${l} differ`;
    }
  }
  return null;
}

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && a[i] !== b[i]) return false;
  return true;
}

describe('wasm kernels', () => {
  beforeAll(async () => {
    await wasmRuntime().ready();
  });

  it('the committed binary is the assembly of kernels-wat.ts', async () => {
    const bin = await assembleKernels();
    expect(Buffer.from(bin).toString('base64')).toBe(KERNELS_WASM_BASE64);
  });

  it('is chosen for the formats it reproduces exactly, else the plain path is', () => {
    const fmt = formats(8, 16, 32);
    expect(new Subnet([784, 100, 10], 16, fmt, { kernels: 'wasm' }).kernels).toBe('wasm');
    expect(new Subnet([784, 100, 10], 16, fmt, { kernels: 'js' }).kernels).toBe('js');
    expect(wasmSupports([784, 100, 10], formats(8, 24, 32))).toBe(false); // errors wider than int16
    expect(wasmSupports([784, 100, 10], formats(16, 16, 32))).toBe(false); // products could overflow a pair sum
    expect(new Subnet([784, 100, 10], 16, formats(8, 24, 32), { kernels: 'wasm' }).kernels).toBe('js');
  });

  it('forward product: equals signMatmul on random shapes and values', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const fmt = formats(c.act, 16, 48);
        const dims = [c.dims[0]!, c.dims[1]!];
        const js = new Subnet(dims, c.wBits, fmt, { kernels: 'js' });
        js.init(new Rng(c.seed), c.init);
        const rng = new Rng(c.seed + 1);
        const x = new Float64Array(c.B * dims[0]!).map(() => rng.intIn(-(2 ** (c.act - 1)), 2 ** (c.act - 1) - 1));
        const ref = new Float64Array(c.B * dims[1]!);
        signMatmul(x, js.signs[0]!, ref, c.B, dims[0]!, dims[1]!);
        const wasm = new Subnet(dims, c.wBits, fmt, { kernels: 'wasm' });
        wasm.restore(js.snapshot());
        const out = new Float64Array(c.B * dims[1]!);
        wasm.forward(x, c.B, out);
        expect([...out]).toEqual([...ref]);
      }),
      { numRuns: 60 },
    );
  });

  it('training steps: bit-identical to the plain path (1 thread)', () => {
    const rt = wasmRuntime();
    const threads = rt.threads;
    rt.threads = 1;
    try {
      fc.assert(
        fc.property(caseArb, (c) => compare(c) === null),
        { numRuns: 150 },
      );
    } finally {
      rt.threads = threads;
    }
  });

  it('training steps: bit-identical with products split over two threads', () => {
    const rt = wasmRuntime();
    expect(rt.parallel || rt.threads === 1).toBe(true);
    // Large enough to be split (forward of layer 0 and its fused gradient + update).
    const cases: Case[] = [
      {
        dims: [784, 100, 10],
        B: 100,
        act: 8,
        err: 16,
        acc: 32,
        wBits: 16,
        rounding: 'toward-zero',
        lr: 3,
        init: 0.25,
        steps: 3,
        seed: 7,
      },
      {
        dims: [300, 66, 30, 10],
        B: 61,
        act: 10,
        err: 14,
        acc: 24,
        wBits: 9,
        rounding: 'nearest',
        lr: 40,
        init: 0.5,
        steps: 3,
        seed: 8,
      },
      {
        dims: [257, 97, 13],
        B: 700,
        act: 8,
        err: 16,
        acc: 40,
        wBits: 32,
        rounding: 'floor',
        lr: 0.01,
        init: 1,
        steps: 2,
        seed: 9,
      },
    ];
    const before = rt.splitCalls;
    for (const c of cases) expect(compare(c)).toBeNull();
    if (availableParallelism() > 1) expect(rt.splitCalls).toBeGreaterThan(before);
  });

  it('sums over more samples than int32 partial sums hold exactly (batch 1000)', () => {
    const c: Case = {
      dims: [60, 20, 10],
      B: 1000,
      act: 8,
      err: 16,
      acc: 48,
      wBits: 16,
      rounding: 'toward-zero',
      lr: 0.5,
      init: 0.25,
      steps: 2,
      seed: 3,
    };
    expect(compare(c)).toBeNull();
  });

  it('the hand-computed step of test/trainer/one-step.test.ts, on both paths', () => {
    for (const kernels of ['js', 'wasm'] as const) {
      const fmt = formats(8, 16, 32);
      const net = new Subnet([2, 2, 2], 4, fmt, { kernels });
      expect(net.kernels).toBe(kernels);
      net.restore([Int32Array.from([3, -2, -1, 5]), Int32Array.from([-4, 2, 1, -3])]);
      const logits = new Float64Array(2);
      net.forward(Float64Array.from([64, -32]), 1, logits);
      expect([...logits]).toEqual([-162, 162]);
      const err = new Float64Array(2);
      softmaxError(logits, [0], 1, 2, 2 ** -7 * 2 ** -1, fmt.err, err);
      net.backwardAndUpdate(err, 1, 1, 'floor');
      expect([...net.weights![0]!]).toEqual([0, 2, 1, 4]);
      expect([...net.weights![1]!]).toEqual([0, -1, -2, 1]);
      expect([...net.signs[1]!]).toEqual([1, -1, -1, 1]);
      net.freeze();
      expect(net.weights).toBeNull();
      expect([...net.signs[0]!]).toEqual([1, 1, 1, 1]);
    }
  });
});

describe('training on both paths', () => {
  it('a small RBNN run gives the same errors, curves and signs with RBNN_KERNELS=js and =wasm', async () => {
    const { resolveConfig } = await import('../../config/load.js');
    const { loadMnist } = await import('../../trainer/mnist/dataset.js');
    const { trainOn } = await import('../../trainer/train.js');
    const cfg = resolveConfig({
      overrides: {
        'model.hidden': [24],
        'model.bits': 8,
        'model.maxIterations': 2,
        'training.trainSamples': 1500,
        'training.validationSamples': 300,
        'training.testSamples': 300,
        'training.epochs': 2,
        'training.batch': 50,
        'training.evalBatch': 250,
      },
    });
    const data = loadMnist(cfg.data, {
      activationBits: 8,
      trainSamples: 1500,
      validationSamples: 300,
      testSamples: 300,
    });
    const before = process.env.RBNN_KERNELS;
    const run = (k: Kernels) => {
      process.env.RBNN_KERNELS = k;
      try {
        return trainOn(cfg, data);
      } finally {
        if (before === undefined) delete process.env.RBNN_KERNELS;
        else process.env.RBNN_KERNELS = before;
      }
    };
    const a = run('js');
    const b = run('wasm');
    expect(a.network.subnets.map((n) => n.kernels)).toEqual(['js', 'js']);
    expect(b.network.subnets.map((n) => n.kernels)).toEqual(['wasm', 'wasm']);
    expect(b.iterations.map((i) => [i.validationError, i.testError, i.validationCurve])).toEqual(
      a.iterations.map((i) => [i.validationError, i.testError, i.validationCurve]),
    );
    for (const [i, net] of b.network.subnets.entries())
      for (const [l, s] of net.signs.entries()) expect(s).toEqual(a.network.subnets[i]!.signs[l]);
  });
});
