/**
 * The training cache as a run store shared by concurrent processes (shards of a Slurm array):
 * N child processes obtaining overlapping runs at once leave a store equal to one written
 * serially, and every run is trained exactly once (the others wait for it and reuse it). A
 * writer killed while training leaves a stale claim that the next writer takes over; a
 * temporary file of a writer killed mid-write is never read as an entry.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../experiments/run-store.js';
import { tryClaim } from '../../experiments/store/claim.js';
import { makeTempDir } from '../temp-dir.js';
import { fakeRecord } from './fixtures/fake-record.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const WRITER = join(ROOT, 'test/sweep/fixtures/store-writer.ts');

interface Writer {
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; trained: string[] }>;
  kill(): void;
}

function writer(dir: string, name: string, keys: Array<{ key: string; ms: number }>, extra: string[] = []): Writer {
  const child = spawn(process.execPath, ['--import', TSX, WRITER, ...extra, dir, name, JSON.stringify(keys)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => {
    out += String(b);
  });
  child.stderr.on('data', (b) => {
    err += String(b);
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; trained: string[] }>((ok) =>
    child.on('close', (code, signal) => {
      if (code !== 0 && signal === null) throw new Error(`writer ${name} failed: ${err}`);
      ok({ code, signal, trained: code === 0 ? (JSON.parse(out) as string[]) : [] });
    }),
  );
  return { done, kill: () => child.kill('SIGKILL') };
}

async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The store's entries as name -> entry without its write time; and any other file left in it. */
function storeContents(dir: string): { entries: Map<string, unknown>; others: string[] } {
  const folder = join(dir, 'training');
  const entries = new Map<string, unknown>();
  const others: string[] = [];
  for (const f of readdirSync(folder).sort()) {
    if (!f.endsWith('.json')) {
      others.push(f);
      continue;
    }
    const e = JSON.parse(readFileSync(join(folder, f), 'utf8')) as Record<string, unknown>;
    delete e.createdAt;
    entries.set(f, e);
  }
  return { entries, others };
}

const KEYS = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'];

describe('run store shared by concurrent processes', () => {
  it('N writers over overlapping runs leave the store a serial writer leaves, each run trained once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(fc.record({ key: fc.constantFrom(...KEYS), ms: fc.integer({ min: 0, max: 60 }) }), {
            minLength: 1,
            maxLength: 6,
          }),
          { minLength: 2, maxLength: 4 },
        ),
        async (lists) => {
          const dir = makeTempDir('rbnn-store-');
          const ws = lists.map((keys, i) => writer(dir, String(i), keys));
          await until(() => lists.every((_, i) => existsSync(join(dir, `ready-${i}`))), 'the writers to start');
          writeFileSync(join(dir, 'go'), ''); // all start at once
          const results = await Promise.all(ws.map((w) => w.done));

          const wanted = [...new Set(lists.flat().map((k) => k.key))].sort();
          const trained = results.flatMap((r) => r.trained).sort();
          expect(trained).toEqual(wanted); // exactly once each

          const serialDir = makeTempDir('rbnn-store-serial-');
          const serial = new RunStore(serialDir);
          for (const key of wanted) serial.put(key, { key }, fakeRecord(key));
          const got = storeContents(dir);
          expect(got.others).toEqual([]); // no claim or temporary file left behind
          expect(got.entries).toEqual(storeContents(serialDir).entries);
        },
      ),
      { numRuns: 4 },
    );
  });

  it(
    'a writer killed while training leaves a claim the next writer takes over; a half-written file is no ' + 'entry',
    async () => {
      const dir = makeTempDir('rbnn-store-kill-');
      const a = writer(dir, 'a', [{ key: 'x', ms: 0 }], ['--hang', 'x']);
      await until(() => existsSync(join(dir, 'ready-a')), 'writer a to start');
      writeFileSync(join(dir, 'go'), '');
      const claim = join(dir, 'training', 'x.json.claim');
      await until(() => existsSync(claim), 'the claim of x');
      a.kill();
      expect((await a.done).signal).toBe('SIGKILL');
      // As a writer killed during its rename would leave it: a temporary file, never an entry.
      mkdirSync(join(dir, 'training'), { recursive: true });
      writeFileSync(join(dir, 'training', 'y.json.tmp-99999-abc'), '{"kind":"rbnn-sim.training-ca');
      expect(new RunStore(dir).get('y')).toBeUndefined();

      const b = await writer(dir, 'b', [
        { key: 'x', ms: 0 },
        { key: 'y', ms: 0 },
      ]).done;
      expect(b.trained.sort()).toEqual(['x', 'y']);
      expect(existsSync(claim)).toBe(false);
      const cache = new RunStore(dir);
      expect(cache.get('x')).toEqual(fakeRecord('x'));
      expect(cache.get('y')).toEqual(fakeRecord('y'));
    },
  );

  it('a live claim is not taken over; an old one of another host is', () => {
    const dir = makeTempDir('rbnn-claim-');
    const file = join(dir, 'k.claim');
    const mine = tryClaim(file)!;
    expect(mine).not.toBeNull();
    expect(tryClaim(file)).toBeNull(); // held by a live process (this one)
    mine.release();
    expect(existsSync(file)).toBe(false);
    // Another host's claim, last touched ten minutes ago: stale after staleMs (default two minutes).
    writeFileSync(file, JSON.stringify({ host: 'elsewhere', pid: 1, started: '', token: 't' }));
    const past = new Date(Date.now() - 600_000);
    utimesSync(file, past, past);
    expect(tryClaim(file, { staleMs: 3_600_000 })).toBeNull();
    expect(existsSync(file)).toBe(true); // not stale yet: still theirs
    expect(tryClaim(file)).toBeNull(); // stale: moved away on this attempt
    expect(existsSync(file)).toBe(false);
    const next = tryClaim(file);
    expect(next).not.toBeNull();
    next!.release();
  });
});
