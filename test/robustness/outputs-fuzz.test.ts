/**
 * Fuzzing every writing command (issue 17): output locations of every kind x every command, and
 * generated configurations with extreme magnitudes (0, 1e-300, 1e300, -0). For each case, one
 * of two outcomes and nothing else:
 *
 *   - exit 0, and every number printed or written is finite (no "NaN", no "Infinity"); or
 *   - exit 2 with exactly one line on standard error, and nothing left behind (the temporary
 *     folder holds what it held before; a device node is still that device node).
 *
 * Never a hang: each command runs in a worker thread with a time limit (a synchronous loop,
 * like Node's recursive mkdir under /proc, is stopped too). Never a crash: no exception may
 * escape main(). Never a signal exit: the issue's crash cases run as real processes too.
 * Commands run in-process (a worker) on tiny configurations, so the suite takes seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliWorker, type CliResult } from './cli-in-worker.js';
import { spawnCli, tempDir } from './helpers.js';
import { mountTinyTmpfs } from '../io/helpers.js';
import { isRoot } from '../io/helpers.js';
import { joined } from '../regex.js';

const LIMIT_MS = 20_000;
const flags = (o: Record<string, unknown>): string[] =>
  Object.entries(o).flatMap(([k, v]) => ['--set', `${k}=${JSON.stringify(v)}`]);

/** Schedule-only costing of a toy network (any shape may be costed). */
const TOY = flags({
  'model.inputs': 6,
  'model.hidden': [4],
  'model.outputs': 3,
  'model.bits': 4,
  'model.maxIterations': 3,
  'training.trainSamples': 35,
  'training.batch': 10,
  'training.validationSamples': 20,
  'training.testSamples': 20,
});
/** Training on MNIST, as small as it gets. */
const TINY_TRAINING = flags({
  'model.hidden': [4],
  'model.bits': 4,
  'model.maxIterations': 1,
  'training.trainSamples': 100,
  'training.batch': 50,
  'training.validationSamples': 100,
  'training.testSamples': 100,
  'training.evalBatch': 100,
});

type Kind = 'folder' | 'file';
interface Command {
  name: string;
  /** What -o names. */
  kind: Kind;
  argv: (out: string) => string[];
  /** Only bad locations are tried (the command's valid runs are too long for a fuzz suite). */
  badOnly?: boolean;
  /** Locations not tried (they would start the long valid run). */
  skip?: string[];
}

let shard = ''; // a finished sweep folder, the input of merge

const COMMANDS: Command[] = [
  { name: 'simulate', kind: 'folder', argv: (o) => ['simulate', '--schedule-only', ...TOY, '-q', '-o', o] },
  { name: 'run', kind: 'folder', argv: (o) => ['run', ...TINY_TRAINING, '-q', '-o', o] },
  { name: 'trace', kind: 'file', argv: (o) => ['trace', '--schedule-only', '-f', 'csv', ...TOY, '-q', '-o', o] },
  {
    name: 'sweep',
    kind: 'folder',
    argv: (o) => ['sweep', '--schedule-only', '--sram', '64KiB,128KiB', '--no-cache', '-j', '1', ...TOY, '-q', '-o', o],
  },
  { name: 'merge', kind: 'folder', argv: (o) => ['merge', shard, '-q', '-o', o] },
  { name: 'config', kind: 'folder', argv: (o) => ['config', ...TOY, '-q', '-o', o] },
  {
    name: 'reproduce',
    kind: 'file',
    badOnly: true,
    skip: ['missing parent folders'],
    argv: (o) => ['reproduce', '--quick', '--rows', 'R3', '--seeds', '1', '-q', '-o', o],
  },
];

interface Location {
  name: string;
  /** The path to give -o, made inside `root` (or a system path). */
  make: (root: string, kind: Kind) => string | null;
  /** Whether the command must refuse it (else it may succeed). */
  bad: (kind: Kind) => boolean;
}

let readOnly: { dir: string; unmount: () => void } | null = null;
let full: { dir: string; unmount: () => void } | null = null;

const LOCATIONS: Location[] = [
  { name: 'new folder', make: (r, k) => path.join(r, k === 'file' ? 'out.csv' : 'out'), bad: () => false },
  {
    name: 'missing parent folders',
    make: (r, k) => path.join(r, 'a/b/c', k === 'file' ? 'out.csv' : 'out'),
    bad: (k) => k === 'file',
  },
  {
    name: 'a file where a folder goes',
    make: (r) => {
      const f = path.join(r, 'file');
      fs.writeFileSync(f, 'x');
      return f;
    },
    bad: (k) => k === 'folder',
  },
  {
    name: 'below a file',
    make: (r) => {
      const f = path.join(r, 'file');
      fs.writeFileSync(f, 'x');
      return path.join(f, 'sub');
    },
    bad: () => true,
  },
  {
    name: 'a folder where a file goes',
    make: (r) => {
      const d = path.join(r, 'dir');
      fs.mkdirSync(d);
      return d;
    },
    bad: (k) => k === 'file',
  },
  { name: '/proc', make: () => '/proc/rbnn-sim-fuzz/out', bad: () => true },
  { name: '/dev/null', make: () => '/dev/null', bad: (k) => k === 'folder' },
  { name: '/dev/full', make: () => (fs.existsSync('/dev/full') ? '/dev/full' : null), bad: () => true },
  {
    name: 'read-only',
    bad: () => true,
    make: (r) => {
      if (readOnly) return path.join(readOnly.dir, 'out');
      if (isRoot) return null; // root writes anywhere a mount allows: needs a read-only mount
      const d = path.join(r, 'ro');
      fs.mkdirSync(d, { mode: 0o555 });
      return path.join(d, 'out');
    },
  },
  { name: 'full disk', make: () => (full ? path.join(full.dir, 'out') : null), bad: () => true },
];

