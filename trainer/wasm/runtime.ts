/**
 * The WebAssembly kernels at run time: one module (trainer/wasm/kernels-binary.ts), one shared
 * memory with a small allocator, and one worker thread that runs half of a large kernel call
 * while the calling thread runs the other half (the machine this targets has 2 cores).
 *
 * Environment: RBNN_THREADS=2 lets a second thread take half of large kernel calls. The
 * default is 1: the split has not shown a gain on a loaded 2-core machine (docs/PERFORMANCE.md),
 * and sweeps already use every core with one process per design point.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { KERNELS_WASM_BASE64 } from './kernels-binary.js';

export interface KernelExports {
  mm(
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    m: number,
    k2: number,
    v0: number,
    v1: number,
    idx: number,
  ): void;
  grad_update(
    a: number,
    lda: number,
    b: number,
    ldb: number,
    k2: number,
    chunk: number,
    r0: number,
    r1: number,
    v0: number,
    v1: number,
    w: number,
    ldw: number,
    ocount: number,
    s2: number,
    lds2: number,
    st2: number,
    ldst2: number,
    scr: number,
    mode: number,
    accLo: number,
    accHi: number,
    scale: number,
    wLo: number,
    wHi: number,
    idx: number,
  ): void;
  tanh_fwd(
    c: number,
    ldc: number,
    rows: number,
    cols: number,
    accLo: number,
    accHi: number,
    shift: number,
    lut: number,
    lo: number,
    hi: number,
    h: number,
    ldh: number,
    ht: number,
    ldht: number,
  ): void;
  tanh_bwd(
    d: number,
    ldd: number,
    h: number,
    ldh: number,
    rows: number,
    cols: number,
    frac: number,
    eLo: number,
    eHi: number,
    e: number,
    lde: number,
    e2: number,
    lde2: number,
  ): void;
  active_pairs(x: number, ldx: number, rows: number, pairs: number, mask: number, list: number): number;
  gather_pairs_t(x: number, ldx: number, rows: number, list: number, n: number, xt: number, ldxt: number): void;
}

type KernelName = 'mm' | 'grad_update';
const JOBS: KernelName[] = ['mm', 'grad_update'];
const MAX_ARGS = 32;

/** Splits judged together, and the pauses (in kernel calls) after a window that did not pay. */
const SPLIT_WINDOW = 16;
const MIN_PAUSE = 64;
const MAX_PAUSE = 8192;

const PAGE = 65536;
const MAX_PAGES = 16384; // 1 GiB
const ALIGN = 64;

