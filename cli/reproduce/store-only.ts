/**
 * `reproduce --store-only`: regenerate a reproduction from its run store without training. A run
 * is taken from the store by its key; failing that (the training code under trainer/ or model/
 * changed since, so the key's code version differs) by the same row, learning rate, seed and the
 * same model, training and data configuration, counted as trained by older code. A run found
 * neither way is an error: nothing is trained.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../../config/errors.js';
import type { Config } from '../../config/schema.js';
import type { TrainResult } from '../../model/results.js';
import type { RunRecord, Trainer } from './runs.js';

/** The configuration a run record was trained with, without the code version. */
function material(model: unknown, training: unknown): string {
  return JSON.stringify({ model, training });
}

/** A run the store does not hold (`--partial` reports the row with the seeds it has). */
export class MissingRun extends UserError {}

export interface StoreOnlyTrainer extends Trainer {
  /** Runs found only by configuration (trained by another version of the training code). */
  readonly olderCode: number;
}

export function storeOnlyTrainer(file: string): StoreOnlyTrainer {
  if (!existsSync(file)) throw new UserError(`--store-only: no run store at ${file}`);
  const runs = (JSON.parse(readFileSync(file, 'utf8')) as { runs: Record<string, RunRecord> }).runs;
  const byMaterial = new Map<string, RunRecord>();
  for (const r of Object.values(runs)) byMaterial.set(material(r.model, r.training), r);
  let olderCode = 0;
  return {
    get olderCode() { return olderCode; },
    run: (cfg: Config): Promise<TrainResult> => {
      const hit = byMaterial.get(material(cfg.model, cfg.training));
      if (!hit) {
        return Promise.reject(new MissingRun(`--store-only: no run of ${cfg.model.schedule} ${cfg.model.hidden.join('-')} lr=${cfg.training.learningRate} seed=${cfg.training.seed} with this configuration in ${file}`));
      }
      olderCode++;
      return Promise.resolve(hit.result);
    },
    close: () => {},
  };
}