const worker = new CliWorker();

beforeAll(async () => {
  const root = tempDir();
  shard = path.join(root, 'shard');
  const r = await worker.run(
    ['sweep', '--schedule-only', '--sram', '64KiB,128KiB', '--no-cache', '-j', '1', ...TOY, '-q', '-o', shard],
    60_000,
  );
  expect(r.code).toBe(0);
  readOnly = mountTinyTmpfs('size=64k,ro');
  full = mountTinyTmpfs('size=8k');
  if (full) {
    // Fill it up: whatever a command writes there fails with ENOSPC.
    try {
      fs.writeFileSync(path.join(full.dir, 'filler'), new Uint8Array(1 << 16));
    } catch {
      /* full */
    }
  }
}, 120_000);

afterAll(async () => {
  await worker.stop();
  readOnly?.unmount();
  full?.unmount();
});

/** A snapshot of what can be left behind: the entries under `root`, and what a system path is. */
function snapshot(root: string, out: string): string {
  const list = (d: string): string[] =>
    fs.existsSync(d) ? (fs.readdirSync(d, { recursive: true }) as string[]).sort() : [];
  const where = [root, readOnly?.dir, full?.dir].filter((d): d is string => !!d);
  let node = 'absent';
  try {
    const st = fs.lstatSync(out);
    node = `${st.isCharacterDevice() ? 'chr' : st.isFIFO() ? 'fifo' : st.isDirectory() ? 'dir' : 'file'} ${st.ino}`;
  } catch {
    /* absent */
  }
  return JSON.stringify({ trees: where.map(list), node });
}

const NON_FINITE = /\b(NaN|-?Infinity)\b/;

/** Text files under `dir` (or `dir` itself if a file), for the finite-number check. */
function writtenText(out: string): string {
  if (!fs.existsSync(out) || out.startsWith('/dev/')) return '';
  const st = fs.statSync(out);
  if (st.isFile()) return fs.readFileSync(out, 'utf8');
  return (fs.readdirSync(out) as string[])
    .filter((f) => /\.(json|md|csv|yaml)$/.test(f))
    .map((f) => fs.readFileSync(path.join(out, f), 'utf8'))
    .join('\n');
}

/** The one assertion of the suite: a clean success or a clean one-line refusal. */
function expectCleanOutcome(r: CliResult, before: string, after: string, out: string, label: string): void {
  expect(r.timedOut, `${label}: hung (more than ${LIMIT_MS} ms)`).toBe(false);
  expect(r.crash, `${label}: crashed`).toBeNull();
  expect([0, 2], `${label}: exit ${r.code}, stderr ${r.err}`).toContain(r.code);
  if (r.code === 0) {
    expect(r.out + r.err, `${label}: printed a non-finite number`).not.toMatch(NON_FINITE);
    const text = writtenText(out);
    expect(text, `${label}: wrote a non-finite number`).not.toMatch(NON_FINITE);
    expect(text, `${label}: wrote null for a number`).not.toMatch(
      /"(energy|joules|energyJ|seconds|cycles)[^"]*": null/,
    );
  } else {
    const lines = r.err.trimEnd().split('\n');
    expect(lines, `${label}: stderr must be one line: ${r.err}`).toHaveLength(1);
    expect(lines[0]).toMatch(/^rbnn-sim: \S/);
    expect(after, `${label}: left something behind`).toBe(before);
  }
}

describe('every writing command x every kind of output location', () => {
  for (const cmd of COMMANDS) {
    it(`${cmd.name}: succeeds or refuses in one line, leaving nothing behind, never hangs`, async () => {
      for (const loc of LOCATIONS) {
        const root = tempDir();
        const out = loc.make(root, cmd.kind);
        if (out === null) continue; // not possible here (no mount, no /dev/full): skipped
        if ((cmd.badOnly && !loc.bad(cmd.kind)) || cmd.skip?.includes(loc.name)) continue;
        const before = snapshot(root, out);
        const r = await worker.run(cmd.argv(out), LIMIT_MS);
        const label = `${cmd.name} -o ${loc.name} (${out})`;
        expectCleanOutcome(r, before, snapshot(root, out), out, label);
        if (loc.bad(cmd.kind)) expect(r.code, `${label}: must be refused, stdout ${r.out.slice(0, 200)}`).toBe(2);
        else expect(r.code, `${label}: must succeed: ${r.err}`).toBe(0);
      }
    }, 240_000);
  }
});

