/**
 * `simulate --schedule-only --epochs-from FILE`: the epochs each iteration of a trained run used,
 * read from what that run wrote, so the schedule costed is that run's (the enumerator alone
 * cannot know where early stopping ended a training). Accepted: a simulation report
 * (report.json of `rbnn-sim run`: `training.iterations[].epochsRun`) or a training result
 * (`iterations[].epochsRun`, as `rbnn-sim train --json` and the reproduction's runs.json hold).
 * Errors name the field `epochsFrom`; the CLI says --epochs-from.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../config/errors.js';
import type { Config } from '../config/schema.js';
import { networkSpec } from '../model/network.js';
import { checkEpochsPerIteration } from '../trainer/schedule.js';

interface Iterations {
  iterations?: Array<{ epochsRun?: unknown }>;
  dims?: unknown;
}
interface ReportLike extends Iterations {
  kind?: string;
  training?: Iterations;
  network?: { dims?: unknown } | null;
}

/** Epochs per iteration of the run recorded in `file`, checked against the configured model. */
export function epochsFrom(file: string, cfg: Config): number[] {
  let parsed: ReportLike;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as ReportLike;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.message;
    throw new UserError(`epochsFrom: cannot read ${file} (${why})`);
  }
  const source = parsed.kind === 'rbnn-sim.report' ? parsed.training : parsed;
  const its = source?.iterations;
  if (!Array.isArray(its) || its.length === 0) {
    const expected = 'expected a report.json of a training run, or a training result';
    throw new UserError(`epochsFrom: ${file} holds no trained iterations (${expected})`);
  }
  const epochs = its.map((i) => i.epochsRun);
  if (!epochs.every((e): e is number => typeof e === 'number'))
    throw new UserError(`epochsFrom: ${file}: an iteration has no epochsRun`);
  const dims = parsed.kind === 'rbnn-sim.report' ? parsed.network?.dims : parsed.dims;
  const { topology, plan } = networkSpec(cfg.model);
  if (Array.isArray(dims) && dims.join('-') !== topology.dims.join('-')) {
    const configured = topology.dims.join('-');
    throw new UserError(
      `epochsFrom: ${file} is a run of a ${dims.join('-')} network but the configuration is ${configured}`,
    );
  }
  try {
    checkEpochsPerIteration(epochs, plan.iterations.length);
  } catch (e) {
    throw new UserError(`epochsFrom: ${file}: ${(e as Error).message}`);
  }
  return epochs;
}
