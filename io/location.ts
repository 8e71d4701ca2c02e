/**
 * Checking an output location before any work is done, so that a long run never fails (or
 * hangs) at its end because of where it was asked to write. Nothing is created by a check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../config/errors.js';
import { describeFsError } from './fs-error.js';
import { resolveTarget, type Target } from './target.js';

/**
 * Checks that `dir` is (or can be created as) a writable folder: its nearest existing ancestor
 * must be a folder in which a probe folder can be created (and is removed at once; permission
 * bits alone do not tell, e.g. for root, a read-only mount or /proc). UserError naming `what`
 * and `dir` otherwise.
 */
export function checkOutputDir(dir: string, what: string): void {
  const target = path.resolve(dir);
  let at = target;
  for (;;) {
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new UserError(`cannot write ${what} in ${dir}: ${describeFsError(e)}`);
    }
    if (st) {
      if (!st.isDirectory()) {
        const which = at === target ? 'it is a file, not a folder' : `${at} is a file, not a folder`;
        throw new UserError(`cannot write ${what} in ${dir}: ${which}`);
      }
      try {
        fs.rmdirSync(fs.mkdtempSync(path.join(at, '.rbnn-sim-probe-')));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'nothing can be created there' : describeFsError(e);
        throw new UserError(`cannot write ${what} in ${dir}: ${at === target ? '' : `${at}: `}${why}`);
      }
      return;
    }
    const up = path.dirname(at);
    if (up === at) throw new UserError(`cannot write ${what} in ${dir}: no such folder`);
    at = up;
  }
}

export interface FileCheckOptions {
  /** The file's folder may be missing (it is created when the file is written). Default false. */
  createParents?: boolean;
}

/**
 * Checks that `file` can be written: a device, FIFO or /dev/stdout is written through (it must
 * be writable), a symbolic link stands for its target, a folder is refused, and a regular file
 * (or a new one) needs a writable folder.
 */
export function checkOutputFile(file: string, what: string, opts: FileCheckOptions = {}): void {
  let t: Target;
  try {
    t = resolveTarget(file);
  } catch (e) {
    throw new UserError(`cannot write ${what} ${file}: ${describeFsError(e)}`);
  }
  if (t.kind === 'folder') throw new UserError(`cannot write ${what} ${file}: it is a folder`);
  if (t.kind === 'through') {
    if (t.fifo) return; // opened without blocking when written; a missing reader is said then
    try {
      fs.accessSync(t.path, fs.constants.W_OK);
    } catch (e) {
      throw new UserError(`cannot write ${what} ${file}: ${describeFsError(e)}`);
    }
    return;
  }
  const dir = path.dirname(t.path);
  if (!opts.createParents && !isDir(dir)) {
    const why = fs.existsSync(dir) ? `${dir} is a file, not a folder` : `folder ${dir} does not exist`;
    throw new UserError(`cannot write ${what} ${file}: ${why}`);
  }
  checkOutputDir(dir, `${what} ${file}`.trim());
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