/** Control block of the worker (int32 words; args follow as float64). */
const SEQ = 0;
const DONE = 1;
const READY = 2;
const JOB = 3;
const FAILED = 4;
const CTRL_BYTES = 64 + MAX_ARGS * 8;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, args: argsOff, jobs } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory } });
const c = new Int32Array(memory.buffer, ctrl, 16);
const a = new Float64Array(memory.buffer, argsOff, ${MAX_ARGS});
let seen = Atomics.load(c, ${SEQ});
Atomics.store(c, ${READY}, 1);
for (;;) {
  Atomics.wait(c, ${SEQ}, seen);
  seen = Atomics.load(c, ${SEQ});
  try {
    const f = inst.exports[jobs[Atomics.load(c, ${JOB})]];
    f(...Array.from(a.subarray(0, f.length)));
  } catch (e) {
    Atomics.store(c, ${FAILED}, 1);
  }
  Atomics.store(c, ${DONE}, seen);
  Atomics.notify(c, ${DONE});
}
`;

export class WasmRuntime {
  readonly memory: WebAssembly.Memory;
  readonly k: KernelExports;
  private readonly module: WebAssembly.Module;
  private free: Array<{ off: number; size: number }> = [];
  private top: number;
  private worker: Worker | null = null;
  private readonly ctrl: Int32Array;
  private readonly args: Float64Array;
  /** Kernel calls split over two threads so far. */
  splitCalls = 0;
  /** Milliseconds the splits of the current window saved (negative: lost). */
  private saved = 0;
  private window = 0;
  /** Kernel calls to run on one thread before trying two again. */
  private pauseCalls = 0;
  private pauseNext = MIN_PAUSE;
  /** Threads a kernel call may use (1 or 2): RBNN_THREADS (capped by the CPUs), else 1. */
  threads: number;

  constructor() {
    this.module = new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    this.memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
    this.k = new WebAssembly.Instance(this.module, { env: { memory: this.memory } })
      .exports as unknown as KernelExports;
    this.top = ALIGN; // offset 0 stays unused (0 means "none" for optional pointers)
    const ctrl = this.alloc(CTRL_BYTES);
    this.ctrl = new Int32Array(this.memory.buffer, ctrl, 16);
    this.args = new Float64Array(this.memory.buffer, ctrl + 64, MAX_ARGS);
    const env = Number(process.env.RBNN_THREADS ?? 0);
    this.threads = env >= 1 ? Math.min(2, env, availableParallelism()) : 1;
    if (this.threads > 1) {
      this.worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: this.module, memory: this.memory, ctrl, args: ctrl + 64, jobs: JOBS },
      });
      this.worker.unref();
      this.worker.on('error', () => {
        this.worker = null;
      });
    }
  }

  /** Zeroed block of `bytes` bytes, 64-byte aligned; returns its offset. */
  alloc(bytes: number): number {
    const size = Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
    const i = this.free.findIndex((f) => f.size >= size);
    if (i >= 0) {
      const f = this.free[i]!;
      const off = f.off;
      if (f.size === size) this.free.splice(i, 1);
      else {
        f.off += size;
        f.size -= size;
      }
      new Uint8Array(this.memory.buffer, off, size).fill(0);
      return off;
    }
    // Fresh memory past the top is zero already.
    const off = this.top;
    this.top += size;
    const need = Math.ceil(this.top / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (need > 0) this.memory.grow(need);
    return off;
  }

  release(off: number, bytes: number): void {
    const size = Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
    const f = this.free;
    let i = 0;
    while (i < f.length && f[i]!.off < off) i++;
    f.splice(i, 0, { off, size });
    // Coalesce with neighbours.
    if (i + 1 < f.length && f[i]!.off + f[i]!.size === f[i + 1]!.off) {
      f[i]!.size += f[i + 1]!.size;
      f.splice(i + 1, 1);
    }
    if (i > 0 && f[i - 1]!.off + f[i - 1]!.size === f[i]!.off) {
      f[i - 1]!.size += f[i]!.size;
      f.splice(i, 1);
    }
  }

  i16(off: number, n: number): Int16Array {
    return new Int16Array(this.memory.buffer, off, n);
  }
  i32(off: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, off, n);
  }

  /** Waits (up to `ms`) until the worker thread can take work; false if there is none. */
  async ready(ms = 5000): Promise<boolean> {
    const t = Date.now();
    while (this.worker && Atomics.load(this.ctrl, READY) !== 1 && Date.now() - t < ms)
      await new Promise((r) => setTimeout(r, 5));
    return this.worker !== null && Atomics.load(this.ctrl, READY) === 1;
  }

  /**
   * Whether a second thread can take half of a kernel call now. On a machine whose cores are
   * busy with other work the worker may wait for a core while this thread waits for it; then
   * splitting is slower than not, and `split` pauses it for a while (see there).
   */
  get parallel(): boolean {
    if (this.threads <= 1 || this.worker === null || Atomics.load(this.ctrl, READY) !== 1) return false;
    if (this.pauseCalls > 0) {
      this.pauseCalls--;
      return false;
    }
    return true;
  }

  /**
   * Runs `name(...mine)` here and `name(...theirs)` on the worker at the same time (the two
   * calls must touch disjoint outputs); returns when both are done.
   */
  split(name: KernelName, mine: number[], theirs: number[]): void {
    const c = this.ctrl;
    this.splitCalls++;
    this.args.set(theirs);
    Atomics.store(c, JOB, JOBS.indexOf(name));
    const seq = Atomics.add(c, SEQ, 1) + 1;
    Atomics.notify(c, SEQ);
    const t0 = performance.now();
    (this.k[name] as (...a: number[]) => void)(...mine);
    const t1 = performance.now();
    for (let d = Atomics.load(c, DONE); d !== seq; d = Atomics.load(c, DONE)) Atomics.wait(c, DONE, d);
    if (Atomics.load(c, FAILED) !== 0) throw new Error(`wasm kernel ${name} failed on the worker thread`);
    // One thread alone would have taken about twice our half; the split saved our half minus
    // the time we then waited for the worker (long when it had to wait for a core). Every
    // SPLIT_WINDOW splits, if they saved nothing in total, run on one thread for a while
    // (longer each time it happens again).
    this.saved += t1 - t0 - (performance.now() - t1);
    if (++this.window >= SPLIT_WINDOW) {
      if (this.saved < 0) {
        this.pauseCalls = this.pauseNext;
        this.pauseNext = Math.min(this.pauseNext * 2, MAX_PAUSE);
      } else {
        this.pauseNext = MIN_PAUSE;
      }
      this.window = 0;
      this.saved = 0;
    }
  }
}

let runtime: WasmRuntime | null = null;

/** The process-wide runtime (created on first use). */
export function wasmRuntime(): WasmRuntime {
  runtime ??= new WasmRuntime();
  return runtime;
}
