/**
 * An output set: the files one command writes into one folder (a run's report.json and
 * report.md; a sweep's sweep.json, sweep.csv, summary.md and plots), all or nothing.
 *
 *   const out = OutputSet.open(dir, { what: 'sweep outputs', command: 'rbnn-sim sweep' }); // before any work
 *   try { out.write('sweep.csv', csv); ...; out.commit(); } finally { out.abort(); }
 *
 * open() checks the location (io/location.ts), creates the folder (one level at a time: no
 * hang), takes its lock (io/lock.ts) and makes a staging folder inside it. write() puts files
 * in the staging folder; commit() renames them into the folder (renames in one file system do
 * not need space, so a full disk fails in write(), before anything is replaced), removes what
 * was asked with remove(), the staging folder and the lock. abort() removes the staging folder,
 * the lock, and the folders open() created if they are still empty: a failed command leaves
 * nothing behind. Staging folders of dead processes are removed by the next open().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDirs, removeEmptyDirs } from './dirs.js';
import { writeFailure, writing } from './fs-error.js';
import { checkOutputDir } from './location.js';
import { isAlive, lockFolder, type FolderLock } from './lock.js';
import { resolveTarget } from './target.js';
import { openAtomicFile } from './atomic-file.js';

export interface OutputSetOptions {
  /** What is written, for messages ("report files", "sweep outputs"). */
  what: string;
  /** Who holds the folder's lock, for the message a second command prints ("rbnn-sim run"). */
  command: string;
}

const STAGING_PREFIX = '.rbnn-sim-staging-';
const openSets = new Set<OutputSet>();
let exitHandler = false;

export class OutputSet {
  private staged = new Map<string, string>();
  private removals = new Set<string>();
  private finished = false;

  private constructor(
    readonly dir: string,
    private readonly opts: OutputSetOptions,
    private readonly created: string[],
    private readonly lock: FolderLock,
    private readonly staging: string,
  ) {}

  /** Checks `dir`, creates it, locks it and prepares the staging folder (see above). */
  static open(dir: string, opts: OutputSetOptions): OutputSet {
    checkOutputDir(dir, opts.what);
    const where = `${opts.what} in ${dir}`;
    const created = writing(where, () => makeDirs(dir));
    let lock: FolderLock | null = null;
    try {
      lock = writing(where, () => lockFolder(dir, opts.command));
      removeDeadStaging(dir);
      const staging = writing(where, () => fs.mkdtempSync(path.join(dir, `${STAGING_PREFIX}${process.pid}-`)));
      const set = new OutputSet(dir, opts, created, lock, staging);
      openSets.add(set);
      cleanOnExit();
      return set;
    } catch (e) {
      lock?.release();
      removeEmptyDirs(created);
      throw e;
    }
  }

  /** Final path of `name` in the folder. */
  pathOf(name: string): string {
    return path.join(this.dir, name);
  }

  /** Stages `name` (a file name in the folder) with `data`. */
  write(name: string, data: string | Uint8Array): void {
    this.live();
    const file = path.join(this.staging, name);
    writing(`${this.opts.what} in ${this.dir} (${name})`, () => fs.writeFileSync(file, data));
    this.staged.set(name, file);
    this.removals.delete(name);
  }

  /** Removes `name` from the folder at commit (a file of an earlier run this one does not write). */
  remove(name: string): void {
    this.live();
    if (!this.staged.has(name)) this.removals.add(name);
  }

  /** Moves the staged files into the folder; releases the lock. Returns the final paths. */
  commit(): string[] {
    this.live();
    const written: string[] = [];
    try {
      for (const [name, staged] of this.staged) {
        const final = this.pathOf(name);
        writing(`${this.opts.what} ${final}`, () => place(staged, final));
        written.push(final);
      }
      for (const name of this.removals) fs.rmSync(this.pathOf(name), { force: true });
    } catch (e) {
      this.abort();
      throw writeFailure(`${this.opts.what} in ${this.dir}`, e);
    }
    this.finish(false);
    return written;
  }

  /** Drops the staged files, releases the lock, removes the folders open() created if empty. No-op after commit(). */
  abort(): void {
    if (this.finished) return;
    this.finish(true);
  }

  private finish(failed: boolean): void {
    this.finished = true;
    openSets.delete(this);
    fs.rmSync(this.staging, { recursive: true, force: true });
    this.lock.release();
    if (failed) removeEmptyDirs(this.created);
  }

  private live(): void {
    if (this.finished) throw new Error(`output set ${this.dir} already finished`);
  }
}

/** Puts a staged file at `final`: a rename, or for a link to elsewhere or a device, a write of its bytes. */
function place(staged: string, final: string): void {
  const t = resolveTarget(final);
  if (t.kind === 'file' && t.path === final) {
    fs.renameSync(staged, final);
    return;
  }
  const f = openAtomicFile(final);
  try {
    f.write(fs.readFileSync(staged));
    f.commit();
  } finally {
    f.abort();
  }
}

/** Removes staging folders that processes no longer alive left in `dir` (killed with SIGKILL). */
function removeDeadStaging(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = new RegExp(`^${STAGING_PREFIX.replace(/\./g, '\\.')}(\\d+)-`).exec(n);
    if (m && !isAlive(Number(m[1]))) fs.rmSync(path.join(dir, n), { recursive: true, force: true });
  }
}

function cleanOnExit(): void {
  if (exitHandler) return;
  exitHandler = true;
  process.on('exit', () => {
    for (const s of openSets) s.abort();
  });
}
