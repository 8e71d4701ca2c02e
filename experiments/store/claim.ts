/**
 * "First writer wins" for a run store shared by concurrent processes (shards of a Slurm array
 * on a network file system): before producing an entry, a process claims it by creating
 * `<entry>.claim` exclusively (O_EXCL, atomic on local file systems and NFSv3+). The others wait
 * for the entry to appear and reuse it. A claim holds who took it (host, pid, time, Slurm job)
 * and its holder touches it every `heartbeatMs` while producing, so a claim is stale, and taken
 * over, when its holder is dead (same host, no such pid) or its file has not been touched for
 * `staleMs` (another host: killed, or its node lost). Entries themselves are written by their
 * store atomically (io/atomic-file.ts), so a process killed mid-write leaves no entry.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { isAlive } from '../../io/lock.js';

export interface ClaimOptions {
  /** How often a waiting process looks again (ms). */
  pollMs?: number;
  /** How often a holder touches its claim (ms). */
  heartbeatMs?: number;
  /** A claim not touched for this long is stale (ms); must be well above heartbeatMs. */
  staleMs?: number;
}

const DEFAULTS: Required<ClaimOptions> = { pollMs: 1000, heartbeatMs: 15_000, staleMs: 120_000 };

interface Holder {
  host: string;
  pid: number;
  started: string;
  token: string;
  job?: string;
}

export interface Claim {
  readonly file: string;
  release(): void;
}

const held = new Map<string, string>();
let exitHandler = false;

function removeHeldOnExit(): void {
  if (exitHandler) return;
  exitHandler = true;
  process.on('exit', () => {
    for (const [file, token] of held) if (readHolder(file)?.token === token) fs.rmSync(file, { force: true });
  });
}

function readHolder(file: string): Holder | null {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
    return typeof h?.pid === 'number' && typeof h.token === 'string' ? h : null;
  } catch {
    return null;
  }
}

/** Whether the claim in `file` (read as `h`, null: unreadable) is stale. */
function isStale(file: string, h: Holder | null, staleMs: number): boolean {
  if (h && h.host === os.hostname()) return !isAlive(h.pid);
  try {
    return Date.now() - fs.statSync(file).mtimeMs > staleMs;
  } catch {
    return false; // gone: the next attempt sees
  }
}

/** Moves a stale claim aside; puts it back when what was moved is not the claim judged stale. */
function takeOver(file: string, stale: Holder | null): void {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return;
  }
  const moved = readHolder(aside);
  if ((moved?.token ?? null) !== (stale?.token ?? null)) {
    try {
      fs.linkSync(aside, file);
    } catch {
      /* a newer claim is there */
    }
  }
  fs.rmSync(aside, { force: true });
}

/** Claims `file`, or returns null when a live holder has it (a stale claim is taken over). */
export function tryClaim(file: string, opts: ClaimOptions = {}): Claim | null {
  const o = { ...DEFAULTS, ...opts };
  const me: Holder = {
    host: os.hostname(),
    pid: process.pid,
    started: new Date().toISOString(),
    token: `${os.hostname()}-${process.pid}-${Math.random().toString(36).slice(2)}`,
    ...(process.env.SLURM_JOB_ID ? { job: process.env.SLURM_JOB_ID } : {}),
  };
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const h = readHolder(file);
    // An unreadable claim may be being written this very moment: judged by its age only.
    if (isStale(file, h, h === null ? Math.min(o.staleMs, 5000) : o.staleMs)) takeOver(file, h);
    return null;
  }
  try {
    fs.writeSync(fd, `${JSON.stringify(me)}\n`);
  } finally {
    fs.closeSync(fd);
  }
  held.set(file, me.token);
  removeHeldOnExit();
  const beat = setInterval(() => {
    const now = new Date();
    try {
      fs.utimesSync(file, now, now);
    } catch {
      /* taken over or removed */
    }
  }, o.heartbeatMs);
  beat.unref();
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      held.delete(file);
      if (readHolder(file)?.token === me.token) fs.rmSync(file, { force: true });
    },
  };
}

export interface OnceSteps<T> {
  /** The entry when it is in the store (undefined: absent). */
  read(): T | undefined;
  /** Produces the entry (e.g. trains the run). */
  produce(): Promise<T>;
  /** Writes the entry atomically. */
  write(value: T): void;
}

/**
 * The entry guarded by `claimFile`: read when present, else produced and written by exactly one
 * of the processes asking for it at once (the others wait for it and read it).
 */
export async function produceOnce<T>(
  claimFile: string,
  steps: OnceSteps<T>,
  opts: ClaimOptions = {},
): Promise<{ value: T; produced: boolean }> {
  const pollMs = opts.pollMs ?? DEFAULTS.pollMs;
  for (;;) {
    const found = steps.read();
    if (found !== undefined) return { value: found, produced: false };
    const claim = tryClaim(claimFile, opts);
    if (claim) {
      try {
        // Its producer may have finished between our read and our claim.
        const again = steps.read();
        if (again !== undefined) return { value: again, produced: false };
        const value = await steps.produce();
        steps.write(value);
        return { value, produced: true };
      } finally {
        claim.release();
      }
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
