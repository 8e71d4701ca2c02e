/**
 * The sweep's SVG plots, as Vega-Lite specifications rendered headless in Node (vega's View with
 * renderer "none" and toSVG(): no browser, no canvas):
 *
 *   energy-vs-sram.svg        energy per training run vs SRAM capacity (log-log), one line per workload
 *   dram-vs-sram.svg          DRAM bytes read and written vs SRAM capacity (log-log)
 *   error-vs-storage.svg      test error vs weight storage, RBNN vs conventional (the paper's Figure 4)
 *   pareto-error-energy.svg   test error vs energy per training run, with the Pareto front
 *
 * The vs-SRAM plots need at least two SRAM sizes; the error plots need trained points (not
 * schedule-only). Each plot is a pure function of the rows, so a merged sweep draws the same SVG.
 */
import type { SweepRow } from './row.js';
import { extent, isLogPlottable, leftOutNote, logDomain, logTicks } from './plot-axes.js';

const KiB = 8 * 1024;
const MiB = 8 * 1024 * 1024;
const GiB = 8 * 1024 * 1024 * 1024;
const SRAM_PATH = 'hardware.sram.capacity';

export interface Plot {
  file: string;
  title: string;
  spec: Record<string, unknown>;
}

const CONFIG = {
  background: 'white',
  font: 'Helvetica, Arial, sans-serif',
  title: { fontSize: 16, subtitleFontSize: 12, subtitleColor: '#444', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 12, titleFontSize: 13, titlePadding: 10, gridColor: '#e4e4e4' },
  legend: { labelFontSize: 12, titleFontSize: 13, symbolSize: 90, labelLimit: 320 },
  view: { stroke: '#888' },
};

const FAMILY_NAME = { rbnn: 'RBNN', conventional: 'Conventional (BinaryConnect)' } as const;
/** The same two colours for the families in every plot. */
const FAMILY_SCALE = { domain: [FAMILY_NAME.rbnn, FAMILY_NAME.conventional], range: ['#d62728', '#1f77b4'] };

/** The colour channel of a series field: family colours when the series are the families. */
function seriesColor(byFamily: boolean, legendTitle: string | null): Record<string, unknown> {
  return {
    field: 'series',
    type: 'nominal',
    ...(byFamily ? { scale: FAMILY_SCALE } : {}),
    legend: legendTitle === null ? null : { title: byFamily ? 'Family' : legendTitle },
  };
}

/** The series of a row: its workload and the swept values other than the SRAM capacity. */
function seriesOf(r: SweepRow, paths: readonly string[]): string {
  const other = paths.filter((p) => p !== SRAM_PATH).map((p) => `${p.split('.').pop()}=${String(r.values[p])}`);
  return other.length ? `${r.workload} (${other.join(', ')})` : r.workload;
}

function pathsOf(rows: readonly SweepRow[]): string[] {
  return rows.length ? Object.keys(rows[0]!.values) : [];
}

/** The plots the rows support. */
export function sweepPlots(rows: readonly SweepRow[], title: string): Plot[] {
  const plots: Array<Plot | null> = [];
  const paths = pathsOf(rows);
  const srams = new Set(rows.map((r) => r.sramBits));
  const manySeries = new Set(rows.map((r) => seriesOf(r, paths))).size > 12;
  if (srams.size >= 2)
    plots.push(energyVsSram(rows, paths, title, manySeries), dramVsSram(rows, paths, title, manySeries));
  const trained = rows.filter((r) => r.testError !== null && Number.isFinite(r.testError));
  if (trained.length > 0) plots.push(errorVsStorage(trained, title), pareto(trained, paths, title, manySeries));
  // A plot with nothing a log axis can show is not drawn.
  return plots.filter((p): p is Plot => p !== null);
}

