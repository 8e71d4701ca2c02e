/**
 * Creating folders one level at a time. Node's `mkdirSync(dir, { recursive: true })` never
 * returns for some paths (under /proc it spins at 100 % CPU); this loop always ends, and it
 * tells which folders it created so that a failed command can remove them again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Creates `dir` and its missing parents; returns the folders created, outermost first. */
export function makeDirs(dir: string): string[] {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (st) {
      if (!st.isDirectory()) throw Object.assign(new Error(`${at} is not a folder`), { code: 'ENOTDIR', path: at });
      break;
    }
    missing.push(at);
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  const created: string[] = [];
  try {
    for (const d of missing.reverse()) {
      try {
        fs.mkdirSync(d);
        created.push(d);
      } catch (e) {
        // Another process made it in the meantime: fine when it is a folder.
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(d).isDirectory()) throw e;
      }
    }
  } catch (e) {
    removeEmptyDirs(created);
    throw e;
  }
  return created;
}

/** Removes the folders of `created` (as makeDirs returned them) that are empty, innermost first. */
export function removeEmptyDirs(created: readonly string[]): void {
  for (const d of [...created].reverse()) {
    try {
      fs.rmdirSync(d);
    } catch {
      return; // not empty (someone else wrote there) or already gone: keep the rest
    }
  }
}
