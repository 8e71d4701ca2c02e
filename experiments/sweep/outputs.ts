/**
 * Writing a sweep's files into its output folder:
 *
 *   sweep.json   the spec and one row per point (what `rbnn-sim merge` reads)
 *   sweep.csv    one row per point, units in the headers
 *   summary.md   tables per workload, the Pareto front, storage budgets, the plots
 *   *.svg        the plots (experiments/sweep/plots.ts)
 *
 * Everything is computed first and each file written through a temporary file and a rename, so
 * an interrupted sweep leaves no half-written file; plots of an earlier sweep in the same folder
 * that this one does not draw are removed (so the folder never mixes two sweeps).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../sim/report-format.js';
import { RESULT_FILE } from './merge.js';
import { renderSvg, sweepPlots, type Plot } from './plots.js';
import { toCsv } from './row.js';
import type { SweepResult } from './runner.js';
import { summaryMarkdown } from './summary.js';

export const CSV_FILE = 'sweep.csv';
export const SUMMARY_FILE = 'summary.md';
const PLOT_FILES = ['energy-vs-sram.svg', 'dram-vs-sram.svg', 'error-vs-storage.svg', 'pareto-error-energy.svg'];

/** A short description of the sweep for plot subtitles. */
function plotTitle(res: SweepResult): string {
  const s = res.spec;
  const what = s.mode === 'storage' ? 'storage-constrained candidates' : (s.presets.length ? s.presets.join(', ') : 'default workload');
  return `${what}, ${s.scheduleOnly ? 'schedule-only' : 'trained on MNIST'}`;
}

export interface WriteOptions {
  plots?: boolean;
}

/** Writes the sweep's files into `dir`; returns their paths. */
export async function writeSweepOutputs(dir: string, res: SweepResult, opts: WriteOptions = {}): Promise<string[]> {
  const paths = res.rows.length ? Object.keys(res.rows[0]!.values) : res.spec.axes.map((a) => a.path);
  const plots: Plot[] = opts.plots === false ? [] : sweepPlots(res.rows, plotTitle(res));
  const svgs = await Promise.all(plots.map((p) => renderSvg(p.spec)));
  const files: Array<[string, string]> = [
    [RESULT_FILE, `${JSON.stringify(res, null, 1)}\n`],
    [CSV_FILE, toCsv(res.rows, paths)],
    [SUMMARY_FILE, summaryMarkdown(res, plots)],
    ...plots.map((p, i): [string, string] => [p.file, svgs[i]!]),
  ];
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of files) {
    const file = join(dir, name);
    writeFileAtomic(file, text);
    written.push(file);
  }
  for (const name of PLOT_FILES) if (!plots.some((p) => p.file === name)) rmSync(join(dir, name), { force: true });
  return written;
}
