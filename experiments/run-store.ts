/**
 * The run store: finished training runs on disk, one file per run, keyed by everything that
 * affects them, so that sweeps (and reproductions) train each distinct configuration once, ever.
 *
 * Key = sha256 of
 *   - the model, training and data sections of the configuration (hardware never affects training;
 *     data.dir left out: where the files lie does not matter, their content does),
 *   - the identity of the four MNIST files (name, size, sha256 of the content),
 *   - the code version: the package version and a hash of the trainer/ and model/ sources.
 *
 * An entry (`<dir>/training/<key>.json`) holds the TrainResult and the run's recorded operation
 * stream (experiments/stream.ts), from which any hardware point is costed by replay. Entries are
 * written atomically (io/atomic-file.ts: temporary file + rename); an unreadable or inconsistent entry is reported
 * with a warning and recomputed. One file per run and no index: concurrent sweeps (the shards of
 * a Slurm array) share a folder safely, and `obtain` trains a run they all need only once.
 *
 * Default folder: $XDG_CACHE_HOME/rbnn-sim when XDG_CACHE_HOME is set, else .cache/rbnn-sim in
 * the package folder.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/schema.js';
import type { TrainResult } from '../model/results.js';
import { makeDirs } from '../io/dirs.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { mnistFiles } from '../trainer/mnist/dataset.js';
import { produceOnce, type ClaimOptions } from './store/claim.js';
import { checkStream, type RecordedStream } from './stream.js';
import { stableHash } from './stable-hash.js';

/** A finished training run as stored. */
export interface TrainingRecord {
  result: TrainResult;
  /** The run's operation stream; null for runs imported without one (a sweep trains those again). */
  stream: RecordedStream | null;
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
  } catch {
    /* no version: the hash still identifies the code */
  }
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

/** sha256 of data files by "path|size|mtime", in this process and on disk (defaultCacheDir()/data-hashes.json). */
const dataHashes = new Map<string, string>();
let dataHashesLoaded = false;

function dataHashFile(): string {
  return join(defaultCacheDir(), 'data-hashes.json');
}

/** The sha256 of a data file's bytes, remembered by path, size and modification time. */
function fileHash(file: string, size: number, mtimeMs: number): string {
  if (!dataHashesLoaded) {
    dataHashesLoaded = true;
    try {
      const saved = JSON.parse(readFileSync(dataHashFile(), 'utf8')) as Record<string, string>;
      for (const [k, v] of Object.entries(saved)) if (/^[0-9a-f]{64}$/.test(v)) dataHashes.set(k, v);
    } catch {
      /* no memo yet, or unreadable: hash again */
    }
  }
  const id = `${file}|${size}|${mtimeMs}`;
  let h = dataHashes.get(id);
  if (h) return h;
  h = createHash('sha256').update(readFileSync(file)).digest('hex');
  dataHashes.set(id, h);
  try {
    makeDirs(dirname(dataHashFile()));
    writeFileAtomic(dataHashFile(), JSON.stringify(Object.fromEntries(dataHashes)));
  } catch {
    /* a memo only: a read-only cache folder costs a re-hash next time */
  }
  return h;
}

/**
 * The identity of the data files: each file's name, size and sha256 of its content (missing
 * files: missing). Content, not path or date: the same MNIST anywhere (another clone, a fresh
 * `npm ci`) is the same data, so committed runs stay valid; changed data is another run.
 */
export function dataIdentity(
  cfg: Config,
): Array<{ file: string; size: number; sha256: string } | { file: string; missing: true }> {
  const files = mnistFiles(cfg.data);
  return Object.values(files).map((file) => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(file);
    } catch {
      return { file: basename(file), missing: true as const };
    }
    return { file: basename(file), size: st.size, sha256: fileHash(file, st.size, Math.round(st.mtimeMs)) };
  });
}

