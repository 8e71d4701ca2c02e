import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputSet } from '../../io/output-set.js';
import { lockFolder, LOCK_FILE } from '../../io/lock.js';
import { makeDirs } from '../../io/dirs.js';
import { checkOutputDir } from '../../io/location.js';
import { isUserError } from '../../config/errors.js';
import { deadPid, entries, isRoot, mountTinyTmpfs, tempDir } from './helpers.js';

const opts = { what: 'test files', command: 'rbnn-sim test' };

describe('OutputSet', () => {
  it('stages files and moves them all into the folder on commit; nothing else remains', () => {
    const root = tempDir();
    const dir = path.join(root, 'a/b');
    const out = OutputSet.open(dir, opts);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true);
    out.write('one.txt', '1');
    out.write('two.txt', '2');
    expect(fs.existsSync(path.join(dir, 'one.txt'))).toBe(false); // staged, not yet in place
    const files = out.commit();
    expect(files).toEqual([path.join(dir, 'one.txt'), path.join(dir, 'two.txt')]);
    expect(entries(dir)).toEqual(['one.txt', 'two.txt']);
  });

  it('abort() leaves nothing: no staging, no lock, and the folders it created are removed', () => {
    const root = tempDir();
    const out = OutputSet.open(path.join(root, 'new/deeper'), opts);
    out.write('x.txt', 'x');
    out.abort();
    expect(entries(root)).toEqual([]);
  });

  it('abort() keeps a folder that existed, and its files; remove() deletes only at commit', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'old.svg'), 'old');
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'keep');
    const a = OutputSet.open(dir, opts);
    a.remove('old.svg');
    a.abort();
    expect(entries(dir)).toEqual(['keep.txt', 'old.svg']);
    const b = OutputSet.open(dir, opts);
    b.write('new.txt', 'n');
    b.remove('old.svg');
    b.commit();
    expect(entries(dir)).toEqual(['keep.txt', 'new.txt']);
  });

  it('a second set on a locked folder is refused, naming the holder; the first completes', () => {
    const dir = tempDir();
    const first = OutputSet.open(dir, opts);
    let msg = '';
    try {
      OutputSet.open(dir, { what: 'test files', command: 'rbnn-sim other' });
    } catch (e) {
      expect(isUserError(e)).toBe(true);
      msg = (e as Error).message;
    }
    expect(msg).toMatch(new RegExp(`^output folder .* is in use by rbnn-sim test \\(pid ${process.pid} on `));
    first.write('r.txt', 'r');
    first.commit();
    expect(entries(dir)).toEqual(['r.txt']);
  });

  it("a stale lock (its process is dead) and a dead process's staging folder are taken over", () => {
    const dir = tempDir();
    const pid = deadPid();
    fs.writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid, host: os.hostname(), command: 'rbnn-sim run', started: 'then' }),
    );
    fs.mkdirSync(path.join(dir, `.rbnn-sim-staging-${pid}-abc`));
    fs.writeFileSync(path.join(dir, `.rbnn-sim-staging-${pid}-abc`, 'report.json'), 'half');
    const out = OutputSet.open(dir, opts);
    out.write('report.json', '{}');
    out.commit();
    expect(entries(dir)).toEqual(['report.json']);
  });

  it('a lock of another host is never taken over', () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: deadPid(), host: 'elsewhere', command: 'rbnn-sim run', started: 'then' }),
    );
    expect(() => lockFolder(dir, 'rbnn-sim run')).toThrow(/in use by rbnn-sim run \(pid \d+ on elsewhere/);
  });

  it('refuses bad locations before creating anything: file as folder, folder under a file, /proc', () => {
    const root = tempDir();
    const file = path.join(root, 'f');
    fs.writeFileSync(file, '');
    expect(() => OutputSet.open(file, opts)).toThrow(/^cannot write test files in .*: it is a file, not a folder$/);
    expect(() => OutputSet.open(path.join(file, 'sub'), opts)).toThrow(/is a file, not a folder$/);
    expect(() => OutputSet.open('/proc/rbnn-sim-x/y', opts)).toThrow(
      /^cannot write test files in \/proc\/rbnn-sim-x\/y: /,
    );
    expect(entries(root)).toEqual(['f']);
  });

  it("makeDirs and checkOutputDir end at once under /proc (Node's recursive mkdir spins there)", () => {
    expect(() => makeDirs('/proc/rbnn-sim-x/y')).toThrow();
    expect(() => checkOutputDir('/proc/rbnn-sim-x', 'x')).toThrow(/nothing can be created there|permission denied/);
  });

  it('a full disk fails in write(), one line naming the folder, and leaves nothing behind', (ctx) => {
    const fsys = mountTinyTmpfs();
    if (!fsys) {
      ctx.skip();
      return;
    }
    try {
      const dir = path.join(fsys.dir, 'out');
      const out = OutputSet.open(dir, opts);
      out.write('small.txt', 'ok');
      let err: unknown;
      try {
        out.write('big.bin', new Uint8Array(1 << 20));
      } catch (e) {
        err = e;
      } finally {
        out.abort();
      }
      expect(isUserError(err)).toBe(true);
      expect((err as Error).message).toMatch(
        /^cannot write test files in .*out \(big\.bin\): no space left on the device$/,
      );
      expect(entries(fsys.dir)).toEqual([]);
    } finally {
      fsys.unmount();
    }
  });

  it('a read-only file system is refused before any work', (ctx) => {
    const fsys = isRoot ? mountTinyTmpfs('size=64k,ro') : null;
    if (!fsys) {
      ctx.skip();
      return;
    }
    try {
      expect(() => OutputSet.open(path.join(fsys.dir, 'out'), opts)).toThrow(/read-only file system/);
    } finally {
      fsys.unmount();
    }
  });
});
