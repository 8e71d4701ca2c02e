/** The CLI in a worker thread with a time limit per command (see cli-worker.mjs). */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface CliResult {
  code: number;
  out: string;
  err: string;
  /** An exception that escaped main() (with its stack): a crash, never acceptable. */
  crash: string | null;
  /** The command did not finish within its time limit (the worker was terminated). */
  timedOut: boolean;
  ms: number;
}

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli-worker.mjs');

export class CliWorker {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private next = 0;

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const w = new Worker(WORKER, { stdout: true, stderr: true });
    // The worker's own stdout/stderr (not the CLI's, which it captures): drain them.
    w.stdout.resume();
    w.stderr.resume();
    this.worker = w;
    this.ready = new Promise((resolve, reject) => {
      w.once('error', reject);
      w.once('message', () => resolve());
    });
    return this.ready;
  }

  /** Runs `rbnn-sim ...argv`; a command still running after `ms` is stopped and reported as timed out. */
  async run(argv: string[], ms: number): Promise<CliResult> {
    await this.start();
    const w = this.worker!;
    const id = this.next++;
    const t0 = Date.now();
    return new Promise<CliResult>((resolve) => {
      const timer = setTimeout(() => {
        w.removeListener('message', onMessage);
        void this.stop();
        resolve({ code: -1, out: '', err: '', crash: null, timedOut: true, ms: Date.now() - t0 });
      }, ms);
      const onMessage = (m: { id?: number; code: number; out: string; err: string; crash: string | null }): void => {
        if (m.id !== id) return;
        clearTimeout(timer);
        w.removeListener('message', onMessage);
        resolve({ code: m.code, out: m.out, err: m.err, crash: m.crash, timedOut: false, ms: Date.now() - t0 });
      };
      w.on('message', onMessage);
      w.postMessage({ id, argv });
    });
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    if (w) await w.terminate();
  }
}
