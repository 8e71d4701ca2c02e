/**
 * Training runs of a reproduction. They live in the engine's run store (experiments/run-store.ts),
 * one file per run keyed by the one run identity (configuration, data files, training code);
 * this module reads the run cache of older versions (one runs.json per reproduction) so that
 * committed runs are not trained again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Config } from '../../config/schema.js';
import type { TrainResult } from '../../model/results.js';
import { codeVersion } from '../run-store.js';
import type { RowId } from './rows.js';

/** One finished run as runs.json of rbnn-sim before the run store held reproductions. */
interface LegacyRun {
  row: RowId;
  learningRate: number;
  seed: number;
  configHash: string;
  model: Config['model'];
  training: Config['training'];
  result: TrainResult;
}

/**
 * The old run cache (`runs.json` of kind rbnn-sim.reproduce-runs) of a reproduction folder, if
 * any. A run of it is used only when its recorded hash, recomputed for today's configuration of
 * the row (model, training and data sections, training-code version), still matches.
 */
export class LegacyRuns {
  private readonly runs = new Map<string, LegacyRun>();

  constructor(file: string) {
    if (!existsSync(file)) return;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
        kind?: string;
        version?: number;
        runs?: Record<string, LegacyRun>;
      };
      if (parsed.kind !== 'rbnn-sim.reproduce-runs' || parsed.version !== 1 || !parsed.runs) return;
      for (const [key, run] of Object.entries(parsed.runs)) this.runs.set(key, run);
    } catch {
      /* unreadable: nothing to import */
    }
  }

  /** The old cache's result of `row` trained with `cfg`, when it was made by the same configuration and code. */
  find(row: RowId, cfg: Config): TrainResult | undefined {
    const hash = legacyConfigHash(cfg);
    const run = this.runs.get(`${row}/lr=${cfg.training.learningRate}/seed=${cfg.training.seed}/${hash}`);
    return run && run.configHash === hash ? run.result : undefined;
  }
}

/** The old cache's hash: unsorted JSON of the model, training and data sections and the code version. */
function legacyConfigHash(cfg: Config): string {
  const data = { ...cfg.data, dir: cfg.data.dir ?? null };
  return createHash('sha256')
    .update(JSON.stringify({ model: cfg.model, training: cfg.training, data, code: codeVersion() }))
    .digest('hex')
    .slice(0, 16);
}
