import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAtomicFile, writeFileAtomic } from '../../io/atomic-file.js';
import { resolveTarget } from '../../io/target.js';
import { checkOutputFile } from '../../io/location.js';
import { entries, isRoot, mkfifo, tempDir } from './helpers.js';

describe('writeFileAtomic', () => {
  it('replaces a regular file through a temporary file and leaves nothing else', () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.txt');
    fs.writeFileSync(file, 'old');
    const f = openAtomicFile(file);
    f.write('new text');
    expect(fs.readFileSync(file, 'utf8')).toBe('old'); // not yet
    expect(f.tempPath).toBe(`${file}.tmp-${process.pid}`);
    f.commit();
    expect(fs.readFileSync(file, 'utf8')).toBe('new text');
    expect(entries(dir)).toEqual(['a.txt']);
  });

  it('abort() removes the temporary file and keeps the old one', () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.txt');
    fs.writeFileSync(file, 'old');
    const f = openAtomicFile(file);
    f.write('half');
    f.abort();
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(entries(dir)).toEqual(['a.txt']);
  });

  it('two writers of one file in one process use different temporary files', () => {
    const file = path.join(tempDir(), 'x');
    const a = openAtomicFile(file);
    const b = openAtomicFile(file);
    expect(a.tempPath).not.toBe(b.tempPath);
    a.write('a');
    b.write('b');
    a.commit();
    b.commit();
    expect(fs.readFileSync(file, 'utf8')).toBe('b');
  });

  it('writes the target of a symbolic link; the link stays a link', () => {
    const dir = tempDir();
    const target = path.join(dir, 'real.json');
    const link = path.join(dir, 'link.json');
    fs.writeFileSync(target, 'old');
    fs.symlinkSync('real.json', link);
    writeFileAtomic(link, 'new');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toBe('new');
    // A dangling link: its target is created.
    const dangling = path.join(dir, 'dangling');
    fs.symlinkSync('later.txt', dangling);
    writeFileAtomic(dangling, 'made');
    expect(fs.lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'later.txt'), 'utf8')).toBe('made');
  });

  it('writes through /dev/null (a character device) and never replaces it', () => {
    const before = fs.statSync('/dev/null');
    expect(resolveTarget('/dev/null').kind).toBe('through');
    writeFileAtomic('/dev/null', 'discarded');
    const after = fs.statSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.ino).toBe(before.ino);
    expect(fs.readdirSync('/dev').some((f) => f.startsWith('null.tmp-'))).toBe(false);
  });

  it('/dev/stdout and /proc/self/fd/N are written through, not resolved to what they point at', () => {
    expect(resolveTarget('/dev/stdout').kind).toBe('through');
    expect(resolveTarget('/proc/self/fd/1').kind).toBe('through');
  });

  it('writes through a FIFO to its reader and leaves the FIFO in place', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'pipe');
    if (!mkfifo(fifo)) return; // no mkfifo on this system
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (b) => {
      got += String(b);
    });
    const closed = new Promise((r) => reader.on('close', r));
    // The reader needs a moment to open its end; until then open() says ENXIO.
    for (let i = 0; ; i++) {
      try {
        writeFileAtomic(fifo, 'through the pipe\n');
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENXIO' || i > 200) throw e;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    await closed;
    expect(got).toBe('through the pipe\n');
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
    expect(entries(dir)).toEqual(['pipe']);
  });

  it('a FIFO without a reader fails at once (ENXIO), it does not block', () => {
    const fifo = path.join(tempDir(), 'pipe');
    if (!mkfifo(fifo)) return;
    const t0 = Date.now();
    expect(() => writeFileAtomic(fifo, 'x')).toThrow(expect.objectContaining({ code: 'ENXIO' }));
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('refuses a folder', () => {
    const dir = tempDir();
    expect(() => writeFileAtomic(dir, 'x')).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });
});

describe('checkOutputFile', () => {
  it('accepts new files in existing folders, devices and links; refuses folders and missing folders', () => {
    const dir = tempDir();
    expect(() => checkOutputFile(path.join(dir, 'new.csv'), 'trace file')).not.toThrow();
    expect(() => checkOutputFile('/dev/null', 'trace file')).not.toThrow();
    expect(() => checkOutputFile(dir, 'trace file')).toThrow(/^cannot write trace file .*: it is a folder$/);
    expect(() => checkOutputFile(path.join(dir, 'no/such/x.csv'), 'trace file')).toThrow(/folder .* does not exist$/);
    expect(() => checkOutputFile(path.join(dir, 'no/such/x.csv'), 'report', { createParents: true })).not.toThrow();
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, '');
    expect(() => checkOutputFile(path.join(file, 'x.csv'), 'trace file')).toThrow(/is a file, not a folder$/);
    expect(() => checkOutputFile('/proc/x', 'trace file')).toThrow(/^cannot write trace file \/proc\/x: /);
    expect(entries(dir)).toEqual(['f']);
  });

  it.runIf(!isRoot)('refuses a read-only folder (as a normal user)', () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o555);
    try {
      expect(() => checkOutputFile(path.join(dir, 'x'), 'report')).toThrow(/permission denied/);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  });
});
