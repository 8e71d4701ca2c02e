/** `rbnn-sim train`: functional training on real MNIST, per-iteration results. */
import type { Argv, CommandModule } from 'yargs';
import { withConfigOptions, configFromArgs, type ConfigArgs } from '../options.js';
import { progressBar } from '../progress.js';
import { table } from '../table.js';
import { train } from '../../trainer/train.js';
import type { TrainResult } from '../../model/results.js';

export const trainCommand: CommandModule<object, ConfigArgs> = {
  command: 'train',
  describe: 'Train the configured network (RBNN or conventional) on MNIST in fixed point',
  builder: (y: Argv) => withConfigOptions(y)
    .example('$0 train --preset R2 --epochs 5', "the paper's R2 network, 5 epochs per iteration")
    .example('$0 train --preset B3 --json', 'a conventional baseline, JSON output'),
  handler: async (argv) => {
    const cfg = configFromArgs(argv);
    const bar = progressBar(cfg.output.progress && !cfg.output.json, 'train');
    let result: TrainResult;
    try {
      const { network: _network, ...r } = await train(cfg, { progress: bar.update });
      result = r;
    } finally {
      bar.stop();
    }
    process.stdout.write(cfg.output.json ? JSON.stringify(result, null, 2) + '\n' : formatTrainResult(result) + '\n');
  },
};

export function formatTrainResult(r: TrainResult): string {
  const pct = (x: number): string => (x * 100).toFixed(2) + ' %';
  const rows = r.iterations.map((it) => [
    it.k, it.trainableBits, it.weights, (it.storageBits / 8 / 1024).toFixed(1), it.bitsPerWeight.toFixed(2),
    pct(it.validationError), pct(it.testError), `${it.bestEpoch}/${it.epochsRun}`, it.seconds.toFixed(1),
  ]);
  const head = `${r.schedule} ${r.dims.join('-')}, ${r.bits}-bit weight slots`;
  const t = table(['k', 'trainable bits', 'weights', 'storage KiB', 'bits/weight', 'val error', 'test error', 'best epoch', 'seconds'], rows);
  return `${head}\n${t}\nfinal: test error ${pct(r.testError)}, ${r.bitsPerWeight.toFixed(2)} bits/weight, ${(r.storageBits / 8 / 1024).toFixed(1)} KiB of weights, stopped: ${r.stopReason}, ${r.seconds.toFixed(1)} s`;
}
