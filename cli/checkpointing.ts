/**
 * --checkpoint and --resume for the commands that train (`train`, `run`): where checkpoints go,
 * which checkpoint a run continues from, and the checks made before a long run starts (the
 * folders can be written, the checkpoint fits the configuration). See docs/CHECKPOINTS.md.
 */
import { dirname, join } from 'node:path';
import { statSync } from 'node:fs';
import type { Argv } from 'yargs';
import type { Config } from '../config/schema.js';
import { UserError, isUserError } from '../config/errors.js';
import { Simulator, type SimulatorState } from '../sim/simulator.js';
import type { Position } from '../trainer/checkpoint-state.js';
import {
  CHECKPOINT_FILE,
  checkResumable,
  checkWritableDir,
  checkpointPath,
  readCheckpoint,
  type Checkpoint,
  type CheckpointKind,
} from '../trainer/checkpoint.js';

export interface CheckpointArgs {
  /** A folder, or false for --no-checkpoint. */
  checkpoint?: string | boolean;
  resume?: string;
}

const GROUP = 'Checkpoints:';

/** Adds --checkpoint DIR (--no-checkpoint) and --resume DIR. */
export function withCheckpointOptions<T>(y: Argv<T>): Argv<T & CheckpointArgs> {
  return y
    .option('checkpoint', {
      type: 'string',
      requiresArg: true,
      group: GROUP,
      describe:
        'folder for checkpoints, written after every epoch and iteration (default: <--out>/checkpoint when --out is set; --no-checkpoint: none)',
    })
    .option('resume', {
      type: 'string',
      requiresArg: true,
      group: GROUP,
      describe: 'continue the interrupted run whose checkpoint folder is DIR (give the same configuration flags)',
    }) as Argv<T & CheckpointArgs>;
}

export interface CheckpointPlan {
  /** Folder checkpoints are written to (null: none). */
  dir: string | null;
  /** The checkpoint to continue from (null: a fresh run), and its file. */
  resume: Checkpoint | null;
  resumeFile: string | null;
}

/**
 * Decides where checkpoints go and reads the one to resume from, checking everything that can
 * be checked before training starts. `tracing`: a trace is being written (a trace covers one
 * uninterrupted run, so checkpoints are off by default and --checkpoint/--resume are refused).
 */
export function planCheckpoints(
  argv: CheckpointArgs,
  cfg: Config,
  kind: CheckpointKind,
  tracing = false,
): CheckpointPlan {
  const flag = argv.checkpoint;
  if (flag === true || flag === '') throw new UserError('--checkpoint: expected a folder');
  if (argv.resume === '') throw new UserError('--resume: expected a checkpoint folder');
  if (tracing && (typeof flag === 'string' || argv.resume !== undefined)) {
    throw new UserError(
      `--${argv.resume !== undefined ? 'resume' : 'checkpoint'} cannot be combined with an access trace (a trace covers one uninterrupted run)`,
    );
  }
  if (cfg.output.dir) checkWritableDir(cfg.output.dir, 'report files');
  let resume: Checkpoint | null = null;
  let resumeFile: string | null = null;
  let dir: string | null = null;
  if (argv.resume !== undefined) {
    resumeFile = checkpointPath(argv.resume);
    resume = readCheckpoint(argv.resume);
    checkResumable(resume, cfg, kind, resumeFile);
    if (kind === 'run') {
      try {
        new Simulator(cfg).restoreState(resume.simulator as SimulatorState);
      } catch (e) {
        if (isUserError(e)) throw e;
        throw new UserError(
          `checkpoint ${resumeFile}: inconsistent simulator state (${(e as Error).message.replace(/^Simulator\.restoreState: /, '')})`,
        );
      }
    }
    dir = isFile(argv.resume) ? dirname(argv.resume) : argv.resume;
  }
  if (typeof flag === 'string') dir = flag;
  else if (flag === false) dir = null;
  else if (dir === null && cfg.output.dir && !tracing) dir = join(cfg.output.dir, 'checkpoint');
  if (dir !== null) {
    checkWritableDir(dir, 'checkpoints');
    if (!resume) warnIfUnfinished(dir);
  }
  return { dir, resume, resumeFile };
}

/** "iteration 2, epoch 3, batch 17" */
export function describePosition(p: Position): string {
  if (p.stage === 'done') return `finished after iteration ${p.iteration}`;
  if (p.stage === 'test') return `iteration ${p.iteration}, after its last epoch`;
  return p.batch === 0
    ? `iteration ${p.iteration}, start of epoch ${p.epoch}`
    : `iteration ${p.iteration}, epoch ${p.epoch}, batch ${p.batch}`;
}

/** A fresh run is about to replace the checkpoint of an unfinished one: say so. */
function warnIfUnfinished(dir: string): void {
  let c: Checkpoint;
  try {
    c = readCheckpoint(dir);
  } catch {
    return; // none, or not readable: nothing worth keeping
  }
  if (c.state.next.stage === 'done') return;
  process.stderr.write(
    `rbnn-sim: note: ${join(dir, CHECKPOINT_FILE)} holds an unfinished run (${describePosition(c.state.next)}); this new run replaces it (--resume ${dir} continues it instead)\n`,
  );
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