function energyVsSram(
  rows: readonly SweepRow[],
  paths: readonly string[],
  title: string,
  byFamily: boolean,
): Plot | null {
  const all = rows.map((r) => ({
    series: byFamily ? FAMILY_NAME[r.family] : seriesOf(r, paths),
    sram: r.sramBits / KiB,
    energy: r.energyJ,
    placement: r.onChip ? 'all on chip' : 'spills to DRAM',
    workload: r.workload,
  }));
  const data = all.filter((d) => isLogPlottable(d.energy) && isLogPlottable(d.sram));
  if (data.length === 0) return null;
  const kib = data.map((d) => d.sram);
  const x = {
    field: 'sram',
    type: 'quantitative',
    scale: { type: 'log', base: 2, domain: logDomain(kib, 1.1) },
    axis: {
      title: 'SRAM capacity (KiB, log scale)',
      values: logTicks(...extent(kib), true),
      format: 'd',
      labelFlush: false,
    },
  };
  const yd = logDomain(
    data.map((d) => d.energy),
    1.3,
  );
  const y = {
    field: 'energy',
    type: 'quantitative',
    scale: { type: 'log', domain: yd },
    axis: { title: 'Energy per training run (J, log scale)', values: logTicks(...yd, false), format: '~g' },
  };
  return {
    file: 'energy-vs-sram.svg',
    title: 'Energy per training run vs SRAM capacity',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: {
        text: 'Energy per training run vs SRAM capacity',
        subtitle:
          `${title}; filled dot: weights and working set all on ` +
          `chip${leftOutNote(all.length, data.length, 'energy')}`,
      },
      width: 620,
      height: 380,
      config: CONFIG,
      data: { values: data },
      layer: [
        {
          mark: { type: 'line', strokeWidth: 2, interpolate: 'linear' },
          encoding: { x, y, color: seriesColor(byFamily, 'Workload'), detail: { field: 'workload' } },
        },
        {
          mark: { type: 'point', size: 70, strokeWidth: 2 },
          encoding: {
            x,
            y,
            color: seriesColor(byFamily, null),
            fill: {
              condition: { test: "datum.placement === 'all on chip'", ...seriesColor(byFamily, null) },
              value: 'white',
            },
            detail: { field: 'workload' },
          },
        },
      ],
    },
  };
}

function dramVsSram(
  rows: readonly SweepRow[],
  paths: readonly string[],
  title: string,
  byFamily: boolean,
): Plot | null {
  const most = rows.reduce((m, r) => Math.max(m, r.dramReadBytes, r.dramWriteBytes), 0);
  const [unit, per] = most * 8 >= 10 * GiB ? ['GiB', GiB] : ['MiB', MiB];
  const data = rows
    .flatMap((r) => [
      {
        series: byFamily ? FAMILY_NAME[r.family] : seriesOf(r, paths),
        workload: r.workload,
        sram: r.sramBits / KiB,
        direction: 'read',
        mib: (r.dramReadBytes * 8) / per,
      },
      {
        series: byFamily ? FAMILY_NAME[r.family] : seriesOf(r, paths),
        workload: r.workload,
        sram: r.sramBits / KiB,
        direction: 'written',
        mib: (r.dramWriteBytes * 8) / per,
      },
    ])
    .filter((d) => isLogPlottable(d.mib) && isLogPlottable(d.sram));
  if (data.length === 0) return null;
  const kib = data.map((d) => d.sram);
  const x = {
    field: 'sram',
    type: 'quantitative',
    scale: { type: 'log', base: 2, domain: logDomain(kib, 1.1) },
    axis: { title: 'SRAM capacity (KiB, log scale)', values: logTicks(...extent(kib), true), format: 'd' },
  };
  const yd = logDomain(data.map((d) => d.mib));
  const y = {
    field: 'mib',
    type: 'quantitative',
    scale: { type: 'log', domain: yd },
    axis: { title: `DRAM traffic per training run (${unit}, log scale)`, values: logTicks(...yd, false), format: '~g' },
  };
  const enc = {
    x,
    y,
    color: seriesColor(byFamily, 'Workload'),
    strokeDash: {
      field: 'direction',
      type: 'nominal',
      scale: {
        domain: ['read', 'written'],
        range: [
          [1, 0],
          [6, 4],
        ],
      },
      legend: { title: 'DRAM' },
    },
    detail: { field: 'workload' },
  };
  return {
    file: 'dram-vs-sram.svg',
    title: 'DRAM traffic vs SRAM capacity',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: {
        text: 'DRAM traffic per training run vs SRAM capacity',
        subtitle: `${title}; solid: bytes read, dashed: bytes written (0 B not drawn)`,
      },
      width: 620,
      height: 380,
      config: CONFIG,
      data: { values: data },
      layer: [
        { mark: { type: 'line', strokeWidth: 2 }, encoding: enc },
        {
          mark: { type: 'point', size: 40, filled: true },
          encoding: {
            x,
            y,
            color: enc.color,
            shape: {
              field: 'direction',
              type: 'nominal',
              scale: { domain: ['read', 'written'], range: ['circle', 'triangle-up'] },
              legend: null,
            },
          },
        },
      ],
    },
  };
}