/** Configuration values of every dimension set to extreme magnitudes. */
const MAGNITUDES = [0, 1e-300, 1e300, -0];
const FIELDS: Array<[string, string]> = [
  ['hardware.sram.readEnergy', 'J'],
  ['hardware.sram.writeEnergy', 'J'],
  ['hardware.dram.readEnergyPerBit', 'J'],
  ['hardware.mac.stepEnergy', 'J'],
  ['hardware.sram.leakageLowLeakage', 'W'],
  ['hardware.clock', 'Hz'],
  ['hardware.dram.latency', 's'],
  ['hardware.sram.capacity', 'b'],
  ['hardware.dram.burst', 'b'],
  ['training.learningRate', ''],
  ['training.outputGain', ''],
  ['hardware.sram.energyExponent', ''],
];
const magnitudeCommands = COMMANDS.filter((c) => ['simulate', 'trace', 'sweep', 'config', 'run'].includes(c.name));

describe('generated configurations with extreme magnitudes, every command', () => {
  it('exit 0 with finite numbers only, or exit 2 in one line with nothing left behind (property)', async () => {
    const setting = fc
      .tuple(fc.constantFrom(...FIELDS), fc.constantFrom(...MAGNITUDES))
      .map(([[field, unit], v]) => `${field}=${Object.is(v, -0) ? '-0' : String(v)}${unit ? ` ${unit}` : ''}`);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...magnitudeCommands),
        fc.array(setting, { minLength: 1, maxLength: 3 }),
        async (cmd, sets) => {
          // Training only with the magnitudes that do not touch the arithmetic of training (hardware).
          if (cmd.name === 'run' && sets.some((s) => s.startsWith('training.'))) return;
          const root = tempDir();
          const out = path.join(root, cmd.kind === 'file' ? 'out.csv' : 'out');
          const before = snapshot(root, out);
          const argv = [...cmd.argv(out), ...sets.flatMap((s) => ['--set', s])];
          const r = await worker.run(argv, LIMIT_MS);
          expectCleanOutcome(r, before, snapshot(root, out), out, `${argv.join(' ')}`);
        },
      ),
      { numRuns: 30 },
    );
  }, 240_000);
});

const ZERO_ENERGIES = [
  'hardware.sram.readEnergy',
  'hardware.sram.writeEnergy',
  'hardware.dram.readEnergyPerBit',
  'hardware.dram.writeEnergyPerBit',
  'hardware.mac.stepEnergy',
  'hardware.dram.activationEnergy',
  'hardware.sram.leakageLowLeakage',
  'hardware.sram.leakageHighPerformance',
  'hardware.sram.wireEnergy',
  'hardware.buffer.readEnergy',
  'hardware.buffer.writeEnergy',
]
  .flatMap((k) => ['--set', `${k}=0`])
  // The device model's energies come from datasheet currents: the per-bit model is the one whose energies are settings.
  .concat(['--set', 'hardware.dram.model=per-bit']);
const R2_SWEEP = [
  'sweep',
  '--schedule-only',
  '--presets',
  'R2',
  '--sram',
  '64KiB,128KiB',
  '--no-cache',
  '-j',
  '1',
  '-q',
];

describe('the crash cases of issue 17', () => {
  it('sweep with an energy of 1e300 J: refused naming the quantity and the setting, nothing written', async () => {
    const root = tempDir();
    const r = await worker.run(
      [...R2_SWEEP, '--set', 'hardware.sram.readEnergy=1e300 J', '-o', path.join(root, 'huge')],
      LIMIT_MS,
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      joined(
        /^rbnn-sim: point \d+ \(R2\): \S+ is Infinity \(a number overflowed\); /,
        /check hardware\.sram\.readEnergy = 1e\+300\n$/,
      ),
    );
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('sweep -o /proc/x: refused at once (it used to spin at 100 % CPU after printing its table)', async () => {
    const r = await worker.run([...R2_SWEEP, '-o', '/proc/rbnn-sim-fuzz/x'], LIMIT_MS);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(r.out).toBe(''); // refused before any work
    expect(r.err).toMatch(/^rbnn-sim: cannot write sweep outputs in \/proc\/rbnn-sim-fuzz\/x: /);
  });

  it('sweep with all energies 0, as a real process: exit 0, no signal (it died of "invalid size" with exit ' +
    '133)', async () => {
    const root = tempDir();
    const child = spawnCli([...R2_SWEEP, ...ZERO_ENERGIES, '-o', path.join(root, 'zero')], root);
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    const end = await child.exited;
    clearTimeout(timer);
    expect(end).toEqual({ code: 0, signal: null });
    // Every energy is 0: nothing for the log energy axis, so that plot is left out; the rest is written.
    expect(fs.readdirSync(path.join(root, 'zero')).sort()).toEqual([
      'dram-vs-sram.svg',
      'summary.md',
      'sweep.csv',
      'sweep.json',
    ]);
  }, 120_000);
});
