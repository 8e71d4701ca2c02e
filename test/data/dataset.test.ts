import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadMnist, loadMnistRaw, type LoadOptions, type MnistSplits } from '../../trainer/mnist/dataset.js';
import { mnistDataDir } from '../../trainer/mnist/idx.js';
import { defaultConfig } from '../../config/load.js';
import type { DataConfig } from '../../config/schema.js';
import { UserError } from '../../config/errors.js';
import { idxBytes } from './idx-helpers.js';

const DATA: DataConfig = defaultConfig().data;
const ALL: LoadOptions = { activationBits: 8, trainSamples: 50000, validationSamples: 10000, testSamples: 10000 };

/** The documented formula, computed directly (the loader uses a lookup table). */
function quantize(pixel: number, mean: number, bits: number): number {
  const one = 2 ** (bits - 1);
  return Math.min(one - 1, Math.max(-one, Math.round(((pixel - mean) / 255) * one))) + 0; // + 0: no -0
}

/** Index of the first element where a and b differ (or of the length mismatch), -1 if none. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function extremes(a: Int16Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < lo) lo = a[i]!;
    if (a[i]! > hi) hi = a[i]!;
  }
  return [lo, hi];
}

describe('MNIST splits of the real files', () => {
  let splits: MnistSplits;
  beforeAll(() => {
    splits = loadMnist(DATA, ALL);
  });

  it('splits 50k train / 10k validation (end of the training file) / 10k test', () => {
    const raw = loadMnistRaw(DATA);
    expect([splits.train.count, splits.validation.count, splits.test.count]).toEqual([50000, 10000, 10000]);
    expect([splits.train.features, splits.validation.features, splits.test.features]).toEqual([784, 784, 784]);
    expect(splits.train.images.length).toBe(50000 * 784);
    expect(splits.activationBits).toBe(8);
    expect(splits.train.labels).toEqual(raw.trainLabels.labels.subarray(0, 50000));
    expect(splits.validation.labels).toEqual(raw.trainLabels.labels.subarray(50000));
    expect(splits.test.labels).toEqual(raw.testLabels.labels);
  });

  it('normalizes each pixel to zero mean over the training split, within quantization', () => {
    const { images, count, features } = splits.train;
    const sums = new Float64Array(features);
    for (let i = 0; i < count; i++) for (let j = 0; j < features; j++) sums[j]! += images[i * features + j]!;
    // Rounding moves each value by at most half an LSB; clamping +1.0 to 127/128 by one more.
    for (let j = 0; j < features; j++) expect(Math.abs(sums[j]! / count), `pixel ${j}`).toBeLessThanOrEqual(1);
    const worst = Math.max(...sums.map((s) => Math.abs(s / count)));
    expect(worst).toBeLessThanOrEqual(0.51);
  });

  it('keeps every value in the signed 8-bit range and uses it', () => {
    for (const set of [splits.train, splits.validation, splits.test]) {
      const [lo, hi] = extremes(set.images);
      expect(lo).toBeGreaterThanOrEqual(-128);
      expect(hi).toBeLessThanOrEqual(127);
      expect(hi - lo).toBeGreaterThan(180);
    }
  });

  it('follows the documented formula with the training-split means', () => {
    const raw = loadMnistRaw(DATA);
    // Means computed here independently, from the raw pixels of the first 50k images.
    const means = new Float64Array(784);
    for (let i = 0; i < 50000; i++) for (let j = 0; j < 784; j++) means[j]! += raw.trainImages.pixels[i * 784 + j]!;
    for (let j = 0; j < 784; j++) means[j]! /= 50000;
    for (let j = 0; j < 784; j++) expect(raw.means[j]).toBeCloseTo(means[j]!, 9);
    for (let k = 0; k < 3000; k++) {
      const i = (k * 7919) % 10000;
      const j = (k * 104729) % 784;
      expect(splits.test.images[i * 784 + j]).toBe(quantize(raw.testImages.pixels[i * 784 + j]!, means[j]!, 8));
      expect(splits.validation.images[i * 784 + j]).toBe(
        quantize(raw.trainImages.pixels[(50000 + i) * 784 + j]!, means[j]!, 8),
      );
      const t = (k * 7919) % 50000;
      expect(splits.train.images[t * 784 + j]).toBe(quantize(raw.trainImages.pixels[t * 784 + j]!, means[j]!, 8));
    }
  });

  it('returns fresh arrays but parses the files once', () => {
    const a = loadMnist(DATA, { ...ALL, trainSamples: 100, validationSamples: 10, testSamples: 10 });
    a.train.images[0] = 99;
    a.train.labels[0] = 9;
    const b = loadMnist(DATA, { ...ALL, trainSamples: 100, validationSamples: 10, testSamples: 10 });
    expect(b.train.images[0]).toBe(splits.train.images[0]);
    expect(b.train.labels[0]).toBe(5);
    expect(loadMnistRaw(DATA)).toBe(loadMnistRaw({ ...DATA }));
  });

  it('keeps the first N of each split', () => {
    const s = loadMnist(DATA, { activationBits: 8, trainSamples: 1000, validationSamples: 200, testSamples: 300 });
    expect([s.train.count, s.validation.count, s.test.count]).toEqual([1000, 200, 300]);
    expect(firstDifference(s.train.images, splits.train.images.subarray(0, 1000 * 784))).toBe(-1);
    expect(firstDifference(s.validation.images, splits.validation.images.subarray(0, 200 * 784))).toBe(-1);
    expect(firstDifference(s.test.labels, splits.test.labels.subarray(0, 300))).toBe(-1);
  });

  it('quantizes at other activation precisions', () => {
    const raw = loadMnistRaw(DATA);
    for (const bits of [2, 4, 12, 16]) {
      const s = loadMnist(DATA, { activationBits: bits, trainSamples: 500, validationSamples: 1, testSamples: 1 });
      const want = Int16Array.from({ length: 500 * 784 }, (_, k) =>
        quantize(raw.trainImages.pixels[k]!, raw.means[k % 784]!, bits),
      );
      expect(firstDifference(s.train.images, want), `${bits} bits`).toBe(-1);
      const [lo, hi] = extremes(s.train.images);
      expect(lo).toBeGreaterThanOrEqual(-(2 ** (bits - 1)));
      expect(hi).toBeLessThanOrEqual(2 ** (bits - 1) - 1);
    }
  });

  it('rejects sample counts beyond the splits, naming the setting', () => {
    expect(() => loadMnist(DATA, { ...ALL, trainSamples: 50001 })).toThrow(
      /^training\.trainSamples: expected an integer from 1 to 50000 /,
    );
    expect(() => loadMnist(DATA, { ...ALL, validationSamples: 10001 })).toThrow(
      /^training\.validationSamples: expected an integer from 1 to 10000 /,
    );
    expect(() => loadMnist(DATA, { ...ALL, testSamples: 0 })).toThrow(
      /^training\.testSamples: expected an integer from 1 to 10000 /,
    );
    expect(() => loadMnist(DATA, { ...ALL, activationBits: 17 })).toThrow(/^model\.activationBits: /);
  });

  it('takes user-supplied paths: a relative folder, or absolute file names', () => {
    const dir = mnistDataDir();
    const rel = loadMnistRaw({ ...DATA, dir: relative(process.cwd(), dir) });
    expect(rel.trainImages.count).toBe(60000);
    expect(rel.files).toEqual(loadMnistRaw(DATA).files);
    const abs = loadMnistRaw({
      dir: '/nonexistent',
      trainImages: join(dir, 'train-images-idx3-ubyte'),
      trainLabels: join(dir, 'train-labels-idx1-ubyte'),
      testImages: join(dir, 't10k-images-idx3-ubyte'),
      testLabels: join(dir, 't10k-labels-idx1-ubyte'),
    });
    expect(abs.files).toEqual(rel.files);
    expect(() => loadMnistRaw({ ...DATA, dir: '/nonexistent' })).toThrow(
      'MNIST file not found: /nonexistent/train-images-idx3-ubyte',
    );
  });
});

describe('small synthetic IDX sets', () => {
  let dir: string;
  const N = 10_004; // 4 training images + the 10k held out for validation
  const files = (
    name: string,
    o: { trainCount?: number; labelCount?: number; testRows?: number; badLabel?: boolean } = {},
  ): DataConfig => {
    const sub = join(dir, name);
    const trainCount = o.trainCount ?? N;
    // Training pixels: image i has value (i % 4) * 50 everywhere, so the training split (i < 4)
    // has mean 75 at every pixel.
    const px = new Uint8Array(trainCount * 4).map((_, k) => (Math.floor(k / 4) % 4) * 50);
    const labels = Array.from({ length: o.labelCount ?? trainCount }, (_, i) => i % 10);
    if (o.badLabel) labels[3] = 12;
    const rows = o.testRows ?? 2;
    writeFileSync(`${sub}-ti`, idxBytes([trainCount, 2, 2], px));
    writeFileSync(`${sub}-tl`, idxBytes([labels.length], labels));
    writeFileSync(`${sub}-si`, idxBytes([2, rows, 2], new Uint8Array(2 * rows * 2).fill(255)));
    writeFileSync(`${sub}-sl`, idxBytes([2], [1, 2]));
    return {
      dir,
      trainImages: `${name}-ti`,
      trainLabels: `${name}-tl`,
      testImages: `${name}-si`,
      testLabels: `${name}-sl`,
    };
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rbnn-mnist-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('normalizes with the training-split mean', () => {
    const s = loadMnist(files('ok'), { activationBits: 8, trainSamples: 4, validationSamples: 10000, testSamples: 2 });
    expect(s.train.features).toBe(4);
    // (p - 75) / 255 * 128, rounded: p = 0, 50, 100, 150
    expect([...s.train.images.filter((_, k) => k % 4 === 0)]).toEqual([-38, -13, 13, 38]);
    expect([...s.test.images]).toEqual(new Array(8).fill(Math.round((180 / 255) * 128)));
    expect([...s.test.labels]).toEqual([1, 2]);
    expect(s.validation.count).toBe(10000);
  });

  it('rejects inconsistent files with a message naming them', () => {
    const msg = (d: DataConfig): string => {
      try {
        loadMnistRaw(d);
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message.replaceAll(`${dir}/`, '');
      }
      throw new Error('expected a UserError');
    };
    expect(msg(files('count', { labelCount: N - 1 }))).toBe(
      `count-ti has ${N} images but count-tl has ${N - 1} labels`,
    );
    expect(msg(files('small', { trainCount: 10000 }))).toBe(
      'small-ti: 10000 images, need more than the 10000 held out for validation',
    );
    expect(msg(files('shape', { testRows: 3 }))).toBe('shape-si: images of 3 x 2 pixels, but shape-ti has 2 x 2');
    expect(msg(files('label', { badLabel: true }))).toBe('label-tl: label 12 at index 3 is not a digit 0-9');
  });
});
