/**
 * Training throughput: samples per second of one full fixed-point training step (gather the
 * batch, forward, softmax error, backward, weight gradient, update) of 784-100-10 and
 * 784-400-10 at batch 100 on real MNIST, for
 *   - rbnn-sim with the plain TypeScript kernels (RBNN_KERNELS=js),
 *   - rbnn-sim with the WebAssembly SIMD kernels, on 1 thread and on 2 threads,
 *   - the numpy peer bench/train_step.py (float32 matrix products in OpenBLAS, on 1 and on 2
 *     threads; the ratio ours/numpy is taken against the faster),
 * interleaved round by round in one run (the CPU is shared: a ratio within one run is what
 * means something). Times are per step; the note gives samples/s and ours/numpy, the ratio of
 * throughputs. The peer runs with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset, so that OpenBLAS
 * picks its best kernel for this CPU (named in the note).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../config/load.js';
import { loadMnist } from '../trainer/mnist/dataset.js';
import { mnistDataDir } from '../trainer/mnist/idx.js';
import { Subnet, type Kernels } from '../trainer/subnet.js';
import { formats, softmaxError } from '../trainer/arith.js';
import { Rng } from '../trainer/rng.js';
import { wasmRuntime } from '../trainer/wasm/runtime.js';
import { summarize, type Benchmark, type Row, type Timing } from './harness.js';

const B = 100;
const HIDDEN = [100, 400];
const ROUNDS = Number(process.env.TRAIN_STEP_ROUNDS ?? 9);
/** Steps per timed round (the plain TypeScript path: 1 step, it is ~100x slower). */
const STEPS = 20;

type Step = () => void;

/** One training step of a 784-H-10 network on consecutive batches of the real data. */
function ourStep(hidden: number, kernels: Kernels, images: Int16Array, labels: Uint8Array): Step {
  const fmt = formats(8, 16, 32);
  const net = new Subnet([784, hidden, 10], 16, fmt, { kernels });
  net.init(new Rng(1), 0.25);
  const x = new Int16Array(B * 784);
  const y = new Uint8Array(B);
  const logits = new Float64Array(B * 10);
  const err = new Float64Array(B * 10);
  const outScale = 2 ** -(7 + net.shifts[1]!);
  const count = labels.length;
  let pos = 0;
  return () => {
    if (pos + B > count) pos = 0;
    x.set(images.subarray(pos * 784, (pos + B) * 784));
    y.set(labels.subarray(pos, pos + B));
    logits.fill(0);
    net.forward(x, B, logits);
    softmaxError(logits, y, B, 10, outScale, fmt.err, err);
    net.backwardAndUpdate(err, B, 3, 'toward-zero');
    pos += B;
  };
}

/** Wall and CPU milliseconds per step over n consecutive steps. */
function timeSteps(step: Step, n: number): Timing {
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < n; i++) step();
  const wall = (performance.now() - t) / n;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 / n };
}

/** The numpy peer as a child process answering one request per line. */
class NumpyPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterableIterator<string>;
  core = '';
  threads = 0;
  private stderr = '';

  constructor(threads: number) {
    const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads) };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    this.child = spawn('python3', [peerScript(), mnistDataDir()], { env });
    this.child.on('error', (e) => {
      this.stderr += e.message;
    });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async run(hidden: number, steps: number): Promise<Timing> {
    this.child.stdin.write(`${JSON.stringify({ hidden, steps })}\n`);
    const next = await this.lines.next();
    if (next.done) throw new Error(`the numpy peer failed: ${this.stderr.trim().split('\n').pop() ?? ''}`);
    const r = JSON.parse(next.value) as { ms: number[]; cpu_ms: number; core: string; threads: number };
    this.core = r.core;
    this.threads = r.threads;
    return { wall: r.ms.reduce((a, b) => a + b, 0) / r.ms.length, cpu: r.cpu_ms / r.ms.length };
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** bench/train_step.py, whether this runs from the sources (tsx) or from dist/bench. */
function peerScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return basename(dirname(here)) === 'dist'
    ? resolve(here, '../../bench/train_step.py')
    : resolve(here, 'train_step.py');
}

export const trainStepBenchmark: Benchmark = {
  name: 'train-step',
  description: 'training step 784-H-10, batch 100: TypeScript / WebAssembly kernels vs numpy',
  async run() {
    const data = loadMnist(defaultConfig().data, {
      activationBits: 8,
      trainSamples: 50000,
      validationSamples: 1,
      testSamples: 1,
    }).train;
    const rt = wasmRuntime();
    const twoThreads = await rt.ready();
    // numpy on 1 and on 2 OpenBLAS threads: on a busy machine the second thread can cost more
    // than it brings; the ratio is taken against the faster of the two.
    const peers: NumpyPeer[] = [];
    let peerError = '';
    for (const threads of twoThreads ? [1, 2] : [1]) {
      try {
        const p = new NumpyPeer(threads);
        await p.run(100, 2);
        peers.push(p);
      } catch (e) {
        peerError = (e as Error).message;
      }
    }
    const rows: Row[] = [];
    for (const hidden of HIDDEN) {
      const js = ourStep(hidden, 'js', data.images, data.labels);
      const wasm = ourStep(hidden, 'wasm', data.images, data.labels);
      const t = {
        js: [] as Timing[],
        wasm1: [] as Timing[],
        wasm2: [] as Timing[],
        numpy: peers.map(() => [] as Timing[]),
      };
      // Warm-up (JIT tiers, caches), then interleaved rounds.
      timeSteps(js, 1);
      timeSteps(wasm, STEPS);
      for (const p of peers) await p.run(hidden, STEPS);
      for (let r = 0; r < ROUNDS; r++) {
        t.js.push(timeSteps(js, 1));
        rt.threads = 1;
        t.wasm1.push(timeSteps(wasm, STEPS));
        rt.threads = 2;
        if (twoThreads) t.wasm2.push(timeSteps(wasm, STEPS));
        for (const [i, p] of peers.entries()) t.numpy[i]!.push(await p.run(hidden, STEPS));
      }
      const net = `784-${hidden}-10`;
      const np = peers.map((p, i) =>
        summarize(`${net} numpy (OpenBLAS ${p.core}, ${p.threads} thread${p.threads > 1 ? 's' : ''})`, t.numpy[i]!),
      );
      const best = np.length ? np.reduce((a, b) => (b.median < a.median ? b : a)) : null;
      const row = (label: string, ms: Timing[]): Row => {
        const s = summarize(`${net} ${label}`, ms);
        const sps = (B * 1000) / s.median;
        s.note =
          `${sps.toFixed(0)} samples/s` +
          (best ? `; ours/numpy ${(best.median / s.median).toFixed(2)} (CPU ${(best.cpu! / s.cpu!).toFixed(2)})` : '');
        return s;
      };
      rows.push(row('rbnn-sim js', t.js));
      rows.push(row('rbnn-sim wasm, 1 thread', t.wasm1));
      if (twoThreads) rows.push(row('rbnn-sim wasm, 2 threads (when it pays)', t.wasm2));
      for (const r of np) {
        r.note = `${((B * 1000) / r.median).toFixed(0)} samples/s${r === best ? '; the peer of the ratios' : ''}`;
        rows.push(r);
      }
      if (!np.length)
        rows.push({ case: `${net} numpy`, runs: 0, median: NaN, min: NaN, max: NaN, note: `skipped: ${peerError}` });
    }
    for (const p of peers) p.close();
    return rows;
  },
};
