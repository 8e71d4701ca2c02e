/**
 * Bad input end to end: damaged checkpoints and IDX files, configuration files and values the
 * hardware or the host cannot take, output folders that cannot be written. Each is one line on
 * stderr naming the file, field or flag, exit code 2, no stack trace, nothing left behind.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../config/errors.js';
import type { Config } from '../../config/schema.js';
import { trainOn, type TrainState } from '../../trainer/train.js';
import {
  CHECKPOINT_FILE,
  decodeCheckpoint,
  encodeCheckpoint,
  makeCheckpoint,
  writeCheckpoint,
  type Checkpoint,
} from '../../trainer/checkpoint.js';
import { mnistDataDir, parseIdxImages, parseIdxLabels } from '../../trainer/mnist/idx.js';
import { checkTrainingFits } from '../../experiments/host-memory.js';
import { idxBytes } from '../data/idx-helpers.js';
import { dataFor, listFiles, runCli, smallConfig, smallFlags, tempDir } from './helpers.js';
import { joined } from '../regex.js';

/** Expects the one-line exit-2 rejection, and returns its message. */
async function rejected(args: string[]): Promise<string> {
  const r = await runCli(...args);
  expect(r.code, `${args.join(' ')}\n${r.err}`).toBe(2);
  expect(r.out).toBe('');
  expect(r.err).toMatch(/^rbnn-sim: [^\n]+\n$/);
  expect(r.err).not.toMatch(/\n\s+at /);
  return r.err.slice('rbnn-sim: '.length, -1);
}

function firstEpochState(cfg: Config): TrainState {
  let state: TrainState | undefined;
  trainOn(cfg, dataFor(cfg), {
    onCheckpoint: (s) => {
      state ??= s;
    },
  });
  return state!;
}

describe('damaged checkpoints', () => {
  const cfg = smallConfig();
  const state = firstEpochState(cfg);
  const good = encodeCheckpoint(makeCheckpoint(cfg, 'train', state));

  it('decodes what it encodes', () => {
    const c = decodeCheckpoint(good, 'f');
    expect(c.state.next).toEqual(state.next);
    expect(c.state.current!.weights).toEqual(state.current!.weights);
    expect(c.state.current!.bestError).toBe(state.current!.bestError);
  });

  it('refuses every truncation with one line naming the file', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), (n) => {
        expect(() => decodeCheckpoint(good.subarray(0, n), 'ck/f')).toThrow(
          /^checkpoint ck\/f: (truncated|not an rbnn-sim checkpoint) /,
        );
      }),
      { numRuns: 1000, examples: [[0], [4], [8], [20], [51], [52], [good.length - 1]] },
    );
  });

  it('refuses every changed byte (magic, version, lengths, checksum, header, payload) and appended bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const bad = Buffer.from(good);
        bad[at]! ^= x;
        let err: unknown;
        try {
          decodeCheckpoint(bad, 'f');
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(UserError);
        expect((err as Error).message).toMatch(
          joined(
            /^checkpoint f: /,
            /(damaged|truncated|not an rbnn-sim checkpoint|format version \d+, this rbnn-sim reads version 1)/,
          ),
        );
      }),
      { numRuns: 1500 },
    );
    expect(() => decodeCheckpoint(Buffer.concat([good, Buffer.from('x')]), 'f')).toThrow(
      /^checkpoint f: damaged \(\d+ bytes, expected \d+\)$/,
    );
    const v2 = Buffer.from(good);
    v2.writeUInt32LE(2, 8);
    expect(() => decodeCheckpoint(v2, 'f')).toThrow('checkpoint f: format version 2, this rbnn-sim reads version 1');
    expect(() => decodeCheckpoint(Buffer.from('{"json": "not a checkpoint"}'), 'f')).toThrow(
      'checkpoint f: not an rbnn-sim checkpoint (wrong magic number)',
    );
  });

  it('refuses a well-formed checkpoint whose state does not fit the network', async () => {
    const dir = tempDir();
    const mutate = async (change: (c: Checkpoint) => void, why: RegExp): Promise<void> => {
      const c = makeCheckpoint(cfg, 'train', structuredClone(state));
      change(c);
      writeCheckpoint(dir, c);
      expect(await rejected(['train', ...smallFlags(), '-q', '--resume', dir])).toMatch(why);
    };
    await mutate((c) => {
      c.state.current!.weights[0] = new Int32Array(5);
    }, /: inconsistent state \(current sub-network\)$/);
    await mutate((c) => {
      c.state.next.iteration = 9;
    }, /: inconsistent state \(iteration\)$/);
    await mutate((c) => {
      c.state.next = { iteration: 1, epoch: 1, batch: 3, stage: 'epoch' };
    }, /: inconsistent state \(shuffle order\)$/);
    await mutate((c) => {
      c.state.frozen.push({ k: 1, weightBits: 8, negative: [] });
    }, /: inconsistent state \(results\)$/);
    await mutate((c) => {
      c.kind = 'run';
      c.simulator = { version: 1 };
    }, /was written by `rbnn-sim run`/);
  });

  it('through the CLI: a damaged checkpoint is refused before anything is written', async () => {
    const dir = tempDir();
    const ck = path.join(dir, 'ck');
    fs.mkdirSync(ck);
    fs.writeFileSync(path.join(ck, CHECKPOINT_FILE), good.subarray(0, good.length >> 1));
    const out = path.join(dir, 'out');
    expect(await rejected(['run', ...smallFlags(), '-q', '-o', out, '--resume', ck])).toBe(
      `checkpoint ${path.join(ck, CHECKPOINT_FILE)}: truncated (${good.length >> 1} bytes, expected ${good.length})`,
    );
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3]! ^= 1;
    fs.writeFileSync(path.join(ck, CHECKPOINT_FILE), flipped);
    expect(
      await rejected(['train', ...smallFlags(), '-q', '-o', out, '--resume', path.join(ck, CHECKPOINT_FILE)]),
    ).toBe(`checkpoint ${path.join(ck, CHECKPOINT_FILE)}: damaged (checksum mismatch)`);
    expect(listFiles(dir)).toEqual(['ck/checkpoint.rbnn']);
  });
});

