/** What a simulated run leaves besides its report: the outputs of a stopped run, the mappings file. */
import { dirname } from 'node:path';
import { formatMappings } from '../sim/mapper/format.js';
import type { SimReport } from '../sim/report.js';
import { formatReportJson, formatReportText, reportFiles } from '../sim/report-format.js';
import type { Config } from '../config/schema.js';
import { describePosition, saveCheckpoint, stopNote, type CheckpointPlan } from './checkpoints.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { makeDirs } from '../io/dirs.js';
import { writing } from '../io/fs-error.js';
import type { SimulateResult, StoppedRun } from './simulate.js';

/**
 * After a stop: writes the checkpoint (when the plan has a folder) and gives the partial report
 * (marked "incomplete": true) as text or JSON (`output.json`) and as report files, and the note
 * that says how to continue.
 */
export function stoppedRunOutputs(
  cfg: Config,
  plan: CheckpointPlan,
  report: SimReport,
  stopped: StoppedRun,
): { text: string; files: Array<[string, string]>; note: string } {
  const where = describePosition(stopped.state.next);
  const checkpoint = saveCheckpoint(plan, cfg, 'run', stopped.state, stopped.simulator);
  const partial = { incomplete: true, stoppedAt: stopped.state.next, checkpoint, ...report } as SimReport;
  const text = cfg.output.json
    ? formatReportJson(partial)
    : `INCOMPLETE: stopped at ${where}\n\n${formatReportText(partial)}`;
  const files = reportFiles(partial, `rbnn-sim report (INCOMPLETE: stopped at ${where})`);
  return { text, files, note: stopNote('run', where, checkpoint, plan.dir) };
}

/** Writes every distinct shape's chosen mapping to `file` (its folder created; atomically). */
export function writeMappingsFile(file: string, mappings: SimulateResult['mappings'], objective: string): void {
  const text = formatMappings(mappings ?? [], objective);
  writing(`the mappings file ${file}`, () => {
    makeDirs(dirname(file));
    writeFileAtomic(file, text);
  });
}
