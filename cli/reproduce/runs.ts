/**
 * Training runs of a reproduction: the resume cache (one JSON file, rewritten atomically after
 * every finished run) and the trainers that execute runs, in this process (`--jobs 1`) or in a
 * pool of forked worker processes (`--jobs N`), longest runs first.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { codeVersion } from '../sweep/cache.js';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config/schema.js';
import { UserError } from '../../config/errors.js';
import type { TrainResult } from '../../model/results.js';
import type { RowId } from './rows.js';

/** One finished training run, as cached. */
export interface RunRecord {
  key: string;
  row: RowId;
  learningRate: number;
  seed: number;
  /** Hash of the model, training and data configuration the run used. */
  configHash: string;
  /** The model and training sections the run used (for the record). */
  model: Config['model'];
  training: Config['training'];
  result: TrainResult;
  finishedAt: string;
}

interface CacheFile {
  kind: 'rbnn-sim.reproduce-runs';
  version: 1;
  runs: Record<string, RunRecord>;
}

/**
 * Everything that changes a training result: the model, training and data sections, and the
 * version of the training code (the sweep cache's: package version + hash of trainer/ and
 * model/), so runs cached by older code are trained again.
 */
export function configHash(cfg: Config): string {
  const data = { ...cfg.data, dir: cfg.data.dir ?? null };
  return createHash('sha256').update(JSON.stringify({ model: cfg.model, training: cfg.training, data, code: codeVersion() })).digest('hex').slice(0, 16);
}

export function runKey(row: RowId, cfg: Config): string {
  return `${row}/lr=${cfg.training.learningRate}/seed=${cfg.training.seed}/${configHash(cfg)}`;
}

/** Finished runs by key, kept in `file`; every `put` rewrites the file (temporary file + rename). */
export class RunCache {
  private readonly runs: Record<string, RunRecord>;

  constructor(readonly file: string, fresh = false) {
    this.runs = {};
    if (!fresh && existsSync(file)) {
      let parsed: CacheFile;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
      } catch (e) {
        throw new UserError(`${file}: not a readable run cache (${(e as Error).message}); remove it or pass --fresh`);
      }
      if (parsed.kind !== 'rbnn-sim.reproduce-runs' || parsed.version !== 1) {
        throw new UserError(`${file}: not a run cache of rbnn-sim reproduce (version 1); remove it or pass --fresh`);
      }
      Object.assign(this.runs, parsed.runs);
    }
  }

  get(key: string): RunRecord | undefined {
    return this.runs[key];
  }

  get size(): number {
    return Object.keys(this.runs).length;
  }

  put(rec: RunRecord): void {
    this.runs[rec.key] = rec;
    const body: CacheFile = { kind: 'rbnn-sim.reproduce-runs', version: 1, runs: this.runs };
    writeAtomic(this.file, JSON.stringify(body, null, 1) + '\n');
  }
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Runs training configurations; at most `jobs` at once. */
export interface Trainer {
  /** `weight` orders the queue: heavier runs start first. */
  run(cfg: Config, weight: number): Promise<TrainResult>;
  close(): void;
}

/** Relative cost of a training run: MAC work of the trained sub-network x epochs x iterations x samples. */
export function runWeight(cfg: Config): number {
  const dims = [cfg.model.inputs, ...cfg.model.hidden, cfg.model.outputs];
  let w0 = 0;
  for (let l = 0; l + 1 < dims.length; l++) w0 += dims[l]! * dims[l + 1]!;
  const iterations = cfg.model.schedule === 'rbnn' ? Math.min(cfg.model.maxIterations, cfg.model.bits) : 1;
  return w0 * cfg.training.epochs * iterations * cfg.training.trainSamples;
}

interface Pending {
  cfg: Config;
  weight: number;
  resolve: (r: TrainResult) => void;
  reject: (e: Error) => void;
}

/** Takes the heaviest pending run. */
function takeHeaviest(queue: Pending[]): Pending | undefined {
  if (queue.length === 0) return undefined;
  let best = 0;
  for (let i = 1; i < queue.length; i++) if (queue[i]!.weight > queue[best]!.weight) best = i;
  return queue.splice(best, 1)[0];
}

/** Trains in this process, one run at a time. */
export function inProcessTrainer(): Trainer {
  const queue: Pending[] = [];
  let busy = false;
  // close() stops the run in progress at its next batch, as the worker pool's close ends its workers.
  const stop = new AbortController();
  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      for (let p = takeHeaviest(queue); p; p = takeHeaviest(queue)) {
        try {
          const { train } = await import('../../trainer/train.js');
          const { network: _network, ...result } = await train(p.cfg, { signal: stop.signal });
          p.resolve(result);
        } catch (e) {
          p.reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    } finally {
      busy = false;
    }
  };
  return {
    run: (cfg, weight) => new Promise<TrainResult>((resolve, reject) => {
      queue.push({ cfg, weight, resolve, reject });
      // Start on a later tick so that runs submitted together are ordered by weight.
      setImmediate(() => { void pump(); });
    }),
    // A stopped reproduction trains no more: queued runs are dropped, the one in progress stops.
    close: () => {
      stop.abort();
      for (const p of queue.splice(0)) p.reject(new Error('reproduction stopped'));
    },
  };
}

/** The worker script next to this file (worker.ts under tsx, worker.js when built). */
function workerScript(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const file = join(dirname(here), `worker${ext}`);
  if (ext === '.ts' && !process.execArgv.some((a) => a.includes('tsx'))) {
    throw new UserError('--jobs > 1 needs the built CLI (npm run build; node bin/rbnn-sim.js) or tsx; use --jobs 1 here');
  }
  return { file, execArgv: process.execArgv };
}

/** Trains in `jobs` forked worker processes (cli/reproduce/worker.ts), heaviest runs first. */
export function workerPoolTrainer(jobs: number): Trainer {
  const { file, execArgv } = workerScript();
  const queue: Pending[] = [];
  interface Slot { child: ChildProcess; job: Pending | null; id: number }
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;

  const dispatch = (): void => {
    for (const slot of slots) {
      if (slot.job || closed) continue;
      const p = takeHeaviest(queue);
      if (!p) return;
      slot.job = p;
      slot.id = nextId++;
      slot.child.send({ id: slot.id, cfg: p.cfg });
    }
  };

  const spawn = (): Slot => {
    const child = fork(file, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const slot: Slot = { child, job: null, id: 0 };
    child.on('message', (msg: { id: number; result?: TrainResult; error?: string }) => {
      const job = slot.job;
      if (!job || msg.id !== slot.id) return;
      slot.job = null;
      if (msg.error !== undefined) job.reject(new Error(msg.error));
      else job.resolve(msg.result!);
      dispatch();
    });
    child.on('exit', (code, signal) => {
      const job = slot.job;
      slot.job = null;
      if (job) job.reject(new Error(`training worker ${child.pid} exited (${signal ?? `code ${code}`}) during a run`));
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      if (!closed && queue.length > 0) {
        slots.push(spawn());
        dispatch();
      }
    });
    return slot;
  };

  for (let i = 0; i < jobs; i++) slots.push(spawn());
  return {
    run: (cfg, weight) => new Promise<TrainResult>((resolve, reject) => {
      queue.push({ cfg, weight, resolve, reject });
      setImmediate(dispatch);
    }),
    close: () => {
      closed = true;
      for (const s of slots) if (s.child.connected) s.child.disconnect();
      for (const p of queue.splice(0)) p.reject(new Error('reproduction stopped'));
    },
  };
}