describe('damaged IDX files', () => {
  it('any truncation or wrong magic number of an IDX file is refused naming the file', () => {
    const images = idxBytes(
      [3, 4, 5],
      new Uint8Array(60).map((_, i) => i),
    );
    const labels = idxBytes([3], [1, 2, 3]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: images.length - 1 }), (n) => {
        expect(() => parseIdxImages(images.subarray(0, n), 'img')).toThrow(
          /^img: (truncated IDX image file|not an IDX image file)/,
        );
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const bad = Uint8Array.from(labels);
        bad[at]! ^= x;
        expect(() => parseIdxLabels(bad, 'lab')).toThrow(
          /^lab: not an IDX label file: magic number 0x[0-9a-f]{8}, expected 0x00000801/,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('through the CLI: truncated, swapped, missing or mismatched MNIST files, one line each', async () => {
    const real = mnistDataDir();
    const files = [
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ];
    const folder = (change: (dir: string) => void): string => {
      const dir = tempDir();
      for (const f of files) fs.symlinkSync(path.join(real, f), path.join(dir, f));
      change(dir);
      return dir;
    };
    const replace = (dir: string, f: string, bytes: Uint8Array): void => {
      fs.rmSync(path.join(dir, f));
      fs.writeFileSync(path.join(dir, f), bytes);
    };
    const head = (f: string, n: number): Uint8Array => {
      const fd = fs.openSync(path.join(real, f), 'r');
      const b = Buffer.alloc(n);
      fs.readSync(fd, b, 0, n, 0);
      fs.closeSync(fd);
      return b;
    };
    const out = tempDir();
    const cases: Array<[string, (dir: string) => void, (dir: string) => string]> = [
      [
        'truncated images',
        (d) => replace(d, files[0]!, head(files[0]!, 5000)),
        (d) =>
          `${path.join(d, files[0]!)}: truncated IDX image file: 5000 bytes, expected 47040016 for 60000 x 28 x 28`,
      ],
      [
        'labels as images',
        (d) => {
          fs.rmSync(path.join(d, files[2]!));
          fs.symlinkSync(path.join(real, files[3]!), path.join(d, files[2]!));
        },
        (d) =>
          `${path.join(d, files[2]!)}: not an IDX image file: magic number 0x00000801, expected 0x00000803 (a label ` +
          `file?)`,
      ],
      [
        'missing labels',
        (d) => fs.rmSync(path.join(d, files[1]!)),
        (d) => `MNIST file not found: ${path.join(d, files[1]!)}`,
      ],
      [
        'empty file',
        (d) => replace(d, files[3]!, new Uint8Array(0)),
        (d) => `${path.join(d, files[3]!)}: truncated IDX label file (0 bytes, shorter than its 8-byte header)`,
      ],
    ];
    for (const [what, change, message] of cases) {
      const dir = folder(change);
      const msg = await rejected([
        'train',
        ...smallFlags(),
        '-q',
        '--set',
        `data.dir=${dir}`,
        '-o',
        path.join(out, 'o'),
      ]);
      expect(msg, what).toBe(message(dir));
    }
    const short = folder((d) => replace(d, files[3]!, idxBytes([5], [1, 2, 3, 4, 5])));
    expect(await rejected(['train', ...smallFlags(), '-q', '--set', `data.dir=${short}`])).toBe(
      `${path.join(short, files[2]!)} has 10000 images but ${path.join(short, files[3]!)} has 5 labels`,
    );
    expect(listFiles(out)).toEqual([]);
  });
});

describe('configurations the hardware or the host cannot take', () => {
  it(
    'config files: malformed, wrong types, wrong units, impossible hardware; one line naming file or ' + 'field',
    async () => {
      const dir = tempDir();
      const file = (name: string, text: string): string => {
        const f = path.join(dir, name);
        fs.writeFileSync(f, text);
        return f;
      };
      const out = path.join(dir, 'out');
      const run = (...args: string[]): Promise<string> => rejected(['run', ...smallFlags(), '-q', '-o', out, ...args]);
      expect(await run('--config', file('a.json', '{"model": {"bits": 8,}'))).toBe(
        `${path.join(dir, 'a.json')}:1: invalid JSON: Expected double-quoted property name`,
      );
      expect(await run('--config', file('b.yaml', 'model:\n  bits: [8\n'))).toMatch(
        new RegExp(`^${path.join(dir, 'b.yaml')}:\\d+: invalid YAML: `),
      );
      expect(await run('--config', file('c.yaml', 'model: 8\n'))).toBe(
        `model: expected a section with keys such as schedule, inputs, outputs, got 8 (in ${path.join(dir, 'c.yaml')})`,
      );
      expect(await run('--config', file('d.yaml', 'hardware:\n  sram:\n    capacity: 64 pJ\n'))).toMatch(
        /^hardware\.sram\.capacity: expected a size with a unit such as "64 KiB", got "64 pJ"/,
      );
      expect(await run('--config', file('e.yaml', 'hardware:\n  sram:\n    banks: 0\n'))).toMatch(
        /^hardware\.sram\.banks: expected an integer from 1 to 1024, got 0/,
      );
      expect(await run('--config', file('f.yaml', '- 1\n- 2\n'))).toMatch(
        /expected a mapping of configuration keys at the top level$/,
      );
      expect(await run('--config', file('g.txt', 'x'))).toMatch(/g\.txt: unknown format "\.txt"/);
      expect(await run('--config', dir)).toBe(`config file ${dir} is a directory`);
      expect(await run('--set', 'hardware.sram.wordWidth=1 MiB')).toMatch(
        /^hardware\.sram\.capacity: \d+ bits cannot hold one 8388608-bit word in each of 10 banks/,
      );
      expect(await run('--set', 'hardware.sram.wordWidth=12 b')).toBe(
        'hardware.sram.wordWidth: expected a whole number of bytes, got 12 bits',
      );
      expect(await run('--set', 'hardware.mac.accumulatorBits=16')).toMatch(
        /^model\.accumulatorBits \(32\) exceeds the MAC array's accumulators \(hardware\.mac\.accumulatorBits = 16\)/,
      );
      expect(await run('--set', 'model.hidden=[3000000]')).toMatch(
        joined(
          /^model\.hidden: training a 784-3000000-10 network \(2\.38e\+9 weights per sub-network, 3 sub-networks, /,
          /batch 250\) needs about [\d.]+ GiB of memory; this machine has/,
        ),
      );
      expect(await run('--set', 'model.maxIterations=9')).toBe(
        'model.maxIterations: expected at most model.bits (8) with the rbnn schedule, got 9',
      );
      expect(listFiles(dir).filter((f) => f.startsWith('out'))).toEqual([]);
    },
  );

  it('the host-memory check counts every sub-network and the batch', () => {
    const cfg = smallConfig({
      'model.hidden': [100],
      'model.bits': 16,
      'model.maxIterations': 7,
      'training.trainSamples': 50000,
    });
    expect(() => checkTrainingFits(cfg, 2 ** 30)).not.toThrow();
    expect(() => checkTrainingFits(cfg, 2 ** 20)).toThrow(
      /^model\.hidden: training a 784-100-10 network \(7\.94e\+4 weights per sub-network, 7 sub-networks, batch 250\)/,
    );
    // (a batch is capped by the training set, so the largest is the whole set)
    expect(() =>
      checkTrainingFits(smallConfig({ 'training.trainSamples': 50000, 'training.batch': 50000 }), 2 ** 30),
    ).toThrow(/^training\.batch: /);
  });
});

describe('output folders that cannot be written', () => {
  it('a file where a folder is expected, an unwritable folder: refused before training, nothing created', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, 'x');
    expect(await rejected(['run', ...smallFlags(), '-q', '-o', file])).toBe(
      `cannot write report files in ${file}: it is a file, not a folder`,
    );
    expect(await rejected(['run', ...smallFlags(), '-q', '-o', path.join(file, 'sub')])).toBe(
      `cannot write report files in ${path.join(file, 'sub')}: a part of the path is a file, not a folder`,
    );
    expect(await rejected(['train', ...smallFlags(), '-q', '--checkpoint', file])).toBe(
      `cannot write checkpoints in ${file}: it is a file, not a folder`,
    );
    expect(
      await rejected(['run', ...smallFlags(), '-q', '--trace-file', path.join(dir, 'no', 'such', 't.csv')]),
    ).toMatch(/^cannot write trace file .*t\.csv: folder .* does not exist$/);
    expect(await rejected(['train', ...smallFlags(), '-q', '--checkpoint', ''])).toBe(
      '--checkpoint: expected a folder',
    );
    // A folder this process cannot create anything in: read-only for a normal user; root needs a
    // file system that refuses (sysfs).
    let locked: string;
    if (process.getuid?.() !== 0) {
      locked = path.join(dir, 'locked');
      fs.mkdirSync(locked, { mode: 0o555 });
    } else {
      locked = '/sys/kernel';
    }
    expect(await rejected(['run', ...smallFlags(), '-q', '-o', path.join(locked, 'out')])).toMatch(
      new RegExp(
        `^cannot write report files in ${path.join(locked, 'out')}: ${locked}: (permission denied|read-only file ` +
          `system|nothing can be created there)$`,
      ),
    );
    expect(await rejected(['train', ...smallFlags(), '-q', '--checkpoint', locked])).toMatch(
      /^cannot write checkpoints in .*: (permission denied|read-only file system|nothing can be created there)$/,
    );
    expect(listFiles(dir)).toEqual(['file']);
    expect(fs.readdirSync(dir).filter((f) => f !== 'file' && f !== 'locked')).toEqual([]);
  });

  it('--checkpoint and --resume are refused with a trace, and with flags they do not apply to', async () => {
    const dir = tempDir();
    expect(
      await rejected(['run', ...smallFlags(), '-q', '--trace-file', path.join(dir, 't.csv'), '--checkpoint', dir]),
    ).toBe('--checkpoint cannot be combined with an access trace (a trace covers one uninterrupted run)');
    expect(
      await rejected(['run', ...smallFlags(), '-q', '--trace-file', path.join(dir, 't.csv'), '--resume', dir]),
    ).toBe('--resume cannot be combined with an access trace (a trace covers one uninterrupted run)');
    expect(await rejected(['simulate', '--schedule-only', '--resume', dir])).toBe('Unknown argument: resume');
    expect(listFiles(dir)).toEqual([]);
  });
});
