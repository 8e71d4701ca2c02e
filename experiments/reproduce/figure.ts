/**
 * The paper's Figure 4 analog: test error vs weight storage, RBNN vs conventional, ours (mean
 * over seeds, bars from the best to the worst seed) beside the paper's Table 2 points. A
 * vega-lite spec rendered headless to SVG (vega + vega-lite, no browser).
 */
import type { ReproductionResult } from './reproduce.js';

export interface FigurePoint {
  row: string;
  model: 'RBNN' | 'conventional';
  source: 'ours' | 'paper';
  storageKiB: number;
  errorPct: number;
  errorLoPct: number;
  errorHiPct: number;
  label: string;
}

export function figurePoints(r: ReproductionResult): FigurePoint[] {
  const pts: FigurePoint[] = [];
  for (const x of r.rows) {
    const model = x.model === 'rbnn' ? 'RBNN' : 'conventional';
    pts.push({
      row: x.id,
      model,
      source: 'ours',
      storageKiB: x.storageKiB,
      errorPct: x.testError.mean * 100,
      errorLoPct: x.testError.min * 100,
      errorHiPct: x.testError.max * 100,
      label: `${x.id} (${x.bitsPerWeightFraction} b/w)`,
    });
    if (!r.quick) {
      pts.push({
        row: x.id,
        model,
        source: 'paper',
        storageKiB: x.paper.storageKiB,
        errorPct: x.paper.testError * 100,
        errorLoPct: x.paper.testError * 100,
        errorHiPct: x.paper.testError * 100,
        label: x.id,
      });
    }
  }
  return pts;
}

/** The vega-lite specification of the figure. */
export function figureSpec(r: ReproductionResult): Record<string, unknown> {
  const values = figurePoints(r);
  const subtitle = r.quick
    ? "--quick: tiny networks on a data subset, not the paper's scale"
    : `ours: mean of ${r.seeds.length} seeds (bars: best to worst seed); paper: Table 2`;
  const lo = Math.min(...values.map((v) => v.storageKiB)) / 1.25;
  const hi = Math.max(...values.map((v) => v.storageKiB)) * 1.25;
  const ticks = [1, 2, 4, 8, 16, 32, 64, 100, 128, 200, 256, 400, 512, 1000, 2000, 4000].filter(
    (t) => t >= lo && t <= hi,
  );
  const color = {
    field: 'model',
    type: 'nominal',
    title: 'model',
    scale: { domain: ['RBNN', 'conventional'], range: ['#1f77b4', '#d62728'] },
  };
  const shape = {
    field: 'source',
    type: 'nominal',
    title: 'source',
    scale: { domain: ['ours', 'paper'], range: ['circle', 'diamond'] },
    legend: {
      symbolFillColor: '#555',
      symbolStrokeColor: '#555',
      labelExpr: "datum.label === 'paper' ? 'paper (Table 2)' : 'ours'",
    },
  };
  const x = {
    field: 'storageKiB',
    type: 'quantitative',
    title: 'weight storage (KiB, log scale)',
    scale: { type: 'log', nice: false, padding: 20 },
    axis: { values: ticks, grid: true },
  };
  const y = { field: 'errorPct', type: 'quantitative', title: 'test error (%)', scale: { zero: false, padding: 12 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: 'Test error vs weight storage on MNIST: RBNN vs conventional binary-weight training',
      subtitle,
      fontSize: 13,
      subtitleFontSize: 11,
      anchor: 'start',
    },
    width: 560,
    height: 340,
    background: 'white',
    data: { values },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.5, opacity: 0.7 },
        encoding: {
          x,
          y,
          color,
          strokeDash: {
            field: 'source',
            type: 'nominal',
            title: 'source',
            scale: {
              domain: ['ours', 'paper'],
              range: [
                [1, 0],
                [5, 3],
              ],
            },
          },
          detail: { field: 'source' },
          order: { field: 'storageKiB', type: 'quantitative' },
        },
      },
      {
        transform: [{ filter: "datum.source === 'ours'" }],
        mark: { type: 'rule', strokeWidth: 1.5 },
        encoding: { x, y: { field: 'errorLoPct', type: 'quantitative' }, y2: { field: 'errorHiPct' }, color },
      },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x,
          y,
          color,
          shape,
          tooltip: [{ field: 'label' }, { field: 'errorPct', format: '.2f' }, { field: 'storageKiB', format: '.1f' }],
        },
      },
      {
        transform: [{ filter: "datum.source === 'ours'" }],
        mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10 },
        encoding: { x, y, text: { field: 'label' }, color },
      },
    ],
    config: { legend: { orient: 'right' }, axis: { labelFontSize: 11, titleFontSize: 12 } },
  };
}

interface VegaModule {
  View: new (runtime: unknown, opts: { renderer: string }) => { toSVG(): Promise<string>; finalize(): void };
  parse(spec: unknown): unknown;
}
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}

/** Renders the figure to SVG text; null when vega / vega-lite are not installed. */
export async function renderFigure(r: ReproductionResult): Promise<string | null> {
  let vega: VegaModule;
  let vegaLite: VegaLiteModule;
  try {
    // Names in variables: the packages are optional at type-check time.
    const vegaName = 'vega';
    const vegaLiteName = 'vega-lite';
    vega = (await import(vegaName)) as VegaModule;
    vegaLite = (await import(vegaLiteName)) as VegaLiteModule;
  } catch {
    return null;
  }
  const view = new vega.View(vega.parse(vegaLite.compile(figureSpec(r)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
