/**
 * `--mappings FILE`: the chosen mapping of every distinct matmul/gradient shape as a loop nest per
 * level with its counts, energy and cycles, in the spirit of Timeloop's map.txt, so that an
 * architect can check one by hand.
 */
import type { GradientOp, MatmulOp } from '../../model/ops.js';
import type { Nest } from './nest.js';

export interface MappingRecord {
  op: MatmulOp | GradientOp;
  /** Samples of the chunk the nest maps. */
  samples: number;
  nest: Nest;
  counts: {
    sramReads: number;
    sramWrites: number;
    sramReadsMinimum: number;
    dramReadBursts: number;
    dramWriteBursts: number;
    bufferReads: number;
    bufferWrites: number;
    regReads: number;
    regWrites: number;
    macSteps: number;
  };
  energy: number;
  cycles: { compute: number; sram: number; buffer: number; dram: number; total: number };
}

const n = (x: number): string => x.toLocaleString('en-US');

function title(op: MatmulOp | GradientOp, S: number): string {
  const { rows: R, cols: C } = op;
  if (op.kind === 'gradient')
    return `gradient, layer ${op.layer}: g[${R}][${C}] = sum over ${S} samples of a[s][i] x e[s][o]`;
  const what =
    op.phase === 'backward'
      ? `err_in[${S}][${R}] = sum over ${C} of err_out[s][o] x sign(w[i][o])`
      : `out[${S}][${C}] = sum over ${R} of in[s][i] x sign(w[i][o])`;
  return (
    `matmul ${op.phase}${op.purpose ? ` (${op.purpose})` : ''}, ` +
    `layer ${op.layer}, sub-network ${op.subnet}: ${what}`
  );
}

/** One record as text. */
export function formatMapping(r: MappingRecord, objective: string): string {
  const { op, nest: m, samples: S } = r;
  const gradient = op.kind === 'gradient';
  const othersName = gradient ? 'weight rows' : 'samples';
  const reduction = gradient
    ? `s in [0:${S})`
    : op.phase === 'backward'
      ? `o in [0:${Math.ceil(op.cols / m.columns)} x ${m.columns})`
      : `i in [0:${op.rows})`;
  const gLoop = `g (${m.G} groups of ${m.tileOthers} ${othersName})`;
  const tLoop = `t (${m.T} tiles of ${m.tileColumns} columns)`;
  const [outer, inner] = m.mapping.order === 'GT' ? [gLoop, tLoop] : [tLoop, gLoop];
  const outerTrips = m.mapping.order === 'GT' ? m.G : m.T;
  const blocks = Math.ceil(outerTrips / m.mapping.block);
  const held = m.operands.map(
    (u) =>
      `${u.name}: ` +
      (u.held
        ? `held (${n(u.footprintWords)} words), fetched ${n(u.fetches)}x`
        : `streamed, fetched ${n(u.fetches)}x`) +
      ` of ${n(u.trips)} trips${u.psum ? ' (partial sums: spills)' : ''}`,
  );
  const c = r.counts;
  return [
    `# ${title(op, S)}`,
    `# objective ${objective}; chunk of ${S} samples; mapping columns ${m.columns}, others ${m.others}, ` +
      `register tile ${m.mapping.regColumns} x ${m.mapping.regOthers}, order ${m.mapping.order}, ` +
      `block ${m.mapping.block}, hold ${m.mapping.hold}`,
    `DRAM [ read bursts ${n(c.dramReadBursts)}, write bursts ${n(c.dramWriteBursts)} ]`,
    '------------------------------------------------',
    `SRAM [ reads ${n(c.sramReads)} (compulsory ${n(c.sramReadsMinimum)}), writes ${n(c.sramWrites)} ]`,
    `| for block in [0:${blocks})   (${m.mapping.block} of ${outer} each)`,
    `|   for ${inner}`,
    '------------------------------------------------',
    `operand buffer [ reads ${n(c.bufferReads)}, writes ${n(c.bufferWrites)}, ${n(m.footprintWords)} words held ]`,
    ...held.map((h) => `|   ${h}`),
    `|     for g/t of the block (${m.mapping.block} trips)`,
    '------------------------------------------------',
    `lanes [ ${n(c.macSteps)} lane-steps ]`,
    `|       spatial: ${m.columns} columns x ${m.others} ${othersName}`,
    '------------------------------------------------',
    m.regTile > 1
      ? `register files [ reads ${n(c.regReads)}, writes ${n(c.regWrites)}, ${m.regTile} partial sums per lane ]`
      : 'register files [ unused: one partial sum per lane, in its accumulator ]',
    `|         for ${reduction}   (reduction)`,
    `|           for the lane's ${Math.ceil(m.tileColumns / m.columns)} columns x ` +
      `${Math.ceil(m.tileOthers / m.others)} ${othersName}`,
    `energy ${r.energy.toPrecision(4)} J; cycles ${n(r.cycles.total)} (compute ${n(r.cycles.compute)}, ` +
      `SRAM ${n(r.cycles.sram)}, ` +
      `buffer ${n(r.cycles.buffer)}, DRAM ${n(r.cycles.dram)})`,
    '',
  ].join('\n');
}

/** Every record, distinct texts once (the same shape in several iterations maps alike). */
export function formatMappings(records: readonly MappingRecord[], objective: string): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of records) {
    const t = formatMapping(r, objective);
    if (!seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  }
  return out.join('\n');
}
