/**
 * A reproduction as a person states it (lists as text: seeds "1,2,3", SRAM sizes "128 KiB,1 MiB",
 * rows "R1,B2" or "all"), checked and turned into what `reproduce()` takes, the report's location,
 * the canonical command line the report quotes, and the flags a Slurm array task repeats.
 * Errors name the request's fields (seeds, lrGrid, sramSizes, ...); the CLI maps them to flags.
 */
import { basename, dirname, extname, join } from 'node:path';
import { UserError } from '../../config/errors.js';
import { parseQuantity } from '../../config/units.js';
import { readComparison } from './protocol-report.js';
import { checkPaperProtocol, DEFAULT_PAPER_DECAY, learningRatesWithSources, type PaperProtocol } from './protocol.js';
import type { ReproduceOptions, ReproductionResult } from './reproduce.js';
import { parseRows, type RowId } from './rows.js';

export const DEFAULT_SEEDS = '1,2,3';
export const FULL_LR_GRID = '1,2,3,5,8,13,21';
export const QUICK_LR_GRID = '3';
export const DEFAULT_SRAM = '128 KiB,512 KiB,1 MiB,2 MiB';
export const DEFAULT_REPORT = 'docs/REPRODUCTION.md';
export const QUICK_REPORT = 'out/reproduce-quick/REPRODUCTION.md';

export interface ReproductionRequest {
  seeds: string;
  /** The learning-rate grid (default FULL_LR_GRID; quick: QUICK_LR_GRID). */
  lr?: string;
  quick?: boolean;
  budget: number;
  rows: string;
  jobs: number;
  /** The Markdown report (default DEFAULT_REPORT; quick: QUICK_REPORT). */
  out?: string;
  sram: string;
  sets?: readonly string[];
  fresh?: boolean;
  protocol: string;
  cap: number;
  patience: number;
  lrDecay?: number;
  /** results.json files, comma-separated, giving each row's learning rate. */
  lrFrom?: string;
  /** --protocol paper: the equal-epochs results.json to set beside it. */
  compare?: string;
  storeOnly?: boolean;
  partial?: boolean;
}

export interface ReproductionPlan {
  rows: RowId[];
  seeds: number[];
  lrGrid: number[];
  quick: boolean;
  budget: number;
  jobs: number;
  sramSizes: number[];
  sets: string[];
  out: string;
  /** The folder beside the report: results.json, figure4.svg and the run store (training/). */
  assets: string;
  /** The request as one canonical command line (quoted in the report). */
  commandLine: string;
  /** The request as flags, for the tasks and the merge step of a Slurm array. */
  flags: string[];
  paper: PaperProtocol | undefined;
  rowLearningRates: ReproduceOptions['rowLearningRates'];
  learningRateSources: ReproduceOptions['learningRateSources'];
  compare: { file: string; result: ReproductionResult } | null;
  fresh: boolean;
  storeOnly: boolean;
  partial: boolean;
}

const items = (text: string): string[] =>
  String(text)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

function parseNumbers(text: string, field: string, integers: boolean): number[] {
  const xs = items(text).map(Number);
  const bad = (x: number): boolean =>
    !Number.isFinite(x) || x < 0 || (integers && !Number.isInteger(x)) || (!integers && x === 0);
  if (xs.length === 0 || xs.some(bad)) {
    const what = integers ? 'whole numbers' : 'positive numbers';
    throw new UserError(`${field}: expected a comma-separated list of ${what}, got ${JSON.stringify(text)}`);
  }
  return [...new Set(xs)];
}

/** docs/REPRODUCTION.md -> docs/reproduction */
export function assetsDir(out: string): string {
  return join(dirname(out), basename(out, extname(out)).toLowerCase());
}

