/**
 * The Markdown summary of a sweep (summary.md) and its terminal table. Pure functions of the
 * result, so a merged sweep writes the same text as an unsharded one.
 */
import { formatQuantity } from '../../config/units.js';
import { bytes, count, joules } from '../../sim/report-format.js';
import { table } from '../table.js';
import { paretoFront, type Plot } from './plots.js';
import type { SweepResult, SweepStats } from './runner.js';
import type { Shard } from './points.js';
import type { SweepRow } from './row.js';

const SRAM_PATH = 'hardware.sram.capacity';

const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(2)} %`);
const size = (bits: number): string => formatQuantity(bits, 'bit', 4);
const secs = (s: number): string => (s >= 3600 ? `${(s / 3600).toPrecision(3)} h` : formatQuantity(s, 's', 3));
const value = (v: SweepRow['values'][string]): string => (Array.isArray(v) ? `[${v.join(',')}]` : String(v));

function otherPaths(rows: readonly SweepRow[]): string[] {
  return rows.length ? Object.keys(rows[0]!.values).filter((p) => p !== SRAM_PATH) : [];
}

/** Table rows for a set of sweep rows: SRAM, other swept values, placement, costs, error. */
function costTable(rows: readonly SweepRow[], withWorkload: boolean): { head: string[]; body: string[][] } {
  const others = otherPaths(rows);
  const head = [
    ...(withWorkload ? ['workload'] : []),
    'SRAM',
    ...others.map((p) => p.replace(/^hardware\./, '')),
    'on chip',
    'energy / run',
    'energy / sample',
    'time',
    'cycles',
    'DRAM read',
    'DRAM written',
    'test error',
  ];
  const body = rows.map((r) => [
    ...(withWorkload ? [r.workload] : []),
    r.values[SRAM_PATH] !== undefined ? value(r.values[SRAM_PATH]) : size(r.sramBits),
    ...others.map((p) => value(r.values[p])),
    r.onChip ? 'yes' : `no (weights ${(100 * r.weightsOnChip).toFixed(0)} %)`,
    joules(r.energyJ),
    r.energyPerSampleJ === null ? '-' : joules(r.energyPerSampleJ),
    secs(r.seconds),
    count(r.cycles),
    bytes(r.dramReadBytes),
    bytes(r.dramWriteBytes),
    pct(r.testError),
  ]);
  return { head, body };
}

function md(head: string[], body: string[][]): string {
  const right = (h: string): boolean =>
    !['workload', 'on chip', 'SRAM', 'final hidden'].includes(h) && !h.startsWith('best');
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((h) => (right(h) ? '---:' : '---')).join('|')}|`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function byWorkload(rows: readonly SweepRow[]): Map<string, SweepRow[]> {
  const m = new Map<string, SweepRow[]>();
  for (const r of rows) {
    let l = m.get(r.workload);
    if (!l) m.set(r.workload, (l = []));
    l.push(r);
  }
  return m;
}

/** The network a workload trains, in words. */
function networkText(r: SweepRow): string {
  const dims = `784-${r.hidden.join('-')}-10`;
  return r.family === 'rbnn'
    ? `RBNN ${dims} per sub-network, ${r.bits}-bit slots, ${r.iterations} iterations (final ` +
        `${r.finalHidden.join('-')} hidden, ${r.bitsPerWeight.toFixed(2)} bits/weight), ${r.epochs} epochs per ` +
        `iteration`
    : `conventional ${dims}, ${r.bits}-bit weights, ${r.epochs} epochs`;
}

export function summaryMarkdown(res: SweepResult, plots: readonly Plot[]): string {
  const rows = res.rows;
  const s = res.spec;
  const trainings = new Set(rows.map((r) => r.trainingId)).size;
  const modeText =
    s.mode === 'storage'
      ? 'storage-constrained (for each weight-storage budget, the candidate networks that fit it)'
      : 'fixed workloads, varying hardware';
  const runsText = s.scheduleOnly
    ? 'schedule-only (not trained: no test error; every planned epoch costed)'
    : `${trainings} training run${trainings === 1 ? '' : 's'} on MNIST, each costed on every hardware point by ` +
      'replaying its operation stream';
  const lines: string[] = [
    '# rbnn-sim sweep',
    '',
    `Command: \`${s.command}\``,
    '',
    `Mode: ${modeText}; ` +
      `${rows.length} points${rows.length !== res.totalPoints ? ` of ${res.totalPoints} (a partial merge)` : ''}; ` +
      `${runsText}. Spec ${res.specHash}.`,
    '',
  ];
  if (plots.length) {
    lines.push('## Plots', '');
    for (const p of plots) lines.push(`![${p.title}](${p.file})`, '');
  }
  if (s.mode === 'storage') lines.push(...storageSection(rows, s.budgets));
  lines.push('## Points', '');
  const groups = byWorkload(rows);
  if ([...groups.values()].every((rs) => rs.length === 1)) {
    // One point per workload (storage mode on one accelerator): one table, the networks in it.
    const t = costTable(rows, true);
    const net = rows.map((r) => [r.finalHidden.join('-'), r.bitsPerWeight.toFixed(2), size(r.weightStorageBits)]);
    const head = [t.head[0]!, 'final hidden', 'bits/weight', 'weight storage', ...t.head.slice(1)];
    lines.push(
      md(
        head,
        t.body.map((b, i) => [b[0]!, ...net[i]!, ...b.slice(1)]),
      ),
      '',
    );
  } else {
    for (const [w, rs] of groups) {
      lines.push(
        `### ${w}`,
        '',
        `${networkText(rs[0]!)}; test error ${pct(rs[0]!.testError)}; weight storage ` +
          `${size(rs[0]!.weightStorageBits)}.`,
        '',
      );
      const t = costTable(rs, false);
      lines.push(md(t.head, t.body), '');
    }
  }
  const trained = rows.filter((r) => r.testError !== null);
  if (trained.length) {
    const front = paretoFront(
      trained,
      (r) => r.energyJ,
      (r) => r.testError!,
    );
    lines.push(
      '## Pareto front: test error vs energy per training run',
      '',
      'Points that no other point beats on both energy and test error.',
      '',
    );
    const t = costTable(front, true);
    lines.push(md(t.head, t.body), '');
  }
  lines.push(...notesSection(rows));
  lines.push(
    '## Columns of sweep.csv',
    '',
    'One row per point; sizes in KiB, energies in J, times in s, traffic in bytes; the swept configuration values as ' +
      'in a config file. sweep.json holds the same rows with the spec.',
    '',
  );
  return `${lines.join('\n')}\n`;
}

