/**
 * Writing a sweep's files into its output folder:
 *
 *   sweep.json   the spec and one row per point (what `rbnn-sim merge` reads)
 *   sweep.csv    one row per point, units in the headers
 *   summary.md   tables per workload, the Pareto front, storage budgets, the plots
 *   *.svg        the plots (experiments/sweep/plots.ts)
 *
 * The files go into an output set (io/output-set.ts), opened by the command before any work:
 * all of them or none; plots of an earlier sweep in the same folder that this one does not draw
 * are removed (so the folder never mixes two sweeps). A plot that fails to render is left out
 * with a warning: a plot never costs the sweep its data files.
 */
import { OutputSet } from '../../io/output-set.js';
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
  const what =
    s.mode === 'storage'
      ? 'storage-constrained candidates'
      : s.presets.length
        ? s.presets.join(', ')
        : 'default workload';
  return `${what}, ${s.scheduleOnly ? 'schedule-only' : 'trained on MNIST'}`;
}

export interface WriteOptions {
  plots?: boolean;
  /** Where warnings go (a plot that could not be drawn). */
  warn?: (message: string) => void;
}

/** Writes the sweep's files into the output set (or a folder) and commits it; returns their paths. */
export async function writeSweepOutputs(
  to: OutputSet | string,
  res: SweepResult,
  opts: WriteOptions = {},
): Promise<string[]> {
  const out = typeof to === 'string' ? openSweepOutputs(to, 'rbnn-sim sweep') : to;
  try {
    return await writeInto(out, res, opts);
  } finally {
    out.abort();
  }
}

/** The output set of a sweep's folder: checked, created and locked (call before any work). */
export function openSweepOutputs(dir: string, command: string): OutputSet {
  return OutputSet.open(dir, { what: 'sweep outputs', command });
}

async function writeInto(out: OutputSet, res: SweepResult, opts: WriteOptions): Promise<string[]> {
  const paths = res.rows.length ? Object.keys(res.rows[0]!.values) : res.spec.axes.map((a) => a.path);
  const wanted: Plot[] = opts.plots === false ? [] : sweepPlots(res.rows, plotTitle(res));
  const rendered = await Promise.all(
    wanted.map((p) =>
      renderSvg(p.spec).then(
        (svg) => svg,
        (e: unknown) => {
          opts.warn?.(
            `warning: plot ${p.file} not drawn (${String((e as Error)?.message ?? e).split('\n')[0]}); the data ` +
              `files are complete`,
          );
          return null;
        },
      ),
    ),
  );
  const plots = wanted.filter((_, i) => rendered[i] !== null);
  const files: Array<[string, string]> = [
    [RESULT_FILE, `${JSON.stringify(res, null, 1)}\n`],
    [CSV_FILE, toCsv(res.rows, paths)],
    [SUMMARY_FILE, summaryMarkdown(res, plots)],
    ...plots.map((p): [string, string] => [p.file, rendered[wanted.indexOf(p)]!]),
  ];
  for (const [name, text] of files) out.write(name, text);
  for (const name of PLOT_FILES) if (!plots.some((p) => p.file === name)) out.remove(name);
  return out.commit();
}
