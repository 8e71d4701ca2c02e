/**
 * Where a sweep's work runs: in this process, one task at a time, or in a pool of worker
 * threads (piscina) of `workers` threads. Workers load experiments/worker.js next to this module
 * (the built CLI, dist/) or worker.ts when this process runs under tsx; elsewhere (vitest, plain
 * node on the sources) the pool is not available and the sweep runs in this process.
 */
import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import type { Config } from '../config/schema.js';

import type { Point } from './sweep/points.js';
import type { SweepRow } from './sweep/row.js';
import type { Task } from './worker.js';
import { costSweepPoint, trainRecorded, type RecordedRun } from './work.js';

export interface Executor {
  /** Worker threads (0: this process). */
  readonly threads: number;
  train(cfg: Config, progress?: (done: number, total: number) => void): Promise<RecordedRun>;
  /** Costs points that share one training run (or none: schedule-only). */
  cost(items: Array<{ point: Point; cfg: Config }>, training: RecordedRun | null): Promise<SweepRow[]>;
  /** Ends the executor: a training still in progress stops (at its next batch, or its worker ends). */
  close(): Promise<void>;
}

/** Runs everything in this process, one task at a time, in submission order. */
export function inProcessExecutor(): Executor {
  // close() stops the run in progress at its next batch, as the worker pool's close ends its workers.
  const stop = new AbortController();
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
  return {
    threads: 0,
    train: (cfg, progress) => serial(() => trainRecorded(cfg, progress, stop.signal)),
    cost: (items, training) =>
      serial(async () => {
        const rows: SweepRow[] = [];
        for (const { point, cfg } of items) {
          rows.push(costSweepPoint(point, cfg, training));
          await new Promise((r) => setImmediate(r)); // let the progress bar and signals run
        }
        return rows;
      }),
    close: async () => {
      stop.abort();
      await chain;
    },
  };
}

/** The worker module and the execArgv it needs, or null when workers cannot load it here. */
export function workerModule(): { url: string; execArgv: string[] } | null {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  if (ext === '.js') {
    const file = join(dirname(here), 'worker.js');
    return existsSync(file) ? { url: pathToFileURL(file).href, execArgv: process.execArgv } : null;
  }
  // Sources: only under tsx (worker-tsx.mjs registers its hooks in the worker); not under vitest.
  const file = join(dirname(here), 'worker-tsx.mjs');
  const tsx = process.execArgv.some((a) => a.includes('tsx'));
  return ext === '.ts' && tsx && existsSync(file) ? { url: pathToFileURL(file).href, execArgv: [] } : null;
}

/** A piscina pool of `workers` threads, or null when workers are not available (see workerModule). */
export async function poolExecutor(workers: number): Promise<Executor | null> {
  const mod = workerModule();
  if (!mod) return null;
  const { Piscina } = await import('piscina');
  const pool = new Piscina<Task, RecordedRun | SweepRow[]>({
    filename: mod.url,
    execArgv: mod.execArgv,
    minThreads: 0,
    maxThreads: workers,
    idleTimeout: 1000,
  });
  return {
    threads: workers,
    train: async (cfg, progress) => {
      if (!progress) return (await pool.run({ kind: 'train', cfg })) as RecordedRun;
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (m: { done: number; total: number }) => progress(m.done, m.total));
      try {
        return (await pool.run({ kind: 'train', cfg, port: port2 }, { transferList: [port2] })) as RecordedRun;
      } finally {
        port1.close();
      }
    },
    cost: async (items, training) => (await pool.run({ kind: 'cost', items, training })) as SweepRow[],
    close: () => pool.destroy(),
  };
}

/**
 * Trains through `exec`, at most `slots` runs at once, the heaviest waiting run first (runs asked
 * for together are ordered by weight: they are queued until the next tick).
 */
export function heaviestFirst(
  exec: Executor,
  slots: number,
): ((cfg: Config, weight: number) => Promise<RecordedRun>) & { cancel(): void } {
  interface Job {
    cfg: Config;
    weight: number;
    resolve: (r: RecordedRun) => void;
    reject: (e: unknown) => void;
  }
  const queue: Job[] = [];
  let running = 0;
  let cancelled = false;
  const pump = (): void => {
    while (!cancelled && running < Math.max(1, slots) && queue.length > 0) {
      let best = 0;
      for (let i = 1; i < queue.length; i++) if (queue[i]!.weight > queue[best]!.weight) best = i;
      const job = queue.splice(best, 1)[0]!;
      running++;
      exec
        .train(job.cfg)
        .then(job.resolve, job.reject)
        .finally(() => {
          running--;
          pump();
        });
    }
  };
  const submit = (cfg: Config, weight: number): Promise<RecordedRun> =>
    new Promise<RecordedRun>((resolve, reject) => {
      if (cancelled) {
        reject(new Error('training cancelled'));
        return;
      }
      queue.push({ cfg, weight, resolve, reject });
      setImmediate(pump);
    });
  /** Drops the runs still waiting (a stopped reproduction trains no more). */
  const cancel = (): void => {
    cancelled = true;
    for (const job of queue.splice(0)) job.reject(new Error('training cancelled'));
  };
  return Object.assign(submit, { cancel });
}
