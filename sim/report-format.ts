/**
 * Rendering a SimReport: a readable terminal table, Markdown, JSON; and writing report files
 * (report.json, report.md) into a folder atomically (each written to a temporary file, then
 * renamed, so an interrupted run never leaves a file that looks complete).
 */
import { OutputSet } from '../io/output-set.js';
import { formatQuantity } from '../config/units.js';
import { PHASES } from '../model/ops.js';
import { ENERGY_ACTIONS, type CostSummary, type EnergyAction, type SimReport } from './report.js';
import { dramHeadline, dramStateTable } from './dram/report-table.js';

type Cell = string;
type Table = { head: Cell[]; rows: Cell[][]; align?: Array<'l' | 'r'> };

/** 3 significant digits with an SI suffix: 1234567 -> "1.23 M". */
export function count(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a < 1e4) return String(Math.round(n * 1000) / 1000);
  const units: Array<[number, string]> = [
    [1e15, 'P'],
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  const [scale, suffix] = units.find(([s]) => a >= s)!;
  return `${Number((n / scale).toPrecision(3))} ${suffix}`;
}

export const joules = (j: number): string => formatQuantity(j, 'J', 3);
export const bytes = (b: number): string => (b === 0 ? '0 B' : formatQuantity(Math.round(b) * 8, 'bit', 3));
const bits = (b: number): string => formatQuantity(b % 8 === 0 ? b : Math.ceil(b / 8) * 8, 'bit', 4);
const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '-');
const seconds = (s: number): string => (s >= 3600 ? `${(s / 3600).toPrecision(3)} h` : formatQuantity(s, 's', 3));

const ACTION_LABEL: Record<EnergyAction, [string, string, string]> = {
  'sram.read': ['SRAM', 'read', 'word reads'],
  'sram.write': ['SRAM', 'write', 'word writes'],
  'sram.leakage': ['SRAM', 'leakage', 'seconds'],
  'buffer.read': ['operand buffer', 'read', 'word reads'],
  'buffer.write': ['operand buffer', 'write', 'word writes'],
  'buffer.leakage': ['operand buffer', 'leakage', 'seconds'],
  'regfile.read': ['register files', 'read', 'word reads'],
  'regfile.write': ['register files', 'write', 'word writes'],
  'dram.read': ['DRAM', 'read', 'bursts'],
  'dram.write': ['DRAM', 'write', 'bursts'],
  'dram.activate': ['DRAM', 'activate', 'row activations'],
  'dram.refresh': ['DRAM', 'refresh', 'refreshes'],
  'dram.active-standby': ['DRAM', 'active standby', 'seconds'],
  'dram.precharge-standby': ['DRAM', 'precharge standby', 'seconds'],
  'dram.power-down': ['DRAM', 'power-down', 'seconds'],
  'dram.self-refresh': ['DRAM', 'self-refresh', 'seconds'],
  'mac.step': ['MAC array', 'step', 'bits stepped'],
};

function actionCount(s: CostSummary, a: EnergyAction): number {
  switch (a) {
    case 'sram.read':
      return s.counts.sramReads;
    case 'sram.write':
      return s.counts.sramWrites;
    case 'sram.leakage':
    case 'buffer.leakage':
      return s.seconds;
    case 'buffer.read':
      return s.counts.bufferReads;
    case 'buffer.write':
      return s.counts.bufferWrites;
    case 'regfile.read':
      return s.counts.regReads;
    case 'regfile.write':
      return s.counts.regWrites;
    case 'dram.read':
      return s.counts.dramReadBursts;
    case 'dram.write':
      return s.counts.dramWriteBursts;
    case 'dram.activate':
      return s.counts.dramActivations;
    case 'dram.refresh':
      return s.counts.dram.refreshes;
    case 'dram.active-standby':
      return s.dramStates.activeStandby;
    case 'dram.precharge-standby':
      return s.dramStates.prechargeStandby;
    case 'dram.power-down':
      return s.dramStates.powerDown;
    case 'dram.self-refresh':
      return s.dramStates.selfRefresh;
    case 'mac.step':
      return s.counts.macBits;
  }
}

function headline(r: SimReport): string[] {
  const n = r.network;
  const hw = r.hardware;
  const lines: string[] = [];
  if (n) {
    const kind =
      n.schedule === 'rbnn'
        ? `RBNN ${n.dims.join('-')} per sub-network, ${n.bits}-bit slots, ` +
          `${n.iterationsRun} of ${n.plannedIterations} iterations`
        : `conventional ${n.dims.join('-')}, ${n.bits}-bit weights`;
    lines.push(`${kind}; batch ${n.batch}; weight storage ${bits(n.weightStorageBits)}`);
  }
  lines.push(...hardwareHeadline(hw));
  return lines;
}

