/**
 * The one writer of output files. A regular file is written as `<file>.tmp-<pid>[-n]` in the
 * same folder, flushed (fsync, optional) and renamed over `<file>`, so a reader sees the old
 * file or the whole new one, never half of one. A device, FIFO or /dev/stdout is written
 * through instead (io/target.ts): never replaced. A symbolic link's target is written.
 *
 * Temporary files still open are removed when the process exits (an 'exit' handler); one left
 * by a killed process carries its pid in its name.
 */
import * as fs from 'node:fs';
import { resolveTarget } from './target.js';

export interface AtomicFileOptions {
  /** fsync the file before the rename (default false: reports can be written again; checkpoints say true). */
  fsync?: boolean;
  /** Refuse to write through a device or FIFO (default false). */
  regularOnly?: boolean;
}

/** A file being written: write bytes, then commit() (rename into place) or abort() (remove). */
export interface AtomicFile {
  /** The path that is finally written (a symbolic link's target). */
  readonly path: string;
  /** The temporary file (null when writing through a device or FIFO). */
  readonly tempPath: string | null;
  /** Written through (a device, FIFO, /dev/stdout), not replaced. */
  readonly through: boolean;
  write(bytes: Uint8Array | string): void;
  commit(): void;
  abort(): void;
}

const openTemps = new Set<string>();
let exitHandler = false;

function cleanOnExit(): void {
  if (exitHandler) return;
  exitHandler = true;
  process.on('exit', () => {
    for (const t of openTemps) {
      try {
        fs.unlinkSync(t);
      } catch {
        /* gone */
      }
    }
  });
}

/** A temporary name beside `file` that no other writer of this process uses. */
export function tempNameFor(file: string): string {
  let name = `${file}.tmp-${process.pid}`;
  for (let n = 1; openTemps.has(name) || fs.existsSync(name); n++) name = `${file}.tmp-${process.pid}-${n}`;
  return name;
}

/** Opens `file` for writing (see above). File-system errors are thrown as they are. */
export function openAtomicFile(file: string, opts: AtomicFileOptions = {}): AtomicFile {
  const target = resolveTarget(file);
  if (target.kind === 'folder') throw Object.assign(new Error(`${file} is a folder`), { code: 'EISDIR', path: file });
  if (target.kind === 'through') {
    if (opts.regularOnly) {
      throw Object.assign(new Error(`${file} is not a regular file`), { code: 'EINVAL', path: file });
    }
    return openThrough(target.path, target.fifo);
  }
  const tmp = tempNameFor(target.path);
  const fd = fs.openSync(tmp, 'wx');
  openTemps.add(tmp);
  cleanOnExit();
  let done = false;
  const abort = (): void => {
    if (done) return;
    done = true;
    try {
      fs.closeSync(fd);
    } catch {
      /* closed */
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* gone */
    }
    openTemps.delete(tmp);
  };
  return {
    path: target.path,
    tempPath: tmp,
    through: false,
    write(bytes) {
      if (done) throw new Error(`${target.path}: already closed`);
      try {
        writeAll(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
      } catch (e) {
        abort();
        throw e;
      }
    },
    commit() {
      if (done) return;
      try {
        if (opts.fsync) fs.fsyncSync(fd);
        fs.closeSync(fd);
        done = true;
        fs.renameSync(tmp, target.path);
        openTemps.delete(tmp);
      } catch (e) {
        done = false;
        abort();
        throw e;
      }
    },
    abort,
  };
}

/** Writes `data` to `file` in one go (see above); returns the path written. */
export function writeFileAtomic(file: string, data: Uint8Array | string, opts: AtomicFileOptions = {}): string {
  const f = openAtomicFile(file, opts);
  try {
    f.write(data);
    f.commit();
  } finally {
    f.abort();
  }
  return f.path;
}

function openThrough(p: string, fifo: boolean): AtomicFile {
  // A FIFO without a reader: fail at once (ENXIO) instead of blocking forever in open().
  const flags = fs.constants.O_WRONLY | (fifo ? fs.constants.O_NONBLOCK : 0);
  const fd = fs.openSync(p, flags);
  let done = false;
  const close = (): void => {
    if (done) return;
    done = true;
    try {
      fs.closeSync(fd);
    } catch {
      /* closed */
    }
  };
  return {
    path: p,
    tempPath: null,
    through: true,
    write(bytes) {
      writeAll(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
    },
    commit: close,
    abort: close,
  };
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `b` to `fd`, retrying partial writes and EAGAIN (a full non-blocking pipe). */
export function writeAll(fd: number, b: Uint8Array, onError?: (e: NodeJS.ErrnoException) => void): void {
  let off = 0;
  let waits = 0;
  while (off < b.length) {
    try {
      off += fs.writeSync(fd, b, off, b.length - off);
      waits = 0;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EAGAIN') {
        Atomics.wait(sleeper, 0, 0, Math.min(1 + waits++, 20));
        continue;
      }
      onError?.(err);
      throw e;
    }
  }
}
