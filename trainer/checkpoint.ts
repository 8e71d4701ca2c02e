/**
 * Checkpoint files: the state of a training run (trainer/checkpoint-state.ts) and, for
 * `rbnn-sim run`, the simulator's counters, so that `--resume DIR` continues the run exactly.
 *
 * One file per folder, `checkpoint.rbnn`, replaced after every epoch and every RBNN iteration.
 * It is written to `checkpoint.rbnn.tmp-<pid>`, flushed to disk (fsync), then renamed over the
 * previous one (and the folder is fsynced), so the folder always holds one complete checkpoint.
 *
 * Format (version 1), little-endian:
 *
 *   bytes 0-7    magic "RBNNCKPT"
 *   bytes 8-11   format version (uint32)
 *   bytes 12-15  header length H in bytes (uint32)
 *   bytes 16-19  payload length P in bytes (uint32)
 *   bytes 20-51  SHA-256 of the header and payload bytes
 *   then         the header: UTF-8 JSON (what the run is, where it stands, its scalars and
 *                results; typed arrays replaced by {"$array": i}, non-finite numbers by
 *                {"$number": "Infinity"})
 *   then         the payload: array i at header.arrays[i].offset (8-byte aligned), int32 or uint8
 *
 * The configuration that shapes the run (model, training, data; hardware too for `run`) is
 * stored with its SHA-256; resuming with another configuration is refused, naming the keys that
 * differ. A file that is truncated, damaged, of another version or not a checkpoint is refused
 * with one line naming the file.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../config/schema.js';
import { UserError } from '../config/errors.js';
import { formatConfig } from '../config/format.js';
import type { Tree } from '../config/validate.js';
import { networkSpec } from '../model/network.js';
import type { TrainState } from './checkpoint-state.js';
import { makeDirs, removeEmptyDirs } from '../io/dirs.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { describeFsError } from '../io/fs-error.js';
import { checkOutputDir } from '../io/location.js';

export const CHECKPOINT_FILE = 'checkpoint.rbnn';
export const CHECKPOINT_VERSION = 1;
const MAGIC = 'RBNNCKPT';
const PREFIX = 52;

/** Which command wrote it: `train` (training only) or `run` (training and the simulator). */
export type CheckpointKind = 'train' | 'run';

export interface Checkpoint {
  kind: CheckpointKind;
  /** When it was written (ISO 8601). */
  created: string;
  /** SHA-256 of the canonical configuration sections that shape the run. */
  configHash: string;
  /** Those sections, with units, for messages and for people reading the header. */
  config: Tree;
  state: TrainState;
  /** The simulator's state (sim/simulator.ts SimulatorState) for `run`; null for `train`. */
  simulator: unknown;
}

/** Configuration sections a checkpoint of `kind` must agree on. */
function sections(kind: CheckpointKind): Array<keyof Config> {
  return kind === 'run' ? ['model', 'training', 'data', 'hardware'] : ['model', 'training', 'data'];
}

function pick(tree: Tree, kind: CheckpointKind): Tree {
  return Object.fromEntries(sections(kind).map((s) => [s, tree[s]]));
}

/** SHA-256 (hex) of the configuration sections that shape a run of `kind`, in canonical units. */
export function configHash(cfg: Config, kind: CheckpointKind): string {
  return createHash('sha256')
    .update(canonicalJson(pick(cfg as unknown as Tree, kind)))
    .digest('hex');
}

/** A checkpoint of `state` (and the simulator's state, for `run`) under `cfg`. */
export function makeCheckpoint(
  cfg: Config,
  kind: CheckpointKind,
  state: TrainState,
  simulator: unknown = null,
): Checkpoint {
  return {
    kind,
    created: new Date().toISOString(),
    configHash: configHash(cfg, kind),
    config: pick(formatConfig(cfg), kind),
    state,
    simulator,
  };
}

// ---------------------------------------------------------------------------------------------
// Encoding

type Stored = { type: 'int32' | 'uint8'; offset: number; length: number };

