/**
 * Trace output: bytes streamed to a file or standard output in constant memory.
 *
 * - Writes are synchronous (fs.writeSync) in large chunks (formats fill a 1 MiB LineBuffer):
 *   the simulator calls its sink synchronously, and a blocking write is the simplest
 *   backpressure there is (memory never grows past one chunk, whatever the disk's speed).
 *   Partial writes and EAGAIN (a non-blocking pipe) are retried.
 * - gzip (`gzip: true`, or a file name ending in .gz): one gzip member, each chunk
 *   deflated independently (raw deflate, sync flush) and concatenated; CRC-32 and size in the
 *   trailer. Any gunzip reads it.
 * - Atomic completion: a file is written as `<file>.tmp-<pid>` and renamed to `<file>` by
 *   close(). abort() (on an error) removes the temporary file; so does an 'exit' handler, and,
 *   when the process is killed outright (Ctrl-C, SIGTERM, SIGKILL), a small detached janitor
 *   (`sh`, one per open file) that waits on a pipe from this process and removes the temporary
 *   file when the pipe closes without the file having been completed. An interrupted run never
 *   leaves a file under the final name.
 * - Standard output (`file` null or '-'): when the reader goes away (`| head`), the write fails
 *   with EPIPE and a BrokenPipeError is thrown; commands catch it and exit quietly with code 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as zlib from 'node:zlib';
import { openAtomicFile, writeAll, type AtomicFile } from '../io/atomic-file.js';
import { writeFailure } from '../io/fs-error.js';
import { checkOutputFile } from '../io/location.js';
import { resolveTarget } from '../io/target.js';
import { UserError } from '../config/errors.js';

/** The reader of standard output went away (EPIPE). */
export class BrokenPipeError extends Error {
  override readonly name = 'BrokenPipeError';
  readonly code = 'EPIPE';
  constructor() {
    super('standard output closed (EPIPE)');
  }
}

export function isBrokenPipe(e: unknown): boolean {
  return e instanceof BrokenPipeError || (e as { code?: string } | null)?.code === 'EPIPE';
}

export interface OutputOptions {
  /** File to write; null or '-': standard output. */
  file: string | null;
  /** gzip the bytes (also implied by a file name ending in .gz). */
  gzip?: boolean;
  /** zlib level 1..9 (default 1: traces are repetitive and compress well even at level 1). */
  gzipLevel?: number;
  /** fsync the file before renaming it (default true). */
  fsync?: boolean;
  /** Start a janitor process that removes the temporary file if this process is killed (default true). */
  janitor?: boolean;
}

export interface TraceOutput {
  /** Final file name; null for standard output. */
  readonly file: string | null;
  /** Temporary file being written (null for standard output). */
  readonly tempFile: string | null;
  readonly gzip: boolean;
  /** Bytes written to the file or stdout (after compression). */
  readonly bytesOut: number;
  /** Writes a chunk synchronously; the caller may reuse `chunk` afterwards. */
  write(chunk: Uint8Array): void;
  /** Finishes the output: gzip trailer, fsync, rename. */
  close(): void;
  /** Abandons the output: a temporary file is removed. Safe to call more than once, or after close(). */
  abort(): void;
}

export function isStdout(file: string | null | undefined): boolean {
  return file === null || file === undefined || file === '' || file === '-';
}

/**
 * Temporary name of a trace file being written (io/atomic-file.ts; a second writer of the same file in
 * this process adds -n).
 */
export function tempName(file: string): string {
  return `${file}.tmp-${process.pid}`;
}

export function openOutput(opts: OutputOptions): TraceOutput {
  const toStdout = isStdout(opts.file);
  const gzip = opts.gzip === true || (!toStdout && /\.gz$/i.test(opts.file!));
  const level = opts.gzipLevel ?? 1;
  // A regular file: written beside and renamed (io/atomic-file.ts); a device, FIFO or
  // /dev/stdout: written through, never replaced.
  let file: AtomicFile | null = null;
  let janitor: ChildProcess | null = null;
  if (!toStdout) {
    const name = opts.file!;
    try {
      checkOutputFile(name, 'trace file');
      if (gzip && !/\.gz$/i.test(name) && resolveTarget(name).kind === 'file') {
        throw new UserError(
          `traces.gzip (--gzip): the trace file ${name} would hold gzip under a plain name, which trace ` +
            `readers (DRAMSim3, Ramulator) take for text; name it ${name}.gz`,
        );
      }
      file = openAtomicFile(name, { fsync: opts.fsync !== false });
    } catch (e) {
      throw writeFailure(`trace file ${name}`, e);
    }
    if (file.tempPath && opts.janitor !== false) janitor = startJanitor(file.tempPath);
  }

  let bytesOut = 0;
  let done = false;
  const raw = (b: Uint8Array): void => {
    if (file) {
      try {
        file.write(b);
      } catch (e) {
        if (file.through && (e as NodeJS.ErrnoException).code === 'EPIPE') throw new BrokenPipeError();
        throw writeFailure(`trace file ${opts.file}`, e);
      }
    } else {
      writeAll(1, b, (e) => {
        if (e.code === 'EPIPE') throw new BrokenPipeError();
      });
    }
    bytesOut += b.length;
  };
  let crc = 0;
  let isize = 0;
  if (gzip) raw(GZIP_HEADER);

  const release = (): void => {
    if (janitor) {
      try {
        janitor.kill('SIGKILL');
      } catch {
        /* already gone */
      }
      janitor = null;
    }
  };

  const abort = (): void => {
    file?.abort();
    done = true;
    release();
  };

  return {
    file: toStdout ? null : opts.file!,
    tempFile: file?.tempPath ?? null,
    gzip,
    get bytesOut() {
      return bytesOut;
    },
    write(chunk: Uint8Array): void {
      if (done) throw new Error('trace output already closed');
      if (chunk.length === 0) return;
      if (!gzip) {
        raw(chunk);
        return;
      }
      crc = zlib.crc32(chunk, crc);
      isize = (isize + chunk.length) >>> 0;
      raw(zlib.deflateRawSync(chunk, { level, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
    },
    close(): void {
      if (done) return;
      try {
        if (gzip) {
          const tail = new Uint8Array(10);
          tail[0] = 0x03;
          tail[1] = 0x00; // final, empty fixed-Huffman block
          const dv = new DataView(tail.buffer);
          dv.setUint32(2, crc >>> 0, true);
          dv.setUint32(6, isize, true);
          raw(tail);
        }
        if (file) {
          release(); // the janitor must not remove the file being renamed into place
          try {
            file.commit();
          } catch (e) {
            throw writeFailure(`trace file ${opts.file}`, e);
          }
        }
        done = true;
        release();
      } catch (e) {
        abort();
        throw e;
      }
    },
    abort,
  };
}

/** gzip member header: magic, deflate, no flags, mtime 0, no extra flags, OS unknown. */
const GZIP_HEADER = Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

/**
 * A detached `sh` that blocks reading a pipe from this process; when the pipe closes (this
 * process ended, however it ended) it removes `tmp` if it is still there. close() kills it
 * (SIGKILL) before renaming, so a completed file is never touched. Best effort: without `sh`
 * the 'exit' handler and the temporary name remain.
 */
function startJanitor(tmp: string): ChildProcess | null {
  try {
    const child = spawn('sh', ['-c', 'while read -r _; do :; done; rm -f -- "$1"', 'rbnn-sim-trace-janitor', tmp], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    child.on('error', () => {
      /* no sh: best effort */
    });
    child.stdin?.on('error', () => {
      /* janitor gone */
    });
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return child;
  } catch {
    return null;
  }
}
