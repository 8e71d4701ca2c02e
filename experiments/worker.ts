/**
 * A pool worker of `rbnn-sim sweep` (a piscina worker thread; experiments/pool.ts). It runs the
 * tasks of experiments/work.ts: training runs (progress posted on the task's port) and costing
 * of points. MNIST is parsed once per worker (trainer/mnist/dataset.ts keeps it).
 */
import type { MessagePort } from 'node:worker_threads';
import type { Config } from '../config/schema.js';

import type { Point } from './sweep/points.js';
import type { SweepRow } from './sweep/row.js';
import { costSweepPoint, trainRecorded, type RecordedRun } from './work.js';

export type Task =
  | { kind: 'train'; cfg: Config; port?: MessagePort }
  | { kind: 'cost'; items: Array<{ point: Point; cfg: Config }>; training: RecordedRun | null };

export default async function run(task: Task): Promise<RecordedRun | SweepRow[]> {
  if (task.kind === 'train') {
    const port = task.port;
    let last = 0;
    try {
      return await trainRecorded(
        task.cfg,
        port
          ? (done, total) => {
              const now = Date.now();
              if (done === total || now - last >= 200) {
                last = now;
                port.postMessage({ done, total });
              }
            }
          : undefined,
      );
    } finally {
      port?.close();
    }
  }
  return task.items.map(({ point, cfg }) => costSweepPoint(point, cfg, task.training));
}