/** Checks the request and resolves its lists, files and defaults. */
export function planReproduction(r: ReproductionRequest): ReproductionPlan {
  const quick = r.quick === true;
  const seeds = parseNumbers(r.seeds, 'seeds', true);
  const lrGrid = parseNumbers(r.lr ?? (quick ? QUICK_LR_GRID : FULL_LR_GRID), 'lrGrid', false);
  let rows: RowId[];
  try {
    rows = parseRows(r.rows);
  } catch (e) {
    throw new UserError(`rows: ${(e as Error).message}`);
  }
  if (!Number.isFinite(r.budget) || r.budget <= 0)
    throw new UserError(`budget: expected a positive number, got ${r.budget}`);
  if (!Number.isInteger(r.jobs) || r.jobs < 1)
    throw new UserError(`jobs: expected a whole number of at least 1, got ${r.jobs}`);
  const sramSizes = items(r.sram).map((s) => {
    const bits = parseQuantity(s, 'bit', 'sramSizes');
    if (bits <= 0) throw new UserError(`sramSizes: expected a positive size, got ${JSON.stringify(s)}`);
    return bits;
  });
  if (r.protocol !== 'equal-epochs' && r.protocol !== 'paper')
    throw new UserError(`protocol: expected equal-epochs or paper, got ${JSON.stringify(r.protocol)}`);
  let paper: PaperProtocol | undefined;
  if (r.protocol === 'paper') {
    paper = { cap: r.cap, patience: r.patience, lrDecay: r.lrDecay ?? DEFAULT_PAPER_DECAY };
    checkPaperProtocol(paper);
  }
  const lrFrom = r.lrFrom === undefined ? [] : items(r.lrFrom);
  const sources = lrFrom.length > 0 ? learningRatesWithSources(lrFrom, rows) : undefined;
  const bySource = Object.entries(sources ?? {});
  const compare = r.compare !== undefined ? { file: r.compare, result: readComparison(r.compare) } : null;
  const out = r.out ?? (quick ? QUICK_REPORT : DEFAULT_REPORT);
  const sets = [...(r.sets ?? [])];
  const plan = { seeds, lrGrid, quick, budget: r.budget, rows, jobs: r.jobs, out, sets, paper, lrFrom };
  return {
    ...plan,
    sramSizes,
    assets: assetsDir(out),
    commandLine: canonicalCommand(r, plan),
    flags: taskFlags(r, plan),
    rowLearningRates: sources && Object.fromEntries(bySource.map(([id, x]) => [id, x.learningRate])),
    learningRateSources:
      sources && Object.fromEntries(bySource.map(([id, x]) => [id, { file: x.file, lrDecay: x.lrDecay }])),
    compare,
    fresh: r.fresh === true,
    storeOnly: r.storeOnly === true,
    partial: r.partial === true,
  };
}

interface Resolved {
  seeds: number[];
  lrGrid: number[];
  quick: boolean;
  out: string;
  sets: string[];
  paper: PaperProtocol | undefined;
  lrFrom: string[];
}

/** --protocol paper and its settings (the decay when not the default). */
function paperFlags(p: PaperProtocol | undefined): string[] {
  if (!p) return [];
  const decay = p.lrDecay !== DEFAULT_PAPER_DECAY ? ['--lr-decay', String(p.lrDecay)] : [];
  return ['--protocol', 'paper', '--cap', String(p.cap), '--patience', String(p.patience), ...decay];
}

/** The flags that state this reproduction, as given, for the array's tasks and its merge step. */
function taskFlags(r: ReproductionRequest, p: Resolved): string[] {
  const given = (flag: string, v: string | undefined): string[] => (v !== undefined ? [flag, v] : []);
  return [
    ...paperFlags(p.paper),
    ...(p.paper ? given('--compare', r.compare) : []),
    ...(p.lrFrom.length > 0 ? ['--lr-from', p.lrFrom.join(',')] : []),
    ...['--seeds', String(r.seeds), ...given('--lr', r.lr), ...(p.quick ? ['--quick'] : [])],
    ...['--budget', String(r.budget), '--rows', String(r.rows), '--sram', String(r.sram)],
    ...p.sets.flatMap((x) => ['--set', x]),
    ...['--jobs', String(r.jobs), '--out', p.out],
  ];
}

/** The command line quoted in the report: the request's settings, defaults left out. */
function canonicalCommand(r: ReproductionRequest, p: Resolved): string {
  const q = (s: string): string => (/^[\w./,:=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['rbnn-sim', 'reproduce'];
  if (p.quick) parts.push('--quick');
  parts.push(...paperFlags(p.paper), '--seeds', p.seeds.join(','));
  if (p.lrFrom.length > 0) parts.push('--lr-from', p.lrFrom.join(','));
  else parts.push('--lr', p.lrGrid.join(','));
  if (r.compare !== undefined) parts.push('--compare', q(r.compare));
  if (r.budget !== 1) parts.push('--budget', String(r.budget));
  if (r.rows !== 'all') parts.push('--rows', r.rows);
  if (r.sram !== DEFAULT_SRAM) parts.push('--sram', q(r.sram));
  for (const s of p.sets) parts.push('--set', q(s));
  parts.push('--jobs', String(r.jobs), '--out', q(p.out));
  if (r.fresh) parts.push('--fresh');
  if (r.storeOnly) parts.push('--store-only');
  if (r.partial) parts.push('--partial');
  return parts.join(' ');
}