/** The accelerator and its policies in two lines (the report's headline; reproduction pages quote it). */
export function hardwareHeadline(hw: SimReport['hardware']): string[] {
  const lines: string[] = [];
  lines.push(
    `Accelerator: ${formatQuantity(hw.clockHz, 'Hz', 4)}; SRAM ${bits(hw.sram.capacityBits)} ` +
      `(${hw.sram.banks} banks of ${bits(hw.sram.bankBits)}, ` +
      `${hw.sram.wordBits}-bit words, ${hw.sram.ports} port${hw.sram.ports > 1 ? 's' : ''}, ${hw.sram.cellType}); ` +
      `${dramHeadline(hw.dram)}; ` +
      `${hw.mac.lanes} bit-serial lanes (serial ${hw.mac.serialOperand}, ${hw.mac.bitsPerCycle} b/cycle); ` +
      (hw.buffer.capacityBits > 0
        ? `operand buffer ${bits(hw.buffer.capacityBits)} (${(hw.buffer.banks ?? 1) > 1 ? `${hw.buffer.banks} banks, ` : ''}` +
          `${hw.buffer.wordBits}-bit words)`
        : 'no operand buffer') +
      ((hw.registerFile?.wordsPerLane ?? 0) > 0
        ? `; register files ${hw.registerFile!.wordsPerLane} x ${hw.registerFile!.wordBits}-bit words per lane`
        : '; no register files'),
  );
  lines.push(
    `Policies: frozen ${hw.policy.frozen}, overlap ${hw.policy.overlap ? 'on' : 'off'}, ` +
      `gradients ${hw.policy.gradients}, ` +
      `mapper objective ${hw.policy.objective}` +
      (hw.policy.prefetch ? `, prefetch ${hw.policy.prefetch}` : ''),
  );
  return lines;
}