/** The energy table's notes (what it had to assume), each with the points it applies to. */
function notesSection(rows: readonly SweepRow[]): string[] {
  const notes = noteLines(rows);
  return notes.length ? ['## Notes on the energy table', '', ...notes.map((n) => `- ${n}`), ''] : [];
}

/** Each distinct energy-table note with the points (sweep.csv's index) it applies to. */
function noteLines(rows: readonly SweepRow[]): string[] {
  const at = new Map<string, number[]>();
  // Rows read back from a sweep.json written before notes existed have none.
  for (const r of rows) for (const n of r.notes ?? []) at.set(n, [...(at.get(n) ?? []), r.index]);
  const where = (ix: number[]) =>
    ix.length === rows.length ? 'every point' : `point${ix.length > 1 ? 's' : ''} ${ix.join(', ')}`;
  return [...at].map(([n, ix]) => `${n} (${where(ix)}).`);
}

/** Storage mode: for each budget the best network of each family (by validation error) and how they compare. */
function storageSection(rows: readonly SweepRow[], budgets: readonly number[]): string[] {
  const seen = new Set<string>();
  const runs = rows.filter((r) => !seen.has(r.trainingId) && seen.add(r.trainingId));
  if (!runs.length || runs[0]!.validationError === null) return [];
  const best = (family: SweepRow['family'], b: number): SweepRow | undefined =>
    runs
      .filter((r) => r.family === family && r.weightStorageBits <= b)
      .sort((x, y) => x.validationError! - y.validationError! || x.weightStorageBits - y.weightStorageBits)[0];
  const head = [
    'budget',
    'best RBNN',
    'storage',
    'test error',
    'best conventional',
    'storage',
    'test error',
    'difference',
  ];
  const body = budgets.map((b) => {
    const r = best('rbnn', b);
    const c = best('conventional', b);
    const diff = r && c ? `${(100 * (c.testError! - r.testError!)).toFixed(2)} pp` : '-';
    return [
      size(b),
      r?.workload ?? '-',
      r ? size(r.weightStorageBits) : '-',
      pct(r?.testError ?? null),
      c?.workload ?? '-',
      c ? size(c.weightStorageBits) : '-',
      pct(c?.testError ?? null),
      diff,
    ];
  });
  return [
    '## Best network per weight-storage budget',
    '',
    'For each budget, the network of each family with the lowest validation error among those whose weight storage ' +
      'fits it (model selection on validation, as in the paper); "difference" = conventional minus RBNN test error.',
    '',
    md(head, body),
    '',
  ];
}

/** The terminal table: one line per point. */
export function terminalTable(res: SweepResult): string {
  const t = costTable(res.rows, true);
  const notes = noteLines(res.rows).map((n) => `note: ${n}\n`);
  return `${table(t.head, t.body)}\n${notes.join('')}`;
}

/** "4 points, schedule-only, in this process, 0.81 s": what a sweep did, in one line. */
export function statsLine(
  stats: SweepStats,
  o: { scheduleOnly: boolean; cache: boolean; shard?: Shard | undefined; totalPoints: number },
): string {
  const n = stats.trainings;
  const cached = `${stats.cacheHits} from the cache${o.cache ? '' : ', no cache'}`;
  const runs = `${n} training run${n === 1 ? '' : 's'} (${stats.trained} trained, ${cached})`;
  const shard = o.shard && o.shard.count > 1 ? ` (shard ${o.shard.index}/${o.shard.count} of ${o.totalPoints})` : '';
  const where = stats.threads > 0 ? `${stats.threads} worker threads` : 'in this process';
  const seconds = (stats.wallMs / 1000).toFixed(2);
  return `${stats.points} points${shard}, ${o.scheduleOnly ? 'schedule-only' : runs}, ${where}, ${seconds} s`;
}
