/** What a simulated run leaves besides its report: the report of a stopped run, the mappings file. */
import { dirname } from 'node:path';
import { formatMappings } from '../sim/mapper/format.js';
import type { SimReport } from '../sim/report.js';
import { reportFiles } from '../sim/report-format.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { makeDirs } from '../io/dirs.js';
import { writing } from '../io/fs-error.js';
import type { SimulateResult, StoppedRun } from './simulate.js';

/** The partial report of a stopped run, marked "incomplete": true, and its report files. */
export function incompleteReport(
  report: SimReport,
  stopped: StoppedRun,
  checkpoint: string | null,
  where: string,
): { report: SimReport; files: Array<[string, string]> } {
  const partial = { incomplete: true, stoppedAt: stopped.state.next, checkpoint, ...report } as SimReport;
  return { report: partial, files: reportFiles(partial, `rbnn-sim report (INCOMPLETE: stopped at ${where})`) };
}

/** Writes every distinct shape's chosen mapping to `file` (its folder created; atomically). */
export function writeMappingsFile(file: string, mappings: SimulateResult['mappings'], objective: string): void {
  const text = formatMappings(mappings ?? [], objective);
  writing(`the mappings file ${file}`, () => {
    makeDirs(dirname(file));
    writeFileAtomic(file, text);
  });
}
