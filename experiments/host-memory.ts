import { totalmem } from 'node:os';
import { UserError } from '../config/errors.js';
import { checkModelFitsData } from '../config/data-shape.js';
import type { Config } from '../config/schema.js';
import { networkSpec } from '../model/network.js';

/**
 * Refuses, before any data is loaded, a network the trainer cannot hold in this machine's memory
 * (the simulated DRAM is unbounded, the host running the arithmetic is not). The estimate counts
 * the trained sub-network (weights, signs, gradients, best-so-far and checkpoint copies: 40 bytes
 * a weight), the frozen ones (their signs: 12 bytes a weight), the batch buffers and the data.
 */
export function checkTrainingFits(cfg: Config, available = totalmem()): void {
  checkModelFitsData(cfg);
  const { topology, plan } = networkSpec(cfg.model);
  const dims = topology.dims;
  const W0 = dims.slice(0, -1).reduce((s, d, l) => s + d * dims[l + 1]!, 0);
  const K = plan.iterations.length;
  const t = cfg.training;
  const width = dims.reduce((a, b) => a + b, 0);
  const weightBytes = W0 * (40 + 12 * Math.max(0, K - 1));
  const batch = Math.max(t.batch, t.evalBatch);
  const batchBytes = batch * width * 8 * 4;
  const samples = t.trainSamples + t.validationSamples + t.testSamples;
  const dataBytes = 60_000 * dims[0]! * 3 + samples * dims[dims.length - 1]! * 8;
  const need = weightBytes + batchBytes + dataBytes;
  if (need <= available) return;
  const gib = (b: number): string => `${(b / 2 ** 30).toPrecision(3)} GiB`;
  const field =
    weightBytes >= batchBytes ? 'model.hidden' : t.batch >= t.evalBatch ? 'training.batch' : 'training.evalBatch';
  const network = `${W0.toExponential(2)} weights per sub-network, ${K} sub-network${K > 1 ? 's' : ''}, batch ${batch}`;
  throw new UserError(
    `${field}: training a ${dims.join('-')} network (${network}) needs about ${gib(need)} of memory; ` +
      `this machine has ${gib(available)}`,
  );
}