export function encodeCheckpoint(c: Checkpoint): Buffer {
  const arrays: Array<Int32Array | Uint8Array> = [];
  const toJson = (v: unknown): unknown => {
    if (v instanceof Int32Array || v instanceof Uint8Array) return { $array: arrays.push(v) - 1 };
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $number: String(v) };
    if (Array.isArray(v)) return v.map(toJson);
    if (v !== null && typeof v === 'object') {
      if (ArrayBuffer.isView(v)) throw new Error(`encodeCheckpoint: unsupported array type ${v.constructor.name}`);
      return Object.fromEntries(
        Object.entries(v)
          .filter(([, x]) => x !== undefined)
          .map(([k, x]) => [k, toJson(x)]),
      );
    }
    return v;
  };
  const body = toJson({
    kind: c.kind,
    created: c.created,
    configHash: c.configHash,
    config: c.config,
    state: c.state,
    simulator: c.simulator,
  }) as Tree;
  const stored: Stored[] = [];
  let offset = 0;
  for (const a of arrays) {
    stored.push({ type: a instanceof Int32Array ? 'int32' : 'uint8', offset, length: a.length });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const header = Buffer.from(
    JSON.stringify({ format: 'rbnn-sim.checkpoint', version: CHECKPOINT_VERSION, ...body, arrays: stored }),
    'utf8',
  );
  const payload = Buffer.alloc(offset);
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  arrays.forEach((a, i) => {
    const at = stored[i]!.offset;
    if (a instanceof Uint8Array) payload.set(a, at);
    else for (let j = 0; j < a.length; j++) dv.setInt32(at + 4 * j, a[j]!, true);
  });
  if (header.length > 0xffffffff || payload.length > 0xffffffff)
    throw new Error('encodeCheckpoint: checkpoint larger than 4 GiB');
  const prefix = Buffer.alloc(PREFIX);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(CHECKPOINT_VERSION, 8);
  prefix.writeUInt32LE(header.length, 12);
  prefix.writeUInt32LE(payload.length, 16);
  createHash('sha256').update(header).update(payload).digest().copy(prefix, 20);
  return Buffer.concat([prefix, header, payload]);
}

