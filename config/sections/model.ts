import { int, intList, oneOf } from '../fields.js';

/** The learning model: topology, precisions, schedule (SPEC section 1). */
export const modelSection = {
  schedule: oneOf(
    ['rbnn', 'conventional'] as const,
    'rbnn',
    'rbnn: recursive sub-networks in recycled bit-planes; conventional: one BinaryConnect network',
  ),
  inputs: int(784, 'input features (MNIST: 28x28)', { min: 1 }),
  outputs: int(10, 'output classes', { min: 2 }),
  hidden: intList([100], 'hidden units per hidden layer of one sub-network (conventional: of the network)', {
    min: 1,
    minLength: 1,
  }),
  bits: int(16, 'initial weight bits n (weight slot width)', { min: 1, max: 32 }),
  maxIterations: int(7, 'RBNN: maximum number of iterations k (sub-networks); at most n', { min: 1, max: 32 }),
  minTrainableBits: int(1, 'RBNN: stop before an iteration whose trainable weight would have fewer bits', {
    min: 1,
    max: 32,
  }),
  iterationPatience: int(
    0,
    'RBNN: stop when this many iterations in a row do not improve validation error (0: never)',
    { min: 0 },
  ),
  activationBits: int(8, 'bits of hidden activations and inputs (signed fixed point, range [-1, 1))', {
    min: 2,
    max: 16,
  }),
  errorBits: int(16, 'bits of back-propagated errors (signed fixed point)', { min: 2, max: 24 }),
  accumulatorBits: int(32, 'bits of MAC and gradient accumulators (saturating)', { min: 8, max: 48 }),
} as const;