/** Points of `xs` not dominated in (x, y) (both smaller is better), sorted by x. */
export function paretoFront<T>(xs: readonly T[], x: (t: T) => number, y: (t: T) => number): T[] {
  const sorted = [...xs].sort((a, b) => x(a) - x(b) || y(a) - y(b));
  const front: T[] = [];
  let best = Infinity;
  for (const p of sorted) {
    if (y(p) < best) {
      front.push(p);
      best = y(p);
    }
  }
  return front;
}

function errorVsStorage(rows: readonly SweepRow[], title: string): Plot | null {
  // One dot per training run (rows sharing a run share its error and storage).
  const seen = new Set<string>();
  const runs = rows.filter(
    (r) => isLogPlottable(r.weightStorageBits) && !seen.has(r.trainingId) && seen.add(r.trainingId),
  );
  if (runs.length === 0) return null;
  // Label side: the second point of a family at the same storage gets its label on the other side.
  const seenAt = new Map<string, number>();
  const data = [...runs]
    .sort((a, b) => a.testError! - b.testError!)
    .map((r) => {
      const at = `${r.family}/${r.weightStorageBits}`;
      const n = seenAt.get(at) ?? 0;
      seenAt.set(at, n + 1);
      return {
        family: FAMILY_NAME[r.family],
        storage: r.weightStorageBits / KiB,
        error: 100 * r.testError!,
        label: shortName(r),
        flip: n % 2 === 1,
      };
    });
  const fronts = (['rbnn', 'conventional'] as const).flatMap((f) =>
    paretoFront(
      runs.filter((r) => r.family === f),
      (r) => r.weightStorageBits,
      (r) => r.testError!,
    ).map((r) => ({ family: FAMILY_NAME[f], storage: r.weightStorageBits / KiB, error: 100 * r.testError! })),
  );
  const st = data.map((d) => d.storage);
  const x = {
    field: 'storage',
    type: 'quantitative',
    scale: { type: 'log', base: 2, domain: logDomain(st, 1.3) },
    axis: { title: 'Weight storage (KiB, log scale)', values: logTicks(...logDomain(st, 1.3), true), format: 'd' },
  };
  const y = {
    field: 'error',
    type: 'quantitative',
    scale: { zero: false, nice: false, padding: 24 },
    axis: { title: 'Test error (%)' },
  };
  const color = { field: 'family', type: 'nominal', scale: FAMILY_SCALE, legend: { title: 'Training' } };
  return {
    file: 'error-vs-storage.svg',
    title: 'Test error vs weight storage',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: {
        text: 'Test error vs weight storage: RBNN vs conventional',
        subtitle: [
          `${title}; lines: best test error at or below each storage`,
          ...(runs.some((r) => /^(rbnn|conventional) /.test(r.workload))
            ? ['labels: RBNN h0 x k iterations, n-bit slots; conventional h hidden units, n-bit weights']
            : []),
        ],
      },
      width: 620,
      height: 380,
      config: CONFIG,
      layer: [
        {
          data: { values: fronts },
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5, opacity: 0.8 },
          encoding: { x, y, color },
        },
        {
          data: { values: data },
          mark: { type: 'point', size: 80, filled: true, opacity: 0.9 },
          encoding: {
            x,
            y,
            color,
            shape: {
              field: 'family',
              type: 'nominal',
              scale: { domain: [FAMILY_NAME.rbnn, FAMILY_NAME.conventional], range: ['circle', 'square'] },
              legend: { title: 'Training' },
            },
          },
        },
        // Labels: RBNN below left, conventional above right (fewer collisions between the families);
        // a second point at the same storage has its label on the other side.
        ...[false, true].flatMap((flip) => [
          {
            data: { values: data.filter((d) => d.family === FAMILY_NAME.rbnn && d.flip === flip) },
            mark: {
              type: 'text',
              align: flip ? 'left' : 'right',
              dx: flip ? 7 : -7,
              dy: 13,
              fontSize: 10,
              color: '#8b1a1a',
            },
            encoding: { x, y, text: { field: 'label' } },
          },
          {
            data: { values: data.filter((d) => d.family !== FAMILY_NAME.rbnn && d.flip === flip) },
            mark: {
              type: 'text',
              align: flip ? 'right' : 'left',
              dx: flip ? -7 : 7,
              dy: -7,
              fontSize: 10,
              color: '#17456e',
            },
            encoding: { x, y, text: { field: 'label' } },
          },
        ]),
      ],
    },
  };
}

