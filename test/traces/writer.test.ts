/** Trace writers: atomic completion, gzip, temporary files removed on failure, EPIPE on stdout. */
import { DRAMSIM3_SENTINEL } from '../../traces/formats/dramsim3.js';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../config/errors.js';
import { openTrace } from '../../traces/session.js';
import { openOutput, tempName } from '../../traces/writer.js';
import { ev, NODE_TSX, tempDir } from './helpers.js';

const HW = { clockRatio: 1, burstBits: 512 };
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'write-trace.ts');

function child(args: string[], opts: { input?: string } = {}) {
  return spawnSync(NODE_TSX[0]!, [...NODE_TSX.slice(1), FIXTURE, ...args], { encoding: 'utf8', ...opts });
}

function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () =>
      cond() ? resolve() : Date.now() - t0 > ms ? reject(new Error('timed out')) : setTimeout(tick, 20);
    tick();
  });
}

describe('atomic completion', () => {
  it('writes <file>.tmp-<pid> and renames it to <file> on close', () => {
    const file = path.join(tempDir(), 'a.trace');
    const t = openTrace({ format: 'ramulator', file, window: 'all' }, HW);
    t.sink.access(ev({ address: 64 }));
    expect(fs.existsSync(tempName(file))).toBe(true);
    expect(tempName(file)).toBe(`${file}.tmp-${process.pid}`);
    expect(fs.existsSync(file)).toBe(false);
    t.close();
    expect(fs.existsSync(tempName(file))).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('0x40 R\n');
  });

  it('replaces an existing file only when complete', () => {
    const file = path.join(tempDir(), 'b.trace');
    fs.writeFileSync(file, 'old\n');
    const t = openTrace({ format: 'ramulator', file, window: 'all' }, HW);
    t.sink.access(ev({ address: 128, write: true }));
    t.abort();
    expect(fs.readFileSync(file, 'utf8')).toBe('old\n');
    expect(fs.existsSync(tempName(file))).toBe(false);
    const t2 = openTrace({ format: 'ramulator', file, window: 'all' }, HW);
    t2.sink.access(ev({ address: 128, write: true }));
    t2.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('0x80 W\n');
  });

  it('abort() removes the temporary file; close() after abort fails; abort() after close is harmless', () => {
    const file = path.join(tempDir(), 'c.trace');
    const t = openTrace({ format: 'csv', file, window: 'all' }, HW);
    t.abort();
    expect(fs.readdirSync(path.dirname(file))).toEqual([]);
    expect(() => t.close()).toThrow(/aborted/);
    const t2 = openTrace({ format: 'csv', file, window: 'all' }, HW);
    t2.close();
    t2.abort();
    expect(fs.existsSync(file)).toBe(true);
  });

  it('a missing folder is a UserError before anything is simulated', () => {
    expect(() => openTrace({ format: 'csv', file: '/nonexistent-dir/x.csv', window: 'all' }, HW)).toThrow(UserError);
    expect(() => openTrace({ format: 'csv', file: '/nonexistent-dir/x.csv', window: 'all' }, HW)).toThrow(
      /folder .* does not exist/,
    );
  });

  it.each([
    ['throw', 1],
    ['exit', 3],
  ])('a process that fails (%s) leaves no file and no temporary file', (mode, code) => {
    const dir = tempDir();
    const file = path.join(dir, 'd.trace');
    const r = child([file, 'dramsim3', '3000000', mode]);
    expect(r.status).toBe(code);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGKILL'] as const)(
    'a process killed by %s mid-trace leaves no file and no temporary file (janitor)',
    async (sig) => {
      const dir = tempDir();
      const file = path.join(dir, 'e.trace');
      const p = spawn(NODE_TSX[0]!, [...NODE_TSX.slice(1), FIXTURE, file, 'dramsim3', '200000', 'hang'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      p.stdout.on('data', (d) => {
        out += d;
      });
      await waitFor(() => out.includes('ready'));
      const tmp = fs.readdirSync(dir);
      expect(tmp).toHaveLength(1);
      expect(tmp[0]).toMatch(/^e\.trace\.tmp-\d+$/);
      expect(fs.statSync(path.join(dir, tmp[0]!)).size).toBeGreaterThan(1000);
      const exited = new Promise((r) => p.on('exit', r));
      p.kill(sig);
      await exited;
      await waitFor(() => fs.readdirSync(dir).length === 0);
      expect(fs.readdirSync(dir)).toEqual([]);
    },
  );

  it('a completed run leaves the file even after the janitor has gone', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'f.trace');
    const r = child([file, 'ramulator', '1000', 'complete']);
    expect(r.status).toBe(0);
    await new Promise((res) => setTimeout(res, 200));
    expect(fs.readdirSync(dir)).toEqual(['f.trace']);
    expect(fs.readFileSync(file, 'utf8').split('\n')).toHaveLength(1001);
  });
});

describe('gzip', () => {
  const N = 300000; // several 1 MiB chunks
  const expected = Array.from(
    { length: N },
    (_, i) => `0x${(i * 64).toString(16)} ${(i & 3) === 0 ? 'WRITE' : 'READ'} ${i}\n`,
  ).join('');

  it('by .gz extension: round-trips through zlib.gunzipSync and gunzip(1), one gzip member', () => {
    const file = path.join(tempDir(), 'g.trace.gz');
    const r = child([file, 'dramsim3', String(N), 'complete']);
    expect(r.status).toBe(0);
    const gz = fs.readFileSync(file);
    expect(gz[0]).toBe(0x1f);
    expect(gz[1]).toBe(0x8b);
    // A DRAMSim3 trace ends with the line DRAMSim3 never injects (traces/formats/dramsim3.ts).
    const ended = expected + DRAMSIM3_SENTINEL;
    expect(zlib.gunzipSync(gz).toString()).toBe(ended);
    expect(execFileSync('gunzip', ['-c', file], { maxBuffer: 1 << 30 }).toString()).toBe(ended);
    expect(gz.length).toBeLessThan(ended.length / 3);
    // ISIZE trailer = uncompressed length mod 2^32
    expect(gz.readUInt32LE(gz.length - 4)).toBe(ended.length);
  });

  it('by flag, and an empty trace is a valid gzip file', () => {
    const dir = tempDir();
    // gzip under a name not ending in .gz is refused (readers would take it for text; issue 13)
    expect(() => openOutput({ file: path.join(dir, 'h.bin'), gzip: true })).toThrow(/name it .*h\.bin\.gz$/);
    expect(fs.readdirSync(dir)).toEqual([]);
    const o = openOutput({ file: path.join(dir, 'h.bin.gz'), gzip: true });
    o.write(Buffer.from('hello '));
    o.write(Buffer.from('world\n'));
    o.close();
    expect(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'h.bin.gz'))).toString()).toBe('hello world\n');
    const e = openOutput({ file: path.join(dir, 'i.gz') });
    e.close();
    expect(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'i.gz'))).length).toBe(0);
  });
});

describe('standard output', () => {
  it('streams to stdout', () => {
    const r = child(['-', 'ramulator', '3', 'complete']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('0x0 W\n0x40 R\n0x80 R\n');
  });

  it('| head: EPIPE ends quietly with exit code 0', () => {
    const cmd =
      `${NODE_TSX.map((a) => JSON.stringify(a)).join(' ')} ${JSON.stringify(FIXTURE)} - dramsim3 5000000 ` +
      `complete | head -n 2; echo "status=\${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
    expect(r.stdout).toBe('0x0 WRITE 0\n0x40 READ 1\nstatus=0\n');
    expect(r.stderr).toBe('');
  });
});
