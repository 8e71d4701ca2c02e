/**
 * The cost path's overhead on a training run (issue 4, target < 5 %): the default R2 run
 * (784-100-10, 7 iterations of one epoch on full MNIST) trained with no observer, and with the
 * Simulator observing its operation stream, timed round-robin in one process.
 *
 *   npm run bench -- --only cost-overhead
 */
import { resolveConfig } from '../config/load.js';
import { loadMnist } from '../trainer/mnist/dataset.js';
import { trainOn } from '../trainer/train.js';
import { Simulator } from '../sim/simulator.js';
import { compare, type Benchmark, type Row } from './harness.js';

export const costOverheadBenchmark: Benchmark = {
  name: 'cost-overhead',
  description: 'training run with and without the simulator observing it (default R2, 7 x 1 epoch)',
  async run(): Promise<Row[]> {
    const cfg = resolveConfig({ preset: 'R2', overrides: { 'training.epochs': 1 } });
    const data = loadMnist(cfg.data, {
      activationBits: cfg.model.activationBits,
      trainSamples: cfg.training.trainSamples,
      validationSamples: cfg.training.validationSamples,
      testSamples: cfg.training.testSamples,
    });
    const rows = await compare(
      [
        { label: 'train only', run: () => trainOn(cfg, data) },
        {
          label: 'train + simulator',
          run: () => {
            const sim = new Simulator(cfg);
            trainOn(cfg, data, { observer: sim });
            sim.report();
          },
        },
      ],
      3,
    );
    const [plain, costed] = rows as [Row, Row];
    costed.note =
      `overhead ${(((costed.cpu ?? costed.median) / (plain.cpu ?? plain.median) - 1) * 100).toFixed(1)} ` +
      `% of CPU time`;
    return rows;
  },
};