/** Decodes a checkpoint file's bytes; every problem is a UserError naming `file`. */
export function decodeCheckpoint(bytes: Uint8Array, file: string): Checkpoint {
  const bad = (why: string): UserError => new UserError(`checkpoint ${file}: ${why}`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 8 || buf.toString('latin1', 0, 8) !== MAGIC) {
    throw bad(
      buf.length < 8 && MAGIC.startsWith(buf.toString('latin1'))
        ? `truncated (${buf.length} bytes)`
        : 'not an rbnn-sim checkpoint (wrong magic number)',
    );
  }
  if (buf.length < PREFIX) throw bad(`truncated (${buf.length} bytes, shorter than its ${PREFIX}-byte prefix)`);
  const version = buf.readUInt32LE(8);
  if (version !== CHECKPOINT_VERSION)
    throw bad(`format version ${version}, this rbnn-sim reads version ${CHECKPOINT_VERSION}`);
  const H = buf.readUInt32LE(12);
  const P = buf.readUInt32LE(16);
  const expected = PREFIX + H + P;
  if (buf.length < expected) throw bad(`truncated (${buf.length} bytes, expected ${expected})`);
  if (buf.length > expected) throw bad(`damaged (${buf.length} bytes, expected ${expected})`);
  const header = buf.subarray(PREFIX, PREFIX + H);
  const payload = buf.subarray(PREFIX + H);
  const sum = createHash('sha256').update(header).update(payload).digest();
  if (!sum.equals(buf.subarray(20, 52))) throw bad('damaged (checksum mismatch)');
  let raw: unknown;
  try {
    raw = JSON.parse(header.toString('utf8'));
  } catch {
    throw bad('damaged (unreadable header)');
  }
  const h = raw as Tree;
  if (
    !isObject(raw) ||
    h.format !== 'rbnn-sim.checkpoint' ||
    h.version !== CHECKPOINT_VERSION ||
    !Array.isArray(h.arrays)
  )
    throw bad('not an rbnn-sim checkpoint (unexpected header)');
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const arrays = (h.arrays as unknown[]).map((s, i) => {
    const a = s as Stored;
    const size = a?.type === 'int32' ? 4 : a?.type === 'uint8' ? 1 : 0;
    if (
      !isObject(s) ||
      size === 0 ||
      !isCount(a.offset) ||
      !isCount(a.length) ||
      a.offset + a.length * size > payload.length
    ) {
      throw bad(`damaged (array ${i} out of bounds)`);
    }
    if (size === 1) return Uint8Array.from(payload.subarray(a.offset, a.offset + a.length));
    const out = new Int32Array(a.length);
    for (let j = 0; j < a.length; j++) out[j] = dv.getInt32(a.offset + 4 * j, true);
    return out;
  });
  const fromJson = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(fromJson);
    if (isObject(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === '$array') {
        const a = arrays[v.$array as number];
        if (!a) throw bad('damaged (missing array)');
        return a;
      }
      if (keys.length === 1 && keys[0] === '$number') {
        if (!['Infinity', '-Infinity', 'NaN'].includes(v.$number as string)) throw bad('damaged (bad number)');
        return Number(v.$number);
      }
      return Object.fromEntries(keys.map((k) => [k, fromJson(v[k])]));
    }
    return v;
  };
  const body = fromJson(h) as Tree;
  if (body.kind !== 'train' && body.kind !== 'run') throw bad(`unknown kind ${JSON.stringify(body.kind)}`);
  if (typeof body.configHash !== 'string' || !isObject(body.config) || !isObject(body.state))
    throw bad('not an rbnn-sim checkpoint (unexpected header)');
  return {
    kind: body.kind,
    created: typeof body.created === 'string' ? body.created : '',
    configHash: body.configHash,
    config: body.config,
    state: body.state as unknown as TrainState,
    simulator: body.simulator ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Files

/** The checkpoint file of a folder (or the file itself when given one). */
export function checkpointPath(dirOrFile: string): string {
  try {
    if (fs.statSync(dirOrFile).isFile()) return dirOrFile;
  } catch {
    /* not there: a folder to be */
  }
  return path.join(dirOrFile, CHECKPOINT_FILE);
}

/**
 * Writes a checkpoint into `dir` (created if needed) atomically: temporary file, fsync, rename,
 * fsync of the folder. Returns the file's path. Failures are UserErrors naming the folder; no
 * temporary file is left behind.
 */
export function writeCheckpoint(dir: string, c: Checkpoint): string {
  const bytes = encodeCheckpoint(c);
  const file = path.join(dir, CHECKPOINT_FILE);
  let created: string[];
  try {
    created = makeDirs(dir);
  } catch (e) {
    throw new UserError(`cannot write checkpoint in ${dir}: ${describeFsError(e)}`);
  }
  try {
    writeFileAtomic(file, bytes, { fsync: true, regularOnly: true });
  } catch (e) {
    removeEmptyDirs(created);
    throw new UserError(`cannot write checkpoint ${file}: ${describeFsError(e)}`);
  }
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    /* some file systems cannot fsync a folder: the rename is still atomic */
  }
  return file;
}

/** Reads the checkpoint of a folder (or a checkpoint file); UserError when missing or unreadable. */
export function readCheckpoint(dirOrFile: string): Checkpoint {
  const file = checkpointPath(dirOrFile);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserError(
        fs.existsSync(dirOrFile)
          ? `no checkpoint in ${dirOrFile} (expected ${file})`
          : `checkpoint folder not found: ${dirOrFile}`,
      );
    }
    throw new UserError(`checkpoint ${file}: cannot read it (${describeFsError(e)})`);
  }
  return decodeCheckpoint(bytes, file);
}

/**
 * Checks that a checkpoint can continue a run of `kind` under `cfg`: same kind, same
 * configuration, a state consistent with the network. UserError otherwise, naming what differs.
 */
