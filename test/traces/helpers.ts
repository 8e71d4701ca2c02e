import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { makeTempDir } from '../temp-dir.js';
import type { AccessEvent } from '../../traces/events.js';
import { defaultConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';

/** A fresh temporary folder for a test's files (removed after the file's tests). */
export const tempDir = (): string => makeTempDir('rbnn-traces-');

export function ev(p: Partial<AccessEvent>): AccessEvent {
  return {
    cycle: 0,
    component: 'dram',
    bank: -1,
    write: false,
    address: 0,
    bits: 512,
    tensor: 'input',
    phase: 'load',
    iteration: 1,
    epoch: 1,
    batch: 0,
    ...p,
  };
}

/**
 * A tiny RBNN configuration: 6-4-3 network, 4-bit slots, 3 iterations x 2 epochs, 35 training samples in
 * batches of 10.
 */
export function smallConfig(over: (c: Config) => void = () => {}): Config {
  const c = defaultConfig();
  c.model.inputs = 6;
  c.model.hidden = [4];
  c.model.outputs = 3;
  c.model.bits = 4;
  c.model.maxIterations = 3;
  c.training.epochs = 2;
  c.training.batch = 10;
  c.training.trainSamples = 35;
  c.training.evalBatch = 10;
  c.training.validationSamples = 25;
  c.training.testSamples = 20;
  over(c);
  return c;
}

/** node with the tsx loader (resolved absolutely, so children may run in any folder): [node, ...args]. */
export const NODE_TSX: readonly string[] = [
  process.execPath,
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
];
