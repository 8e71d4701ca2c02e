import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mnistDataDir, parseIdxImages, parseIdxLabels, readIdxImages, readIdxLabels } from '../../trainer/mnist/idx.js';
import { UserError } from '../../config/errors.js';
import { idxBytes, pixelSum } from './idx-helpers.js';

const data = mnistDataDir();
const TRAIN_IMAGES = join(data, 'train-images-idx3-ubyte');
const TRAIN_LABELS = join(data, 'train-labels-idx1-ubyte');
const TEST_IMAGES = join(data, 't10k-images-idx3-ubyte');
const TEST_LABELS = join(data, 't10k-labels-idx1-ubyte');

function histogram(labels: Uint8Array): number[] {
  const h = new Array<number>(10).fill(0);
  for (const l of labels) h[l]!++;
  return h;
}

describe('the real MNIST files', () => {
  // Reference figures computed independently with numpy:
  // np.frombuffer(open(f, 'rb').read(), np.uint8, offset=16).reshape(-1, 784)[i].sum()
  it('training file: 60000 images of 28 x 28, label histogram, known pixel sums', () => {
    const images = readIdxImages(TRAIN_IMAGES);
    const labels = readIdxLabels(TRAIN_LABELS);
    expect([images.count, images.rows, images.cols, images.pixels.length]).toEqual([60000, 28, 28, 60000 * 784]);
    expect(labels.count).toBe(60000);
    expect(histogram(labels.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect([0, 1, 50000, 59999].map((i) => pixelSum(images.pixels, i, 784))).toEqual([27525, 31095, 22386, 20920]);
    expect([labels.labels[0], labels.labels[1], labels.labels[59999]]).toEqual([5, 0, 8]);
    expect(images.pixels.reduce((a, b) => a + b, 0)).toBe(1567298545);
  });

  it('test file: 10000 images, label histogram, known pixel sums', () => {
    const images = readIdxImages(TEST_IMAGES);
    const labels = readIdxLabels(TEST_LABELS);
    expect([images.count, images.rows, images.cols]).toEqual([10000, 28, 28]);
    expect(histogram(labels.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect([0, 1, 9999].map((i) => pixelSum(images.pixels, i, 784))).toEqual([18454, 28850, 41833]);
    expect([labels.labels[0], labels.labels[1], labels.labels[9999]]).toEqual([7, 2, 6]);
    expect(images.pixels.reduce((a, b) => a + b, 0)).toBe(264923200);
  });
});

describe('parsing IDX bytes', () => {
  it('reads dimensions and data of small files', () => {
    const img = parseIdxImages(idxBytes([2, 1, 3], [1, 2, 3, 4, 5, 6]), 'x');
    expect([img.count, img.rows, img.cols, [...img.pixels]]).toEqual([2, 1, 3, [1, 2, 3, 4, 5, 6]]);
    const lab = parseIdxLabels(idxBytes([3], [7, 8, 9]), 'y');
    expect([lab.count, [...lab.labels]]).toEqual([3, [7, 8, 9]]);
    expect(parseIdxLabels(idxBytes([0], []), 'empty').count).toBe(0);
  });

  it('rejects wrong magic numbers, short headers and wrong lengths, naming the file', () => {
    const msg = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      throw new Error('expected a UserError');
    };
    expect(msg(() => parseIdxImages(idxBytes([3], [1, 2, 3]), 'f'))).toBe(
      'f: not an IDX image file: magic number 0x00000801, expected 0x00000803 (a label file?)',
    );
    expect(msg(() => parseIdxLabels(idxBytes([1, 1, 1], [1]), 'g'))).toBe(
      'g: not an IDX label file: magic number 0x00000803, expected 0x00000801 (an image file?)',
    );
    expect(msg(() => parseIdxLabels(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), 'z.zip'))).toBe(
      'z.zip: not an IDX label file: magic number 0x504b0304, expected 0x00000801',
    );
    expect(msg(() => parseIdxImages(idxBytes([2, 2, 2], []).subarray(0, 10), 'h'))).toBe(
      'h: truncated IDX image file (10 bytes, shorter than its 16-byte header)',
    );
    expect(msg(() => parseIdxImages(new Uint8Array(3), 'h'))).toBe(
      'h: truncated IDX image file (3 bytes, shorter than its 16-byte header)',
    );
    expect(msg(() => parseIdxImages(idxBytes([2, 2, 2], [1, 2, 3]), 'i'))).toBe(
      'i: truncated IDX image file: 19 bytes, expected 24 for 2 x 2 x 2',
    );
    expect(msg(() => parseIdxLabels(idxBytes([2], [1, 2, 3]), 'j'))).toBe(
      'j: corrupt IDX label file: 11 bytes, expected 10 for 2 (1 extra)',
    );
  });
});

describe('damaged copies of the real files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rbnn-idx-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const copy = (from: string, name: string): string => {
    const to = join(dir, name);
    copyFileSync(from, to);
    return to;
  };

  it('rejects a truncated image file', () => {
    const f = copy(TEST_IMAGES, 'truncated-images');
    truncateSync(f, 7840016 - 100);
    expect(() => readIdxImages(f)).toThrow(
      `${f}: truncated IDX image file: 7839916 bytes, expected 7840016 for 10000 x 28 x 28`,
    );
  });

  it('rejects a truncated label file and one cut inside its header', () => {
    const f = copy(TRAIN_LABELS, 'truncated-labels');
    truncateSync(f, 60000);
    expect(() => readIdxLabels(f)).toThrow(`${f}: truncated IDX label file: 60000 bytes, expected 60008 for 60000`);
    truncateSync(f, 5);
    expect(() => readIdxLabels(f)).toThrow(`${f}: truncated IDX label file (5 bytes, shorter than its 8-byte header)`);
  });

  it('rejects a corrupted header (magic number, count)', () => {
    const f = join(dir, 'bad-magic');
    const bytes = readFileSync(TEST_LABELS);
    bytes[2] = 0x0d; // type byte: 0x0D would mean float data
    writeFileSync(f, bytes);
    expect(() => readIdxLabels(f)).toThrow(`${f}: not an IDX label file: magic number 0x00000d01, expected 0x00000801`);
    const g = join(dir, 'bad-count');
    const more = readFileSync(TEST_LABELS);
    more.writeUInt32BE(10001, 4);
    writeFileSync(g, more);
    expect(() => readIdxLabels(g)).toThrow(`${g}: truncated IDX label file: 10008 bytes, expected 10009 for 10001`);
  });

  it('rejects a label file given as images and a missing file', () => {
    expect(() => readIdxImages(TEST_LABELS)).toThrow(
      `${TEST_LABELS}: not an IDX image file: magic number 0x00000801, expected 0x00000803 (a label file?)`,
    );
    const missing = join(dir, 'nothing-here');
    expect(() => readIdxImages(missing)).toThrow(`MNIST file not found: ${missing}`);
  });
});
