/**
 * `reproduce --store-only`: regenerate a reproduction from its run store without training. A run
 * is taken from the store by its key (experiments/run-store.ts); failing that (the training code
 * under trainer/ or model/ changed since, so the key's code version differs) by the same model
 * and training configuration: an entry of the store's training/ folder, or a run of the older
 * one-file format (runs.json, as docs/reproduction-paper-protocol/ holds), counted as trained by
 * older code. A run found neither way is an error: nothing is trained.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../config/errors.js';
import type { Config } from '../../config/schema.js';
import type { TrainResult } from '../../model/results.js';

/** A run the store does not hold (`--partial` reports the row with the seeds it has). */
export class MissingRun extends UserError {}

/** The configuration a run was trained with, without the code version and the data files. */
function material(model: unknown, training: unknown): string {
  return JSON.stringify({ model, training });
}

export interface StoredRuns {
  /** The stored run of `cfg` by configuration; MissingRun when there is none. */
  find(cfg: Config): TrainResult;
}

/** Every run of the store folder `dir` (training/*.json and a legacy runs.json) by configuration. */
export function storedRuns(dir: string): StoredRuns {
  const byMaterial = new Map<string, TrainResult>();
  const legacy = join(dir, 'runs.json');
  const entries = join(dir, 'training');
  if (!existsSync(legacy) && !existsSync(entries)) throw new UserError(`--store-only: no run store in ${dir}`);
  if (existsSync(legacy)) {
    try {
      const runs = (JSON.parse(readFileSync(legacy, 'utf8')) as { runs?: Record<string, LegacyRecord> }).runs ?? {};
      for (const r of Object.values(runs)) if (r?.result) byMaterial.set(material(r.model, r.training), r.result);
    } catch (e) {
      throw new UserError(`--store-only: ${legacy} is not readable JSON (${(e as Error).message.split('\n')[0]})`);
    }
  }
  if (existsSync(entries)) {
    for (const name of readdirSync(entries).sort()) {
      if (!name.endsWith('.json')) continue;
      try {
        const e = JSON.parse(readFileSync(join(entries, name), 'utf8')) as StoreEntry;
        if (e?.kind === 'rbnn-sim.training-cache' && e.result && e.material) {
          byMaterial.set(material(e.material.model, e.material.training), e.result);
        }
      } catch {
        /* a corrupt entry: the store warns about it when it is read by key */
      }
    }
  }
  return {
    find(cfg) {
      const hit = byMaterial.get(material(cfg.model, cfg.training));
      if (!hit) {
        throw new MissingRun(
          `--store-only: no run of ${cfg.model.schedule} ${cfg.model.hidden.join('-')} ` +
            `lr=${cfg.training.learningRate} seed=${cfg.training.seed} with this configuration in ${dir}`,
        );
      }
      return hit;
    },
  };
}

interface LegacyRecord {
  model: unknown;
  training: unknown;
  result: TrainResult;
}
interface StoreEntry {
  kind?: string;
  material?: { model: unknown; training: unknown };
  result?: TrainResult;
}
