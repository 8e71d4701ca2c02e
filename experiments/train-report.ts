/** A training result as text: the network line, one row per iteration, the final line. */
import type { TrainResult } from '../model/results.js';
import { table } from './table.js';
import type { Config } from '../config/schema.js';
import type { TrainingStopped } from '../trainer/train.js';
import { describePosition, saveCheckpoint, stopNote, type CheckpointPlan } from './checkpoints.js';

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;

export function formatTrainResult(r: TrainResult): string {
  const kib = (r.storageBits / 8 / 1024).toFixed(1);
  const weights = `${r.bitsPerWeight.toFixed(2)} bits/weight, ${kib} KiB of weights`;
  const final =
    `final: test error ${pct(r.testError)}, ${weights}, stopped: ${r.stopReason}, ` + `${r.seconds.toFixed(1)} s`;
  return `${iterationTable(r)}\n${final}`;
}

/**
 * After a stop: writes the checkpoint (when the plan has a folder) and gives the partial result
 * (marked "incomplete": true) as text or JSON (`output.json`), and the note that says how to continue.
 */
export function stoppedTrainingOutputs(
  cfg: Config,
  plan: CheckpointPlan,
  e: TrainingStopped,
): { text: string; note: string } {
  const where = describePosition(e.state.next);
  const checkpoint = saveCheckpoint(plan, cfg, 'train', e.state);
  const p = { ...e.partial, checkpoint };
  const text = cfg.output.json ? `${JSON.stringify(p, null, 2)}\n` : `${formatPartialTraining(p, where)}\n`;
  return { text, note: stopNote('train', where, checkpoint, plan.dir) };
}

/** The finished iterations of a stopped training, under "INCOMPLETE: stopped at <where>". */
export function formatPartialTraining(
  p: Pick<TrainResult, 'schedule' | 'dims' | 'bits' | 'iterations'>,
  where: string,
): string {
  const head = `INCOMPLETE: stopped at ${where}`;
  if (p.iterations.length === 0) return `${head}; no iteration finished`;
  return `${head}\n${iterationTable(p)}`;
}

const COLUMNS = ['k', 'trainable bits', 'weights', 'storage KiB', 'bits/weight', 'val error', 'test error'];

/** The network line and the per-iteration table. */
function iterationTable(r: Pick<TrainResult, 'schedule' | 'dims' | 'bits' | 'iterations'>): string {
  const rows = r.iterations.map((it) => [
    it.k,
    it.trainableBits,
    it.weights,
    (it.storageBits / 8 / 1024).toFixed(1),
    it.bitsPerWeight.toFixed(2),
    pct(it.validationError),
    pct(it.testError),
    `${it.bestEpoch}/${it.epochsRun}`,
    it.seconds.toFixed(1),
  ]);
  const head = `${r.schedule} ${r.dims.join('-')}, ${r.bits}-bit weight slots`;
  return `${head}\n${table([...COLUMNS, 'best epoch', 'seconds'], rows)}`;
}
