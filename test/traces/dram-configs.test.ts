/**
 * The DRAM simulator configurations written beside a trace (traces/formats/dram-configs.ts):
 * DRAMSim3's .ini describes the modelled device, so that DRAMSim3 reads one of our bursts per
 * line with our geometry, timing and currents; and the DRAMSim3 trace ends with the sentinel.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { enumerateSchedule } from '../../trainer/schedule.js';
import { Simulator } from '../../sim/simulator.js';
import { Dram } from '../../sim/components/dram.js';
import { openTrace, traceHardware } from '../../traces/session.js';
import { DRAMSIM3_SENTINEL } from '../../traces/formats/dramsim3.js';
import { ramulatorGeometry } from '../../traces/formats/dram-configs.js';
import { config } from '../sim/helpers.js';
import { makeTempDir } from '../temp-dir.js';

function ini(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of text.split('\n')) {
    const m = /^(\w+) = (.*)$/.exec(l);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

const small = (extra: Record<string, unknown> = {}) =>
  config({
    'model.hidden': [12],
    'model.inputs': 20,
    'model.maxIterations': 1,
    'training.trainSamples': 20,
    'training.validationSamples': 10,
    'training.testSamples': 10,
    'training.batch': 10,
    'training.evalBatch': 10,
    'training.epochs': 1,
    'hardware.sram.capacity': '1 KiB',
    ...extra,
  });

function traceTo(file: string, format: 'dramsim3' | 'ramulator' | 'csv', extra: Record<string, unknown> = {}) {
  const cfg = small(extra);
  const t = openTrace({ format, file, window: 'all' }, traceHardware(cfg));
  const sim = new Simulator(cfg, { trace: { sink: t.sink, filter: t.filter } });
  enumerateSchedule(cfg, t.observe(sim));
  return { stats: t.close(), report: sim.report() };
}

describe('DRAM simulator configurations beside the trace', () => {
  it('DRAMSim3: TRACE.ini of the default device (one x32 LPDDR3-1600, BL16, tREFI spelled, unified queue)', () => {
    const dir = makeTempDir('rbnn-dramcfg-');
    const file = path.join(dir, 'r.trace');
    const { stats, report } = traceTo(file, 'dramsim3');
    expect(stats.config).toBe(`${file}.ini`);
    const k = ini(fs.readFileSync(`${file}.ini`, 'utf8'));
    expect(k).toMatchObject({
      protocol: 'LPDDR3',
      bankgroups: '1',
      banks_per_group: '8',
      rows: '32768',
      columns: '1024',
      device_width: '32',
      BL: '16',
      tCK: '1.25',
      tRCD: '15',
      tRP: '15',
      tRAS: '34',
      tRFC: '168',
      tREFI: '3120',
      tXP: '6',
      tXS: '176',
      VDD: '1.2',
      IDD0: '40',
      IDD2P: '1.3',
      IDD2N: '20.5',
      IDD3N: '21',
      IDD4R: '250',
      IDD4W: '245',
      IDD5AB: '150',
      IDD6x: '21',
      // DRAMSim3: megs per rank = 4 KiB page x 32768 / 1024 rows / 1024 x 8 banks x 1 device = 1024: one rank.
      channel_size: '1024',
      channels: '1',
      bus_width: '32',
      address_mapping: 'rochrababgco',
      row_buf_policy: 'OPEN_PAGE',
      unified_queue: 'true',
    });
    expect(k['REFI']).toBeUndefined();
    // One line per burst, then the sentinel DRAMSim3 never injects.
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\n').filter((l) => l.length > 0);
    expect(text.endsWith(DRAMSIM3_SENTINEL)).toBe(true);
    expect(lines.length - 1).toBe(stats.events);
    expect(stats.events).toBe(report.traced.counts.dramReadBursts + report.traced.counts.dramWriteBursts);
    // 64 B per line: 32-bit bus x BL16 / 8.
    expect((Number(k.bus_width) * Number(k.BL)) / 8).toBe(64);
  });

  it('DRAMSim3: the self-refresh policy adds its keys ([system], threshold = selfRefreshAfter); others none', () => {
    const dir = makeTempDir('rbnn-dramcfg-sr-');
    const file = path.join(dir, 'r.trace');
    traceTo(file, 'dramsim3', {
      'hardware.dram.powerDown': 'self-refresh',
      'hardware.dram.selfRefreshAfter': 1234,
    });
    const text = fs.readFileSync(`${file}.ini`, 'utf8');
    const system = text.slice(text.indexOf('[system]'), text.indexOf('[other]'));
    expect(ini(system)).toMatchObject({ enable_self_refresh: 'true', sref_threshold: '1234' });
    const plain = path.join(dir, 'p.trace');
    traceTo(plain, 'dramsim3', { 'hardware.dram.powerDown': 'power-down' });
    expect(ini(fs.readFileSync(`${plain}.ini`, 'utf8'))['enable_self_refresh']).toBeUndefined();
  });

  it('follows the configured part and bus, and drops .gz from the name', () => {
    const dir = makeTempDir('rbnn-dramcfg-');
    const file = path.join(dir, 'd.trace.gz');
    const { stats } = traceTo(file, 'dramsim3', {
      'hardware.dram.part': 'ddr4-3200',
      'hardware.dram.busWidth': '64 b',
    });
    expect(stats.config).toBe(path.join(dir, 'd.trace.ini'));
    const k = ini(fs.readFileSync(stats.config!, 'utf8'));
    const d = new Dram(small({ 'hardware.dram.part': 'ddr4-3200', 'hardware.dram.busWidth': '64 b' }).hardware);
    expect(k).toMatchObject({
      protocol: 'DDR4',
      bankgroups: '2',
      banks_per_group: '4',
      device_width: '16',
      BL: '8',
      bus_width: '64',
      tREFI: '12480',
    });
    expect(d.devices).toBe(4);
    // 2 KiB page x 64 x 8 banks x 4 devices = 4096 MB: one rank.
    expect(k.channel_size).toBe('4096');
  });

  it('Ramulator: TRACE.cfg names the standard, speed bin and organisation; CSV gets none', () => {
    const dir = makeTempDir('rbnn-dramcfg-');
    const r = traceTo(path.join(dir, 'r.ram'), 'ramulator');
    expect(r.stats.config).toBe(path.join(dir, 'r.ram.cfg'));
    const k = ini(fs.readFileSync(r.stats.config!, 'utf8'));
    expect(k).toMatchObject({
      standard: 'LPDDR3',
      speed: 'LPDDR3_1600',
      org: 'LPDDR3_8Gb_x32',
      channels: '1',
      ranks: '1',
    });
    // Ramulator's reader (Trace::get_dramtrace_request) drops a last line without a newline.
    const text = fs.readFileSync(path.join(dir, 'r.ram'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n').filter((l) => /^0x[0-9a-f]+ [RW]$/.test(l)).length).toBe(r.stats.events);
    const c = traceTo(path.join(dir, 'r.csv'), 'csv');
    expect(c.stats.config).toBeNull();
    expect(fs.readdirSync(dir).sort()).toEqual(['r.csv', 'r.ram', 'r.ram.cfg']);
  });

  // Ramulator 1 @214f635 hard-codes each standard's channel (src/LPDDR3.h: channel_width 64,
  // prefetch 8; src/LPDDR4.h: 32, 16); replayed in docs/DRAM.md ("Replay in Ramulator").
  it.each([
    ['lpddr3-1600', {}, 64, 8, 8192, false],
    ['lpddr3-1600', { 'hardware.dram.busWidth': '64 b', 'hardware.dram.burst': '512 b' }, 64, 8, 8192, true],
    ['lpddr4-2400', {}, 32, 16, 4096, true],
    ['lpddr4-2400', { 'hardware.dram.addressMapping': 'rochrabgbaco' }, 32, 16, 4096, false],
    ['ddr4-3200', {}, 64, 8, 8192, false],
    ['ddr3-1600', { 'hardware.dram.busWidth': '64 b', 'hardware.dram.burst': '512 b' }, 64, 8, 8192, true],
  ] as const)(
    'Ramulator geometry of %s %j: %i-bit channel, BL%i, %i B rows, same as ours: %s',
    (part, extra, bits, BL, row, same) => {
      const cfg = small({ 'hardware.dram.part': part, ...extra });
      const g = ramulatorGeometry(new Dram(cfg.hardware));
      expect(g).toEqual({ channelBits: bits, burstLength: BL, lineBytes: 64, rowBytes: row, matches: same });
      const dir = makeTempDir('rbnn-dramcfg-ram-');
      const { stats } = traceTo(path.join(dir, 't'), 'ramulator', { 'hardware.dram.part': part, ...extra });
      const text = fs.readFileSync(stats.config!, 'utf8');
      expect(text).toContain(
        `# Ramulator: ${bits}-bit channel, BL${BL}, 64 B a line, rows of ${row / 1024} KiB, RoBaRaCoCh.`,
      );
      expect(text).toContain(same ? '# Same geometry' : '# Geometry differs');
    },
  );
});
