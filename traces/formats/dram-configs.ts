/**
 * Configuration files for the DRAM simulators that replay our traces, written beside the trace:
 * a DRAMSim3 .ini describing exactly the device the simulator modelled (part, geometry, our bus
 * width and burst length, timing, currents, address mapping, open page, unified queue), and a
 * Ramulator 1 .cfg naming the nearest standard part (Ramulator takes its timing from its own
 * tables; see docs/TRACES.md for what differs).
 */
import type { Dram } from '../../sim/components/dram.js';

/** DRAMSim3's .ini for the modelled DRAM (keys as src/configuration.cc of DRAMSim3 @2981759 reads them). */
export function dramsim3Ini(d: Dram): string {
  const p = d.part;
  const pageBytes = (p.columns * p.deviceWidth) / 8;
  // DRAMSim3 derives ranks = channel_size / megs_per_rank: one rank of `devices` devices.
  const megsPerRank = ((pageBytes * (p.rows / 1024)) / 1024) * p.bankGroups * p.banksPerGroup * d.devices;
  const lines = [
    `; DRAMSim3 configuration written by rbnn-sim for its trace: ${p.name} (${p.source}),`,
    `; ${d.devices} x${p.deviceWidth} device(s) on a ${d.busWidth}-bit bus, ` +
      `${d.burstBytes} B per request (BL${d.burstLength}).`,
    `; Run: dramsim3main THIS.ini -t TRACE -c <DRAM clocks>`,
    '[dram_structure]',
    `protocol = ${p.protocol}`,
    `bankgroups = ${p.bankGroups}`,
    `banks_per_group = ${p.banksPerGroup}`,
    `rows = ${p.rows}`,
    `columns = ${p.columns}`,
    `device_width = ${p.deviceWidth}`,
    `BL = ${d.burstLength}`,
    '',
    '[timing]',
    `tCK = ${p.tCK}`,
    'AL = 0',
    ...(['CL', 'CWL', 'tRCD', 'tRP', 'tRAS', 'tRFC'] as const).map((k) => `${k} = ${p[k]}`),
    `tRFC2 = ${p.tRFC}`,
    `tRFC4 = ${p.tRFC}`,
    // DRAMSim3 reads tREFI (the stock LPDDR3 and DDR3 files spell it REFI, which it ignores).
    `tREFI = ${p.tREFI}`,
    ...(['tRPRE', 'tWPRE', 'tRRD_S', 'tRRD_L', 'tWTR_S', 'tWTR_L', 'tFAW', 'tWR'] as const).map(
      (k) => `${k} = ${p[k]}`,
    ),
    `tWR2 = ${p.tWR}`,
    ...(['tRTP', 'tCCD_S', 'tCCD_L', 'tCKE', 'tCKESR', 'tXS', 'tXP', 'tRTRS'] as const).map((k) => `${k} = ${p[k]}`),
    '',
    '[power]',
    `VDD = ${p.VDD}`,
    `IDD0 = ${p.IDD0}`,
    'IPP0 = 0',
    ...(['IDD2P', 'IDD2N', 'IDD3P', 'IDD3N', 'IDD4W', 'IDD4R', 'IDD5AB', 'IDD6x'] as const).map(
      (k) => `${k} = ${p[k]}`,
    ),
    '',
    '[system]',
    `channel_size = ${megsPerRank}`,
    'channels = 1',
    `bus_width = ${d.busWidth}`,
    `address_mapping = ${d.map.spec}`,
    'queue_structure = PER_BANK',
    'refresh_policy = RANK_LEVEL_STAGGERED',
    'row_buf_policy = OPEN_PAGE',
    'cmd_queue_size = 8',
    'trans_queue_size = 32',
    // One queue for reads and writes: no writes left in a write buffer at the end, no hang on a
    // read and a write of the same burst back to back (DRAMSim3 issue #43).
    'unified_queue = true',
    ...selfRefreshKeys(d),
    '',
    '[other]',
    'epoch_period = 1000000000',
    'output_level = 1',
    '',
  ];
  return lines.join('\n');
}

/**
 * Under the self-refresh policy, DRAMSim3's own self-refresh ([system] keys, src/configuration.cc):
 * a rank enters it after sref_threshold clocks with every bank precharged and no command queued
 * (src/controller.cc). DRAMSim3 @2981759 never marks a rank's queues empty again once a command
 * was queued (CommandQueue::rank_q_empty is set false in AddCommand and never reset), so stock
 * builds enter self-refresh only before the first request; docs/DRAM.md. It has no power-down state.
 */
