/** --checkpoint and --resume for the commands that train (`train`, `run`); see experiments/checkpoints.ts. */
import type { Argv } from 'yargs';
import { UserError } from '../config/errors.js';
import type { Config } from '../config/schema.js';
import { planCheckpoints as plan, type CheckpointPlan } from '../experiments/checkpoints.js';
import type { CheckpointKind } from '../trainer/checkpoint.js';
import { namingFlagsSync } from './flag-errors.js';

export interface CheckpointArgs {
  /** A folder, or false for --no-checkpoint. */
  checkpoint?: string | boolean;
  resume?: string;
}

const GROUP = 'Checkpoints:';
const CHECKPOINT =
  'folder for checkpoints, written after every epoch and iteration (default: <--out>/checkpoint when --out is ' +
  'set; --no-checkpoint: none)';
const RESUME = 'continue the interrupted run whose checkpoint folder is DIR (give the same configuration flags)';

/** Adds --checkpoint DIR (--no-checkpoint) and --resume DIR. */
export function withCheckpointOptions<T>(y: Argv<T>): Argv<T & CheckpointArgs> {
  return y.options({
    checkpoint: { type: 'string', requiresArg: true, group: GROUP, describe: CHECKPOINT },
    resume: { type: 'string', requiresArg: true, group: GROUP, describe: RESUME },
  }) as Argv<T & CheckpointArgs>;
}

/** Where checkpoints go and what to resume from (experiments/checkpoints.ts), errors naming the flags. */
export function planCheckpoints(argv: CheckpointArgs, cfg: Config, kind: CheckpointKind, tracing = false) {
  const warn = (m: string): void => {
    process.stderr.write(`rbnn-sim: ${m}\n`);
  };
  if (tracing && (typeof argv.checkpoint === 'string' || argv.resume !== undefined)) {
    const flag = argv.resume !== undefined ? '--resume' : '--checkpoint';
    throw new UserError(`${flag} cannot be combined with an access trace (a trace covers one uninterrupted run)`);
  }
  const flags = { checkpoint: '--checkpoint', resume: '--resume' };
  return namingFlagsSync(flags, (): CheckpointPlan => plan(argv, cfg, kind, { tracing, warn }));
}
