/**
 * A lock on an output folder, so that two commands never write into one folder at once (the
 * last writer would win the reports and each would overwrite the other's checkpoint).
 *
 * The lock is a file `.rbnn-sim.lock` in the folder, created exclusively (O_EXCL), holding who
 * took it: pid, host, command, time. A second command is refused with one line naming the
 * holder. A lock whose process is dead (same host, no such pid) is stale and taken over: it is
 * renamed away (only one taker can win that rename) and the lock is created again.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../config/errors.js';

export const LOCK_FILE = '.rbnn-sim.lock';

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  started: string;
}

export interface FolderLock {
  readonly file: string;
  release(): void;
}

const held = new Set<string>();
let exitHandler = false;

/** Whether process `pid` of this host is alive (EPERM: alive, another user's). */
export function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    return typeof h?.pid === 'number' ? h : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock of `dir` (which must exist) for `command`. UserError naming the holder when
 * another live command holds it.
 */
export function lockFolder(dir: string, command: string): FolderLock {
  const file = path.join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: os.hostname(), command, started: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const h = readHolder(file);
      if (h === null) {
        // Being written by its taker this very moment, or damaged: look again, then take it over.
        if (attempt < 2) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
          continue;
        }
      } else if (h.host !== me.host || isAlive(h.pid)) {
        const who = `${h.command} (pid ${h.pid} on ${h.host}, since ${h.started})`;
        throw new UserError(
          `output folder ${dir} is in use by ${who}; ` +
            `wait for it to finish or choose another folder (a stale lock is ${file})`,
        );
      }
      takeOver(file, h);
      continue;
    }
    try {
      fs.writeSync(fd, `${JSON.stringify(me)}\n`);
    } catch (e) {
      // A full disk: the lock cannot say who holds it, so there is no lock (and no empty file left).
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      throw e;
    }
    fs.closeSync(fd);
    held.add(file);
    releaseOnExit();
    let released = false;
    return {
      file,
      release() {
        if (released) return;
        released = true;
        held.delete(file);
        const h = readHolder(file);
        if (h && h.pid === me.pid && h.started === me.started) fs.rmSync(file, { force: true });
      },
    };
  }
  throw new UserError(
    `output folder ${dir}: could not take its lock ${file}; ` + 'remove it if no rbnn-sim command runs there',
  );
}

/**
 * Moves the stale lock `stale` out of the way. When another taker replaced it in the meantime,
 * what was moved is that taker's live lock: it is put back (link, which fails if yet another
 * lock is there) and this attempt starts over.
 */
function takeOver(file: string, stale: LockHolder | null): void {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // someone else took it over: look again
  }
  const moved = readHolder(aside);
  const same =
    moved === null ? stale === null : stale !== null && moved.pid === stale.pid && moved.started === stale.started;
  if (!same) {
    try {
      fs.linkSync(aside, file);
    } catch {
      /* another lock is there already */
    }
  }
  fs.rmSync(aside, { force: true });
}

function releaseOnExit(): void {
  if (exitHandler) return;
  exitHandler = true;
  process.on('exit', () => {
    for (const f of held) {
      const h = readHolder(f);
      if (h?.pid === process.pid) fs.rmSync(f, { force: true });
    }
  });
}
