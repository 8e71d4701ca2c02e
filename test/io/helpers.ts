/** Shared by the io tests: temporary folders, FIFOs, a full file system when one can be mounted. */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir } from '../temp-dir.js';

export const tempDir = (): string => makeTempDir('rbnn-io-');

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Makes a FIFO at `p`; false when mkfifo is not available. */
export function mkfifo(p: string): boolean {
  try {
    execFileSync('mkfifo', [p], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A tiny tmpfs (64 KiB) mounted at a new folder, or null where mounting is not possible (not
 * root, no mount, a container without the capability): the caller skips the case then.
 */
export function mountTinyTmpfs(options = 'size=64k'): { dir: string; unmount: () => void } | null {
  if (!isRoot || process.platform !== 'linux') return null;
  const dir = tempDir();
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
  if (r.status !== 0) return null;
  return {
    dir,
    unmount: () => {
      spawnSync('umount', [dir], { stdio: 'ignore' });
    },
  };
}

/** Every entry under `dir` (files and folders, hidden ones too), relative, sorted. */
export function entries(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => f.split(path.sep).join('/')).sort();
}

/** The pid of a process that has exited (for stale locks). */
export function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}
