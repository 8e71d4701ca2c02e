/**
 * The training cache: finished training runs on disk, keyed by everything that affects them,
 * so that a sweep trains each distinct training configuration once, ever.
 *
 * Key = sha256 of
 *   - the model, training and data sections of the configuration (hardware never affects training),
 *   - the identity of the four MNIST files (absolute path, size, modification time),
 *   - the code version: the package version and a hash of the trainer/ and model/ sources.
 *
 * An entry (`<dir>/training/<key>.json`) holds the TrainResult and the run's recorded operation
 * stream (cli/sweep/stream.ts), from which any hardware point is costed by replay. Entries are
 * written atomically (temporary file + rename); an unreadable or inconsistent entry is reported
 * with a warning and recomputed.
 *
 * Default folder: $XDG_CACHE_HOME/rbnn-sim when XDG_CACHE_HOME is set, else .cache/rbnn-sim in
 * the package folder.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { makeDirs } from '../../io/dirs.js';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config/schema.js';
import type { TrainResult } from '../../model/results.js';
import { mnistFiles } from '../../trainer/mnist/dataset.js';
import { checkStream, type RecordedStream } from './stream.js';
import { stableJson } from './spec.js';

/** A finished training run as cached. */
export interface TrainingRecord {
  result: TrainResult;
  stream: RecordedStream;
}

interface CacheEntry extends TrainingRecord {
  kind: 'rbnn-sim.training-cache';
  version: 1;
  key: string;
  /** What the key was made of (for people reading the cache). */
  material: unknown;
  createdAt: string;
}

/** The package folder (holds package.json), found from this module (sources or dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return xdg ? resolve(xdg, 'rbnn-sim') : join(packageRoot(), '.cache', 'rbnn-sim');
}

let codeVersionMemo: string | undefined;

/**
 * The package version and a hash of the training code: every file under trainer/ and model/ of
 * the package (TypeScript sources when present, else the built JavaScript).
 */
export function codeVersion(): string {
  if (codeVersionMemo) return codeVersionMemo;
  const root = packageRoot();
  let version = '0';
  try {
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0';
  } catch { /* no version: the hash still identifies the code */ }
  const base = existsSync(join(root, 'trainer', 'train.ts')) ? root : join(root, 'dist');
  const h = createHash('sha256');
  for (const folder of ['trainer', 'model']) {
    for (const file of listFiles(join(base, folder))) {
      if (!/\.(ts|js|mjs|wat|wasm)$/.test(file) || file.endsWith('.d.ts')) continue;
      h.update(file.slice(base.length)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  codeVersionMemo = `${version}+${h.digest('hex').slice(0, 12)}`;
  return codeVersionMemo;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** The identity of the data files: absolute path, size, modification time (missing files: null). */
export function dataIdentity(cfg: Config): Array<{ file: string; size: number; mtimeMs: number } | { file: string; missing: true }> {
  const files = mnistFiles(cfg.data);
  return Object.values(files).map((file) => {
    try {
      const s = statSync(file);
      return { file, size: s.size, mtimeMs: Math.round(s.mtimeMs) };
    } catch {
      return { file, missing: true as const };
    }
  });
}

/** Everything that determines a training run (see the module comment). */
export function trainingMaterial(cfg: Config): unknown {
  return { model: cfg.model, training: cfg.training, data: cfg.data, files: dataIdentity(cfg), code: codeVersion() };
}

export function trainingKey(cfg: Config): string {
  return createHash('sha256').update(stableJson(trainingMaterial(cfg))).digest('hex').slice(0, 32);
}

/** Training runs by key in a folder; `null` folder: no cache (nothing read or written). */
export class TrainingCache {
  readonly warnings: string[] = [];

  constructor(readonly dir: string | null, private readonly warn: (msg: string) => void = () => {}) {}

  private file(key: string): string {
    return join(this.dir!, 'training', `${key}.json`);
  }

  /** The cached run, or undefined (absent, no cache, or corrupt: then a warning). */
  get(key: string): TrainingRecord | undefined {
    if (this.dir === null) return undefined;
    const file = this.file(key);
    if (!existsSync(file)) return undefined;
    try {
      const e = JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
      if (e.kind !== 'rbnn-sim.training-cache' || e.version !== 1) throw new Error('not a training cache entry of this version');
      if (e.key !== key) throw new Error(`it holds key ${String(e.key).slice(0, 12)}`);
      checkResult(e.result);
      checkStream(e.stream);
      return { result: e.result, stream: e.stream };
    } catch (err) {
      const msg = `warning: ignoring the corrupt cache entry ${file} (${(err as Error).message.split('\n')[0]}); training again`;
      this.warnings.push(msg);
      this.warn(msg);
      return undefined;
    }
  }

  put(key: string, material: unknown, rec: TrainingRecord): void {
    if (this.dir === null) return;
    const file = this.file(key);
    makeDirs(dirname(file));
    const entry: CacheEntry = { kind: 'rbnn-sim.training-cache', version: 1, key, material, createdAt: new Date().toISOString(), ...rec };
    writeFileAtomic(file, JSON.stringify(entry));
  }
}

function checkResult(r: TrainResult): void {
  if (!r || typeof r !== 'object' || !Array.isArray(r.iterations) || r.iterations.length === 0) throw new Error('no training result');
  if (typeof r.testError !== 'number' || typeof r.bitsPerWeight !== 'number' || typeof r.storageBits !== 'number') throw new Error('incomplete training result');
  for (const it of r.iterations) if (!Number.isSafeInteger(it.k) || !Number.isSafeInteger(it.epochsRun)) throw new Error('bad iteration record');
}