export function checkResumable(c: Checkpoint, cfg: Config, kind: CheckpointKind, file: string): void {
  if (c.kind !== kind) {
    throw new UserError(
      `checkpoint ${file} was written by \`rbnn-sim ${c.kind}\`: resume it with \`rbnn-sim ${c.kind} --resume\``,
    );
  }
  if (c.configHash !== configHash(cfg, kind)) {
    const now = flatten(pick(formatConfig(cfg), kind));
    const then = flatten(c.config);
    const keys = [...new Set([...Object.keys(now), ...Object.keys(then)])].filter(
      (k) => JSON.stringify(now[k]) !== JSON.stringify(then[k]),
    );
    const shown = keys
      .slice(0, 3)
      .map((k) => `${k} is ${show(then[k])} there, ${show(now[k])} now`)
      .join('; ');
    throw new UserError(
      `checkpoint ${file} was written with a different configuration${shown ? ` (${shown}${keys.length > 3 ? `; ${keys.length - 3} more` : ''})` : ''}: resume with the same --preset, --config and --set flags`,
    );
  }
  checkState(c, cfg, file);
}

/** The state's shapes against the network of `cfg` (a checkpoint from a broken writer, not a damaged file). */
function checkState(c: Checkpoint, cfg: Config, file: string): void {
  const fail = (what: string): never => {
    throw new UserError(`checkpoint ${file}: inconsistent state (${what})`);
  };
  const { topology, plan } = networkSpec(cfg.model);
  const dims = topology.dims;
  const sizes = dims.slice(0, -1).map((d, l) => d * dims[l + 1]!);
  const s = c.state as unknown as Tree;
  const n = s.next as Tree;
  if (!isObject(n) || !['epoch', 'test', 'done'].includes(n.stage as string)) fail('position');
  const it = n.iteration as number;
  if (!Number.isInteger(it) || it < 1 || it > plan.iterations.length) fail('iteration');
  if (
    !isCount(n.epoch) ||
    !isCount(n.batch) ||
    (n.stage === 'epoch' && ((n.epoch as number) < 1 || (n.epoch as number) > cfg.training.epochs))
  )
    fail('epoch');
  if (!Array.isArray(s.rng) || s.rng.length !== 4 || !s.rng.every((x) => Number.isInteger(x))) fail('random generator');
  if (!isCount(s.progressDone) || typeof s.seconds !== 'number') fail('progress');
  if (!Array.isArray(s.results) || !Array.isArray(s.frozen) || s.frozen.length !== s.results.length) fail('results');
  for (const f of s.frozen as Tree[]) {
    const neg = f?.negative;
    if (
      !isObject(f) ||
      !Number.isInteger(f.weightBits) ||
      !Array.isArray(neg) ||
      neg.length !== sizes.length ||
      !neg.every((a, l) => a instanceof Uint8Array && a.length === Math.ceil(sizes[l]! / 8))
    )
      fail('frozen sub-network');
  }
  const cur = s.current as Tree | null;
  const done = (s.results as unknown[]).length;
  if (n.stage === 'done') {
    if (done < 1) fail('results');
  } else {
    if (done !== it - 1) fail('results');
    const notStarted = n.stage === 'epoch' && n.epoch === 1 && n.batch === 0;
    if (cur === null && !notStarted) fail('current sub-network');
  }
  if (cur !== null && n.stage !== 'done') {
    const shapes = (ws: unknown): boolean =>
      Array.isArray(ws) &&
      ws.length === sizes.length &&
      ws.every((w, l) => w instanceof Int32Array && w.length === sizes[l]);
    if (
      !isObject(cur) ||
      !shapes(cur.weights) ||
      !shapes(cur.bestWeights) ||
      !Array.isArray(cur.curve) ||
      typeof cur.bestError !== 'number'
    )
      fail('current sub-network');
    const midEpoch = n.stage === 'epoch' && (n.batch as number) > 0;
    if (midEpoch && !(cur.order instanceof Int32Array && cur.order.length === cfg.training.trainSamples))
      fail('shuffle order');
  }
  if ((c.kind === 'run') !== (c.simulator !== null)) fail('simulator');
}

/** Checks, before a long run starts, that `dir` is (or can be created as) a writable folder (io/location.ts). */
export const checkWritableDir = checkOutputDir;

// ---------------------------------------------------------------------------------------------

export { describeFsError };

function isObject(x: unknown): x is Tree {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function flatten(t: Tree, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(t)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (isObject(v)) flatten(v, p, out);
    else out[p] = v;
  }
  return out;
}

function show(v: unknown): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}
