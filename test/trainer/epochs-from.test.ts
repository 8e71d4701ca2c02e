/**
 * `simulate --schedule-only --epochs-from report.json`: the schedule costed with the epochs per
 * iteration an early-stopped trained run reported gives that run's costs exactly; bad files are
 * refused in one line with exit code 2.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { makeTempDir } from '../temp-dir.js';
import type { SimReport } from '../../sim/report.js';

const dir = makeTempDir('rbnn-epochs-from-');
const sets = [
  'model.schedule=rbnn',
  'model.hidden=[8]',
  'model.bits=8',
  'model.maxIterations=3',
  'training.trainSamples=300',
  'training.validationSamples=100',
  'training.testSamples=100',
  'training.batch=50',
  'training.evalBatch=100',
  'training.learningRate=21',
  'training.lrDecay=1',
  'training.epochs=12',
  'training.epochPatience=3',
].flatMap((s) => ['--set', s]);

describe('simulate --schedule-only --epochs-from', () => {
  it('costs exactly what the early-stopped trained run cost', async () => {
    const trained = await runCli('run', ...sets, '--quiet', '--json', '-o', join(dir, 'run'));
    expect(trained.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'run', 'report.json'), 'utf8')) as SimReport;
    const epochs = report.training!.iterations.map((i) => i.epochsRun);
    expect(epochs.some((e) => e < 12)).toBe(true); // early stopping happened

    const replay = await runCli(
      'simulate',
      '--schedule-only',
      ...sets,
      '--json',
      '--epochs-from',
      join(dir, 'run', 'report.json'),
    );
    expect(replay.code).toBe(0);
    const r = JSON.parse(replay.out) as SimReport;
    expect(r.total).toEqual(report.total);
    expect(r.byIteration).toEqual(report.byIteration);

    const plain = JSON.parse((await runCli('simulate', '--schedule-only', ...sets, '--json')).out) as SimReport;
    expect(plain.total.energy.total).toBeGreaterThan(r.total.energy.total);
  });

  it(
    'refuses a file without trained iterations, a different network, or --epochs-from without ' + '--schedule-only',
    async () => {
      const none = join(dir, 'none.json');
      writeFileSync(none, JSON.stringify({ kind: 'rbnn-sim.report' }));
      let r = await runCli('simulate', '--schedule-only', ...sets, '--epochs-from', none);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/holds no trained iterations/);
      const other = join(dir, 'other.json');
      writeFileSync(other, JSON.stringify({ dims: [784, 16, 10], iterations: [{ epochsRun: 3 }] }));
      r = await runCli('simulate', '--schedule-only', ...sets, '--epochs-from', other);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/784-16-10 network but the configuration is 784-8-10/);
      const four = join(dir, 'four.json');
      writeFileSync(four, JSON.stringify({ iterations: [1, 2, 3, 4].map((e) => ({ epochsRun: e })) }));
      r = await runCli('simulate', '--schedule-only', ...sets, '--epochs-from', four);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/4 iterations given but the model plans 3/);
      r = await runCli('simulate', '--schedule-only', ...sets, '--epochs-from', join(dir, 'missing.json'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/no such file/);
      r = await runCli('run', ...sets, '--quiet', '--epochs-from', four);
      expect(r.code).toBe(2);
    },
  );
});
