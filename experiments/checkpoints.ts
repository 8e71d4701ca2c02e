/**
 * Checkpoints of the commands that train (`train`, `run`): where they go, which one a run
 * continues from, and the checks made before a long run starts (the folders can be written, the
 * checkpoint fits the configuration). See docs/CHECKPOINTS.md. Errors name the fields
 * `checkpoint` and `resume`; the CLI says its flags.
 */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isUserError, UserError } from '../config/errors.js';
import type { Config } from '../config/schema.js';
import { Simulator, type SimulatorState } from '../sim/simulator.js';
import {
  CHECKPOINT_FILE,
  checkpointPath,
  checkResumable,
  checkWritableDir,
  makeCheckpoint,
  readCheckpoint,
  writeCheckpoint,
  type Checkpoint,
  type CheckpointKind,
} from '../trainer/checkpoint.js';
import type { Position, TrainState } from '../trainer/checkpoint-state.js';

export interface CheckpointChoice {
  /** A folder, false for none; absent: <output.dir>/checkpoint when the output folder is set. */
  checkpoint?: string | boolean;
  /** The checkpoint folder (or file) of the run to continue. */
  resume?: string;
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
 * uninterrupted run, so checkpoints are off by default and choosing them is refused). `warn`
 * hears of an unfinished run's checkpoint that a fresh run is about to replace.
 */
export function planCheckpoints(
  choice: CheckpointChoice,
  cfg: Config,
  kind: CheckpointKind,
  opts: { tracing?: boolean; warn?: (message: string) => void } = {},
): CheckpointPlan {
  const { checkpoint: flag, resume: from } = choice;
  const tracing = opts.tracing === true;
  if (flag === true || flag === '') throw new UserError('checkpoint: expected a folder');
  if (from === '') throw new UserError('resume: expected a checkpoint folder');
  if (tracing && (typeof flag === 'string' || from !== undefined)) {
    const field = from !== undefined ? 'resume' : 'checkpoint';
    throw new UserError(`${field}: cannot be combined with an access trace (a trace covers one uninterrupted run)`);
  }
  if (cfg.output.dir) checkWritableDir(cfg.output.dir, 'report files');
  let resume: Checkpoint | null = null;
  let resumeFile: string | null = null;
  let dir: string | null = null;
  if (from !== undefined) {
    resumeFile = checkpointPath(from);
    resume = readCheckpoint(from);
    checkResumable(resume, cfg, kind, resumeFile);
    if (kind === 'run') checkSimulatorState(cfg, resume, resumeFile);
    dir = isFile(from) ? dirname(from) : from;
  }
  if (typeof flag === 'string') dir = flag;
  else if (flag === false) dir = null;
  else if (dir === null && cfg.output.dir && !tracing) dir = join(cfg.output.dir, 'checkpoint');
  if (dir !== null) {
    checkWritableDir(dir, 'checkpoints');
    const unfinished = resume ? null : unfinishedRun(dir);
    if (unfinished) opts.warn?.(unfinished);
  }
  return { dir, resume, resumeFile };
}

function checkSimulatorState(cfg: Config, resume: Checkpoint, file: string): void {
  try {
    new Simulator(cfg).restoreState(resume.simulator as SimulatorState);
  } catch (e) {
    if (isUserError(e)) throw e;
    const why = (e as Error).message.replace(/^Simulator\.restoreState: /, '');
    throw new UserError(`checkpoint ${file}: inconsistent simulator state (${why})`);
  }
}

/** Writes the checkpoint of `state` into the plan's folder; its file, or null when checkpoints are off. */
export function saveCheckpoint(
  plan: CheckpointPlan,
  cfg: Config,
  kind: CheckpointKind,
  state: TrainState,
  simulator?: SimulatorState,
): string | null {
  return plan.dir ? writeCheckpoint(plan.dir, makeCheckpoint(cfg, kind, state, simulator)) : null;
}

/** "iteration 2, epoch 3, batch 17" */
export function describePosition(p: Position): string {
  if (p.stage === 'done') return `finished after iteration ${p.iteration}`;
  if (p.stage === 'test') return `iteration ${p.iteration}, after its last epoch`;
  return p.batch === 0
    ? `iteration ${p.iteration}, start of epoch ${p.epoch}`
    : `iteration ${p.iteration}, epoch ${p.epoch}, batch ${p.batch}`;
}

/** What to tell after a stop: where the checkpoint is and how to continue (`command`: train or run). */
export function stopNote(command: string, where: string, file: string | null, dir: string | null): string {
  if (!file) return 'stopped; no checkpoint was written (give --checkpoint DIR or --out DIR to be able to resume)';
  const how = `rbnn-sim ${command} --resume ${dir} and the same configuration flags`;
  return `stopped at ${where}; checkpoint ${file}; continue with: ${how}`;
}

/** A note when `dir` holds the checkpoint of an unfinished run (which a fresh run replaces). */
function unfinishedRun(dir: string): string | null {
  let c: Checkpoint;
  try {
    c = readCheckpoint(dir);
  } catch {
    return null; // none, or not readable: nothing worth keeping
  }
  if (c.state.next.stage === 'done') return null;
  const file = join(dir, CHECKPOINT_FILE);
  const position = describePosition(c.state.next);
  return (
    `note: ${file} holds an unfinished run (${position}); this new run replaces it (--resume ${dir} continues ` +
    `it instead)`
  );
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