/** Everything that determines a training run (see the module comment). */
export function trainingMaterial(cfg: Config): unknown {
  // The data folder is left out: the files' content identifies the data wherever it lies.
  const { dir: _dir, ...data } = cfg.data;
  return { model: cfg.model, training: cfg.training, data, files: dataIdentity(cfg), code: codeVersion() };
}

export function trainingKey(cfg: Config): string {
  return stableHash(trainingMaterial(cfg), 32);
}

/** Training runs by key in a folder; `null` folder: no cache (nothing read or written). */
export class RunStore {
  readonly warnings: string[] = [];
  private readonly warned = new Set<string>();

  constructor(
    readonly dir: string | null,
    private readonly warn: (msg: string) => void = () => {},
  ) {}

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
      if (e.kind !== 'rbnn-sim.training-cache' || e.version !== 1)
        throw new Error('not a training cache entry of this version');
      if (e.key !== key) throw new Error(`it holds key ${String(e.key).slice(0, 12)}`);
      checkResult(e.result);
      if (e.stream !== null) checkStream(e.stream);
      return { result: e.result, stream: e.stream };
    } catch (err) {
      const msg =
        `warning: ignoring the corrupt cache entry ${file} (${(err as Error).message.split('\n')[0]}); ` +
        `training again`;
      if (!this.warned.has(key)) {
        // Once per entry: obtain() looks again while waiting for another process's run.
        this.warned.add(key);
        this.warnings.push(msg);
        this.warn(msg);
      }
      return undefined;
    }
  }

  /**
   * The run `key` from the cache, or trained by `train` and stored. Processes sharing the cache
   * folder (shards of a job array) train a run once: the first claims it, the others wait for
   * its entry and reuse it (experiments/store/claim.ts). `trained`: this call trained it.
   * `usable`: whether a stored entry will do (a sweep needs its operation stream).
   */
  async obtain<R extends TrainingRecord>(
    key: string,
    material: unknown,
    train: () => Promise<R>,
    opts: ClaimOptions & { usable?: (r: TrainingRecord) => r is R } = {},
  ): Promise<{ record: R; trained: boolean }> {
    if (this.dir === null) return { record: await train(), trained: true };
    makeDirs(dirname(this.file(key)));
    const usable = opts.usable ?? ((r: TrainingRecord): r is R => r !== undefined);
    const { value, produced } = await produceOnce<R>(
      `${this.file(key)}.claim`,
      {
        read: () => {
          const r = this.get(key);
          return r !== undefined && usable(r) ? r : undefined;
        },
        produce: train,
        write: (rec) => this.put(key, material, rec),
      },
      opts,
    );
    return { record: value, trained: produced };
  }

  put(key: string, material: unknown, rec: TrainingRecord): void {
    if (this.dir === null) return;
    const file = this.file(key);
    makeDirs(dirname(file));
    const entry: CacheEntry = {
      kind: 'rbnn-sim.training-cache',
      version: 1,
      key,
      material,
      createdAt: new Date().toISOString(),
      ...rec,
    };
    writeFileAtomic(file, JSON.stringify(entry));
  }
}

function checkResult(r: TrainResult): void {
  if (!r || typeof r !== 'object' || !Array.isArray(r.iterations) || r.iterations.length === 0)
    throw new Error('no training result');
  if (typeof r.testError !== 'number' || typeof r.bitsPerWeight !== 'number' || typeof r.storageBits !== 'number')
    throw new Error('incomplete training result');
  for (const it of r.iterations)
    if (!Number.isSafeInteger(it.k) || !Number.isSafeInteger(it.epochsRun)) throw new Error('bad iteration record');
}

/** The run store folder a `--cache` choice names: false for none, a folder, or (absent, empty) the default. */
export function cacheDirOf(choice: string | boolean | undefined): string | null {
  if (choice === false) return null;
  return typeof choice === 'string' && choice !== '' ? resolve(choice) : defaultCacheDir();
}
