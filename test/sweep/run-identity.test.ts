/**
 * The one run identity (experiments/run-store.ts trainingKey): the configuration's model,
 * training and data sections, the data files' content, the training code. Sweeps and
 * reproductions use it alike.
 */
import { copyFileSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.js';
import { mnistFiles } from '../../trainer/mnist/dataset.js';
import { trainingKey } from '../../experiments/run-store.js';
import { rowConfig } from '../../experiments/reproduce/reproduce.js';
import { makeTempDir } from '../temp-dir.js';

const tmp = makeTempDir('rbnn-run-identity-');

/** A copy of the four MNIST files in `dir`. */
function copyData(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const file of Object.values(mnistFiles(resolveConfig({}).data))) copyFileSync(file, join(dir, basename(file)));
}

const at = (dir: string): string => trainingKey(resolveConfig({ sets: [`data.dir=${JSON.stringify(dir)}`] }));

describe('run identity', () => {
  it("depends on the data files' content, not on where they lie", () => {
    const a = join(tmp, 'a');
    const b = join(tmp, 'b');
    copyData(a);
    copyData(b);
    const base = trainingKey(resolveConfig({}));
    expect(at(a)).toBe(base);
    expect(at(b)).toBe(base);
    // One training label changed: another run.
    const labels = mnistFiles(resolveConfig({ sets: [`data.dir=${JSON.stringify(b)}`] }).data).trainLabels;
    const bytes = readFileSync(labels);
    bytes[100] = (bytes[100]! + 1) % 10;
    writeFileSync(labels, bytes);
    expect(at(b)).not.toBe(base);
    expect(at(a)).toBe(base);
  });

  it('ignores key order and hardware; reproduce keys its runs the same way', () => {
    const cfg = resolveConfig({ preset: 'R3' });
    expect(trainingKey(resolveConfig({ preset: 'R3', sets: ['hardware.sram.capacity=1 MiB'] }))).toBe(trainingKey(cfg));
    const reordered = { ...cfg, model: Object.fromEntries(Object.entries(cfg.model).reverse()) as typeof cfg.model };
    expect(trainingKey(reordered)).toBe(trainingKey(cfg));
    expect(trainingKey(resolveConfig({ preset: 'R3', sets: ['training.seed=2'] }))).not.toBe(trainingKey(cfg));
    const row = rowConfig('R3', { quick: false, sets: [], budget: 1 }, 3, 1);
    const direct = resolveConfig({ preset: 'R3', overrides: { 'training.learningRate': 3, 'training.seed': 1 } });
    expect(trainingKey(row)).toBe(trainingKey(direct));
  });
});