function selfRefreshKeys(d: Dram): string[] {
  if (d.model !== 'device' || d.power.policy !== 'self-refresh') return [];
  return [
    '; self-refresh after sref_threshold idle clocks (our hardware.dram.selfRefreshAfter); see docs/DRAM.md',
    'enable_self_refresh = true',
    `sref_threshold = ${d.power.selfAfter}`,
  ];
}

/**
 * Ramulator 1's part for each of ours, and the geometry it hard-codes for it (src/<STANDARD>.h of
 * CMU-SAFARI/ramulator @214f635: channel_width, prefetch_size, org_table): one request per trace
 * line moves prefetch x channel bits; a row is `columns` columns of the whole channel. Ramulator 1
 * reads a mapping file for DDR3 only (src/Memory.h), so LPDDR3/LPDDR4/DDR4 use its default
 * RoBaRaCoCh: from the least significant bit column, rank, bank (group), row, as our rochrababgco.
 */
const RAMULATOR: Record<string, { speed: string; org: string; channelBits: number; BL: number; columns: number }> = {
  'lpddr3-1600': { speed: 'LPDDR3_1600', org: 'LPDDR3_8Gb_x32', channelBits: 64, BL: 8, columns: 1024 },
  'lpddr4-2400': { speed: 'LPDDR4_2400', org: 'LPDDR4_8Gb_x16', channelBits: 32, BL: 16, columns: 1024 },
  'ddr4-3200': { speed: 'DDR4_3200', org: 'DDR4_8Gb_x16', channelBits: 64, BL: 8, columns: 1024 },
  'ddr3-1600': { speed: 'DDR3_1600K', org: 'DDR3_8Gb_x16', channelBits: 64, BL: 8, columns: 1024 },
};

/** What Ramulator's channel is for our part, and whether it addresses our bursts as we do. */
export interface RamulatorGeometry {
  channelBits: number;
  burstLength: number;
  /** Bytes a trace line moves in Ramulator, and in a row of its channel. */
  lineBytes: number;
  rowBytes: number;
  /** Same line size, row size and mapping as ours: same row sequence per bank, same bus time a line. */
  matches: boolean;
}

export function ramulatorGeometry(d: Dram): RamulatorGeometry {
  const r = RAMULATOR[d.part.name]!;
  const lineBytes = (r.channelBits * r.BL) / 8;
  const rowBytes = (r.columns * r.channelBits) / 8;
  const matches =
    lineBytes === d.burstBytes &&
    rowBytes === (d.part.columns * d.busWidth) / 8 &&
    d.map.spec === 'rochrababgco' &&
    r.channelBits === d.busWidth;
  return { channelBits: r.channelBits, burstLength: r.BL, lineBytes, rowBytes, matches };
}

const kib = (b: number) => (b >= 1024 ? `${b / 1024} KiB` : `${b} B`);

/** Ramulator 1 (--mode=dram) configuration naming the standard, speed bin and organisation of the part. */
export function ramulatorConfig(d: Dram): string {
  const p = d.part;
  const r = RAMULATOR[p.name]!;
  const g = ramulatorGeometry(d);
  const ours =
    `${d.busWidth}-bit bus, BL${d.burstLength}, ${d.burstBytes} B a line, ` +
    `rows of ${kib((p.columns * d.busWidth) / 8)}`;
  const theirs =
    `${g.channelBits}-bit channel, BL${g.burstLength}, ${g.lineBytes} B a line, ` + `rows of ${kib(g.rowBytes)}`;
  return [
    `# Ramulator 1 configuration written by rbnn-sim for its trace: ${p.name}.`,
    `# Ramulator takes timing from its own tables for this speed bin (docs/DRAM.md lists what differs).`,
    `# Ours: ${ours}, ${d.map.spec}.`,
    `# Ramulator: ${theirs}, RoBaRaCoCh.`,
    g.matches
      ? '# Same geometry: Ramulator sees our row sequence and moves a line in our bus time.'
      : '# Geometry differs: Ramulator sees other rows per bank and other bus time a line (docs/DRAM.md).',
    `# Run: ramulator THIS.cfg --mode=dram --stats STATS TRACE`,
    `standard = ${p.protocol}`,
    'channels = 1',
    'ranks = 1',
    `speed = ${r.speed}`,
    `org = ${r.org}`,
    'record_cmd_trace = off',
    'print_cmd_trace = off',
    'cpu_tick = 1',
    'mem_tick = 1',
    'early_exit = on',
    'expected_limit_insts = 0',
    'warmup_insts = 0',
    'cache = no',
    'translation = None',
    '',
  ].join('\n');
}
