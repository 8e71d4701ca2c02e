/**
 * What writing to a path means. A regular file (or a new one) is replaced atomically: written
 * beside it and renamed over it. Anything else that can be opened for writing (a character
 * device such as /dev/null, a FIFO, /dev/stdout, /proc/self/fd/N) is written through: renaming
 * over it would destroy the device node or cut the pipe. A symbolic link stands for its target:
 * the target is written (atomically if it is a regular file), the link stays.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Target =
  | { kind: 'file'; path: string }
  | { kind: 'through'; path: string; fifo: boolean }
  | { kind: 'folder'; path: string };

/** Paths under which names stand for devices or other processes' streams: never replaced. */
function isPseudoPath(p: string): boolean {
  return /^\/(dev|proc)(\/|$)/.test(p);
}

/** How `file` is written (see above). Throws the file system's error for a broken path. */
export function resolveTarget(file: string): Target {
  let p = path.resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return isPseudoPath(p) ? through(p, false) : { kind: 'file', path: p };
    }
    if (st.isSymbolicLink()) {
      // /dev/stdout -> /proc/self/fd/1 -> (a pipe, a terminal, or the file stdout was sent to)
      if (isPseudoPath(p)) return through(path.resolve(file), isFifo(p));
      p = path.resolve(path.dirname(p), fs.readlinkSync(p));
      continue;
    }
    if (st.isDirectory()) return { kind: 'folder', path: p };
    if (st.isFile() && !isPseudoPath(p)) return { kind: 'file', path: p };
    return through(p, st.isFIFO());
  }
  throw Object.assign(new Error(`too many symbolic links: ${file}`), { code: 'ELOOP', path: file });
}

function through(p: string, fifo: boolean): Target {
  return { kind: 'through', path: p, fifo };
}

function isFifo(p: string): boolean {
  try {
    return fs.statSync(p).isFIFO();
  } catch {
    return false;
  }
}
