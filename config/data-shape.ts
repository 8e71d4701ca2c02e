/**
 * Checks of a configuration against the data it trains on. The network must read every
 * feature of a sample (model.inputs = the data's features) and have an output for every label
 * (model.outputs >= the data's classes): otherwise training runs, and reports an error rate,
 * for a problem that is not the data's (MNIST's ten classes squeezed into five outputs).
 * Schedule-only costing trains nothing, so any network shape may be costed there.
 */
import { UserError } from './errors.js';
import type { Config } from './schema.js';

export interface DataShape {
  /** Values per sample. */
  features: number;
  /** Distinct labels (0 .. classes-1). */
  classes: number;
  /** Name for messages. */
  name: string;
}

/** MNIST: 28x28 images, digits 0-9. */
export const MNIST_SHAPE: DataShape = { features: 28 * 28, classes: 10, name: 'MNIST (28x28 images, digits 0-9)' };

/** UserError naming model.inputs or model.outputs when the network does not fit the data. */
export function checkModelFitsData(cfg: Pick<Config, 'model'>, shape: DataShape = MNIST_SHAPE, where = ''): void {
  const m = cfg.model;
  const at = where ? `${where}: ` : '';
  if (m.inputs !== shape.features) {
    const what = `the features per sample of the data (${shape.name})`;
    throw new UserError(`${at}model.inputs: expected ${shape.features}, ${what}, got ${m.inputs}`);
  }
  if (m.outputs < shape.classes) {
    const what = `one per label of the data (${shape.name})`;
    throw new UserError(`${at}model.outputs: expected at least ${shape.classes}, ${what}, got ${m.outputs}`);
  }
}

/**
 * A mini-batch cannot be larger than the training set: a batch of 60,000 over 2,000 samples is
 * a batch of 2,000 (every epoch is one batch of the whole set). The batch is capped by the set,
 * so that the memory map is sized for the samples that exist and the energy is that of the
 * batches actually run (it used to be sized for 60,000 and differ from batch 2,000's).
 */
export function capBatchBySet(cfg: Pick<Config, 'training'>): void {
  const t = cfg.training;
  if (t.batch > t.trainSamples) t.batch = t.trainSamples;
}