function tables(r: SimReport): Array<{ title: string; table: Table; note?: string }> {
  const t = r.total;
  const out: Array<{ title: string; table: Table; note?: string }> = [];
  if (r.training) {
    const tr = r.training;
    out.push({
      title: 'Training result',
      table: {
        head: ['iteration', 'trainable bits', 'bits/weight', 'epochs', 'best epoch', 'validation error', 'test error'],
        rows: tr.iterations.map((i) => [
          String(i.k),
          String(i.trainableBits),
          i.bitsPerWeight.toFixed(2),
          String(i.epochsRun),
          String(i.bestEpoch),
          `${(100 * i.validationError).toFixed(2)} %`,
          `${(100 * i.testError).toFixed(2)} %`,
        ]),
      },
      note:
        `final: test error ${(100 * tr.testError).toFixed(2)} %, ${tr.bitsPerWeight.toFixed(2)} bits/weight, ` +
        `${bits(tr.storageBits)} of weights, ` +
        `${count(tr.weights)} weights; stopped: ${tr.stopReason}; trained in ${seconds(tr.seconds)}`,
    });
  }
  out.push({
    title:
      `Energy per training run: ${joules(t.energy.total)}` +
      (r.energyPerTrainingSample !== null
        ? ` (${joules(r.energyPerTrainingSample)} per training sample, evaluation passes included)`
        : ''),
    table: {
      head: ['component', 'action', 'count', 'unit', 'energy', 'share'],
      rows: ENERGY_ACTIONS.map((a) => {
        const [c, act, unit] = ACTION_LABEL[a];
        // Reports written before an action existed lack its count and energy: zero.
        const n = actionCount(t, a) ?? 0;
        const e = t.energy.byAction[a] ?? 0;
        const time = unit === 'seconds';
        return [
          c,
          act,
          time ? seconds(n) : count(n),
          a === 'sram.leakage' || a === 'buffer.leakage' ? 'elapsed' : time ? 'in state' : unit,
          joules(e),
          pct(e, t.energy.total),
        ];
      }),
      align: ['l', 'l', 'r', 'l', 'r', 'r'],
    },
    note: [
      r.trainingEnergyPerSample !== null
        ? `training alone (no validation or test passes): ${joules(r.trainingEnergyPerSample)} per training sample; ` +
          `evaluation passes: ${joules(r.evaluation.energy.total)}`
        : '',
      t.averagePower !== null ? `average power ${formatQuantity(t.averagePower, 'W', 3)}` : '',
      ...r.energyTable.notes.map((n) => `note: ${n}`),
    ]
      .filter((x) => x)
      .join('; '),
  });
  out.push({
    title: 'By phase',
    table: {
      head: [
        'phase',
        'energy',
        'share',
        'cycles',
        'share',
        'DRAM read',
        'DRAM written',
        'DRAM background',
        'MAC steps',
        'lane use',
      ],
      rows: PHASES.map((p) => {
        const s = r.byPhase[p];
        return [
          p,
          joules(s.energy.total),
          pct(s.energy.total, t.energy.total),
          count(s.cycles.total),
          pct(s.cycles.total, t.cycles.total),
          bytes(s.counts.dramReadBytes),
          bytes(s.counts.dramWriteBytes),
          joules(s.energy.background),
          count(s.counts.macSteps),
          s.laneUtilisation === null ? '-' : `${(100 * s.laneUtilisation).toFixed(1)} %`,
        ];
      }),
      align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    },
  });
  if (r.byIteration.length > 0) {
    out.push({
      title: 'By iteration',
      table: {
        head: [
          'iteration',
          'trainable bits',
          'energy',
          'cycles',
          'time',
          'DRAM read',
          'DRAM written',
          'DRAM background',
          'training samples',
        ],
        rows: r.byIteration.map((i) => [
          String(i.iteration),
          i.trainableBits === null ? '-' : String(i.trainableBits),
          joules(i.energy.total),
          count(i.cycles.total),
          seconds(i.seconds),
          bytes(i.counts.dramReadBytes),
          bytes(i.counts.dramWriteBytes),
          joules(i.energy.background),
          count(i.samples.train),
        ]),
        align: ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      },
    });
  }
  if (r.byLayer.length > 0) {
    out.push({
      title: 'By layer',
      table: {
        head: [
          'layer',
          'energy',
          'share',
          'cycles',
          'SRAM reads',
          'compulsory',
          'buffer reads',
          'register reads',
          'DRAM read',
          'lane use',
        ],
        rows: r.byLayer.map((l) => [
          String(l.layer),
          joules(l.energy.total),
          pct(l.energy.total, t.energy.total),
          count(l.cycles.total),
          count(l.counts.sramReads),
          count(l.counts.sramReadsMinimum),
          count(l.counts.bufferReads),
          count(l.counts.regReads ?? 0),
          bytes(l.counts.dramReadBytes),
          l.laneUtilisation === null ? '-' : `${(100 * l.laneUtilisation).toFixed(1)} %`,
        ]),
        align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      },
      note: 'layer l: the matmuls from layer l to l+1 (all sub-networks), its activations, gradient and update',
    });
  }
  out.push({
    title:
      `Time: ${count(t.cycles.total)} cycles = ${seconds(t.seconds)} ` +
      `at ${formatQuantity(r.hardware.clockHz, 'Hz', 4)}`,
    table: {
      head: ['bound', 'cycles', 'of total'],
      rows: [
        ['compute (MAC array)', count(t.cycles.compute), pct(t.cycles.compute, t.cycles.total)],
        ['SRAM banks', count(t.cycles.sram), pct(t.cycles.sram, t.cycles.total)],
        ['operand buffer', count(t.cycles.buffer), pct(t.cycles.buffer, t.cycles.total)],
        ['DRAM port', count(t.cycles.dram), pct(t.cycles.dram, t.cycles.total)],
      ],
      align: ['l', 'r', 'r'],
    },
    note: r.hardware.policy.overlap
      ? 'overlap on: each operation takes the largest of its bounds'
      : 'overlap off: each operation takes the sum of its bounds',
  });
  out.push({
    title: 'Traffic',
    table: {
      head: ['', 'reads', 'writes'],
      rows: [
        ['DRAM bytes', bytes(t.counts.dramReadBytes), bytes(t.counts.dramWriteBytes)],
        ['DRAM bursts', count(t.counts.dramReadBursts), count(t.counts.dramWriteBursts)],
        ['SRAM word accesses', count(t.counts.sramReads), count(t.counts.sramWrites)],
        ...t.counts.sramReadsPerBank.map((n, b) => [`  bank ${b}`, count(n), count(t.counts.sramWritesPerBank[b]!)]),
        ['SRAM reads, compulsory minimum', count(t.counts.sramReadsMinimum), ''],
        ['operand-buffer word accesses', count(t.counts.bufferReads), count(t.counts.bufferWrites)],
        ['register-file word accesses', count(t.counts.regReads ?? 0), count(t.counts.regWrites ?? 0)],
        ['MAC lane-steps', count(t.counts.macSteps), ''],
        ['MAC bits stepped', count(t.counts.macBits), ''],
      ],
      align: ['l', 'r', 'r'],
    },
    note:
      `DRAM row activations: ${count(t.counts.dramActivations)}; ` +
      `operations costed: ${count(t.ops)} (${r.shapes} distinct shapes); ` +
      `samples: ${count(t.samples.train)} trained, ${count(t.samples.evaluate)} evaluated`,
  });
  const states = dramStateTable(r, { count, seconds, joules, pct });
  if (states) out.push(states);
  const p = r.placement;
  out.push({
    title: `Placement: ${bits(p.sramUsedBits)} of ${bits(p.sramCapacityBits)} SRAM used`,
    table: {
      head: ['tensor', 'size', 'on chip', 'where'],
      rows: groupPlanes(p.tensors).map((x) => [
        x.name,
        bits(x.bits),
        pct(x.onChipBits, x.bits),
        x.location === 'split' ? 'SRAM + DRAM' : x.location.toUpperCase(),
      ]),
      align: ['l', 'r', 'r', 'l'],
    },
  });
  return out;
}