function pareto(rows: readonly SweepRow[], paths: readonly string[], title: string, byFamily: boolean): Plot | null {
  const oneSram = new Set(rows.map((r) => r.sramBits)).size === 1;
  const all = rows.map((r) => ({
    series: byFamily ? FAMILY_NAME[r.family] : seriesOf(r, paths),
    energy: r.energyJ,
    error: 100 * r.testError!,
    label: oneSram ? shortName(r) : `${shortName(r)} @ ${sramText(r)}`,
  }));
  const data = all.filter((d) => isLogPlottable(d.energy));
  if (data.length === 0) return null;
  const front = paretoFront(
    data,
    (d) => d.energy,
    (d) => d.error,
  );
  const x = {
    field: 'energy',
    type: 'quantitative',
    scale: { type: 'log', domain: logDomain(data.map((d) => d.energy)) },
    axis: {
      title: 'Energy per training run (J, log scale)',
      values: logTicks(...logDomain(data.map((d) => d.energy)), false),
      format: '~g',
    },
  };
  const y = {
    field: 'error',
    type: 'quantitative',
    scale: { zero: false, nice: false, padding: 24 },
    axis: { title: 'Test error (%)' },
  };
  return {
    file: 'pareto-error-energy.svg',
    title: 'Pareto front: test error vs energy',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: {
        text: 'Test error vs energy per training run, with the Pareto front',
        subtitle:
          `${title}; black line and labels: points no other point beats on ` +
          `both${leftOutNote(all.length, data.length, 'energy')}`,
      },
      width: 620,
      height: 380,
      config: CONFIG,
      layer: [
        {
          data: { values: data },
          mark: { type: 'point', size: 60, filled: true, opacity: 0.75 },
          encoding: { x, y, color: seriesColor(byFamily, 'Workload') },
        },
        {
          data: { values: front },
          mark: { type: 'line', interpolate: 'step-after', color: 'black', strokeWidth: 1.5 },
          encoding: { x, y },
        },
        {
          data: { values: front },
          mark: { type: 'point', size: 120, shape: 'circle', color: 'black', strokeWidth: 1.5 },
          encoding: { x, y },
        },
        {
          data: { values: front },
          mark: { type: 'text', align: 'left', dx: 8, dy: -8, fontSize: 10, color: '#111' },
          encoding: { x, y, text: { field: 'label' } },
        },
      ],
    },
  };
}

function sramText(r: SweepRow): string {
  const swept = r.values[SRAM_PATH];
  if (typeof swept === 'string') return swept;
  const kib = r.sramBits / KiB;
  return kib >= 1024 ? `${Number((kib / 1024).toPrecision(3))} MiB` : `${Number(kib.toPrecision(4))} KiB`;
}

/** "R2", "rbnn h0=100 n=16 k=7" -> "RBNN 100x7 n16", "conventional h=800 n=12" -> "BC 800 n12". */
function shortName(r: SweepRow): string {
  const m = /^rbnn h0=(\d+) n=(\d+) k=(\d+)$/.exec(r.workload);
  if (m) return `${m[1]}x${m[3]}, n=${m[2]}`;
  const c = /^conventional h=(\d+) n=(\d+)$/.exec(r.workload);
  if (c) return `${c[1]}, n=${c[2]}`;
  return r.workload;
}

interface VegaModule {
  View: new (
    runtime: unknown,
    opts: { renderer: 'none'; logger?: unknown },
  ) => { toSVG(): Promise<string>; finalize(): void };
  parse(spec: unknown): unknown;
  logger(level: number): unknown;
  Error: number;
}
interface VegaLiteModule {
  compile(spec: unknown, opts?: { logger?: unknown }): { spec: unknown };
}

let modules: Promise<{ vega: VegaModule; vl: VegaLiteModule }> | undefined;

/** Renders a Vega-Lite spec to SVG text, headless. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({
    vega: vega as unknown as VegaModule,
    vl: vl as unknown as VegaLiteModule,
  }));
  const { vega, vl } = await modules;
  // Errors only: vega-lite warns about harmless merges of legend properties across layers.
  const logger = vega.logger(vega.Error);
  const view = new vega.View(vega.parse(vl.compile(spec, { logger }).spec), { renderer: 'none', logger });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