/** Consecutive weight planes in the same place as one row ("weights.p0-p15"). */
function groupPlanes(
  tensors: SimReport['placement']['tensors'],
): Array<{ name: string; bits: number; onChipBits: number; location: string }> {
  const out: Array<{
    name: string;
    bits: number;
    onChipBits: number;
    location: string;
    first?: number;
    last?: number;
  }> = [];
  for (const t of tensors) {
    const m = /^weights\.p(\d+)$/.exec(t.name);
    const prev = out[out.length - 1];
    if (
      m &&
      t.location !== 'split' &&
      prev?.first !== undefined &&
      prev.location === t.location &&
      prev.last === Number(m[1]) - 1
    ) {
      prev.last = Number(m[1]);
      prev.name = `weights.p${prev.first}-p${prev.last}`;
      prev.bits += t.bits;
      prev.onChipBits += t.onChipBits;
      continue;
    }
    out.push(m && t.location !== 'split' ? { ...t, first: Number(m[1]), last: Number(m[1]) } : { ...t });
  }
  return out;
}

function renderText(t: Table): string[] {
  const all = [t.head, ...t.rows];
  const width = t.head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const fmt = (r: Cell[]) =>
    r
      .map((c, i) => ((t.align?.[i] ?? 'l') === 'r' ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(t.head), width.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(fmt)].map((l) => `  ${l}`);
}

function renderMarkdown(t: Table): string[] {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [
    `| ${t.head.map(esc).join(' | ')} |`,
    `|${t.head.map((_, i) => ((t.align?.[i] ?? 'l') === 'r' ? ' ---: ' : ' --- ')).join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ];
}

/** The report as terminal text. */
export function formatReportText(r: SimReport): string {
  const lines = [...headline(r), ''];
  for (const { title, table, note } of tables(r)) {
    lines.push(title, ...renderText(table));
    if (note) lines.push(`  ${note}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The report as Markdown. */
export function formatReportMarkdown(r: SimReport, title = 'rbnn-sim report'): string {
  const lines = [`# ${title}`, '', ...headline(r).map((l) => `${l}  `), ''];
  for (const { title: t, table, note } of tables(r)) {
    lines.push(`## ${t}`, '', ...renderMarkdown(table), '');
    if (note) lines.push(note, '');
  }
  return lines.join('\n');
}

export function formatReportJson(r: SimReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

export { writeFileAtomic } from '../io/atomic-file.js';

/** The report files of a run: report.json and report.md (names and texts). */
export function reportFiles(r: SimReport, title?: string): Array<[string, string]> {
  return [
    ['report.json', formatReportJson(r)],
    ['report.md', formatReportMarkdown(r, title)],
  ];
}

/** Writes report.json and report.md into `dir` (created if needed), both or neither; returns the paths. */
export function writeReportFiles(dir: string, r: SimReport): string[] {
  const out = OutputSet.open(dir, { what: 'report files', command: 'rbnn-sim' });
  try {
    for (const [name, text] of reportFiles(r)) out.write(name, text);
    return out.commit();
  } finally {
    out.abort();
  }
}
