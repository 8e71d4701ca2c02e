/**
 * The property: for random windows (and accelerator configurations), the number of
 * events and bytes per component and direction in the trace equals the simulator's counters for
 * that window, exactly. The trace is written to a file, read back and parsed; the simulator's
 * counters are report().traced (counters of exactly the ops the filter accepted).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../config/schema.js';
import { Simulator } from '../../sim/simulator.js';
import { enumerateSchedule } from '../../trainer/schedule.js';
import type { TraceFormatName } from '../../traces/formats/index.js';
import { openTrace, traceHardware } from '../../traces/session.js';
import { parseWindow } from '../../traces/window.js';
import { smallConfig, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Tally {
  reads: number;
  writes: number;
  readBytes: number;
  writeBytes: number;
}
const tally = (): Tally => ({ reads: 0, writes: 0, readBytes: 0, writeBytes: 0 });

/** Counts per component and direction, parsed from a trace file. */
function parseTrace(format: TraceFormatName, text: string, burstBytes: number, window: ReturnType<typeof parseWindow>) {
  const sram = tally();
  const dram = tally();
  const lines = text.split('\n');
  expect(lines.pop()).toBe(''); // every line ends with a newline
  if (format === 'csv') {
    expect(lines.shift()).toBe('cycle,component,bank,op,address,bits,tensor,phase,iteration,epoch,batch');
    for (const l of lines) {
      const [, component, bank, op, , bits, , phase, iteration, epoch, batch] = l.split(',');
      const t = component === 'sram' ? sram : dram;
      if (op === 'w') {
        t.writes++;
        t.writeBytes += Number(bits) / 8;
      } else {
        t.reads++;
        t.readBytes += Number(bits) / 8;
      }
      // every event lies in the window
      expect(
        window.iterations.has(Number(iteration)) &&
          window.epochs.has(Number(epoch)) &&
          window.batches.has(Number(batch)) &&
          window.phases.has(phase as never) &&
          window.components.has(component as never) &&
          (component === 'dram' || window.banks.has(Number(bank))),
      ).toBe(true);
    }
  } else {
    // DRAMSim3: the last line is the sentinel it never injects (traces/formats/dramsim3.ts).
    if (format === 'dramsim3') expect(lines.pop()).toBe('0x0 READ 99999999999');
    let last = -1;
    for (const l of lines) {
      const m = format === 'dramsim3' ? /^0x([0-9a-f]+) (READ|WRITE) (\d+)$/.exec(l) : /^0x([0-9a-f]+) ([RW])$/.exec(l);
      expect(m, l).not.toBeNull();
      expect(parseInt(m![1]!, 16) % burstBytes).toBe(0);
      if (format === 'dramsim3') {
        const c = Number(m![3]);
        expect(c).toBeGreaterThanOrEqual(last);
        last = c;
      }
      if (m![2]![0] === 'W') {
        dram.writes++;
        dram.writeBytes += burstBytes;
      } else {
        dram.reads++;
        dram.readBytes += burstBytes;
      }
    }
  }
  return { sram, dram };
}

const configArb = fc
  .record({
    capacityBytes: fc.constantFrom(256, 1024, 4096, 65536),
    banks: fc.integer({ min: 1, max: 4 }),
    wordBits: fc.constantFrom(32, 64),
    burstBytes: fc.constantFrom(32, 64),
    clockRatio: fc.constantFrom(1, 1.5, 2),
    conventional: fc.boolean(),
    frozen: fc.constantFrom('recompute', 'cache'),
    gradients: fc.constantFrom('fused', 'sram', 'dram'),
    overlap: fc.boolean(),
    batch: fc.constantFrom(7, 10),
  })
  .map((h) =>
    smallConfig((c: Config) => {
      c.hardware.sram.capacity = h.capacityBytes * 8;
      c.hardware.sram.banks = h.banks;
      c.hardware.sram.wordWidth = h.wordBits;
      c.hardware.dram.burst = h.burstBytes * 8;
      c.hardware.dram.clockRatio = h.clockRatio;
      c.hardware.policy.frozen = h.frozen as 'cache';
      c.hardware.policy.gradients = h.gradients as 'fused';
      c.hardware.policy.overlap = h.overlap;
      c.training.batch = h.batch;
      if (h.conventional) {
        c.model.schedule = 'conventional';
        c.training.epochs = 3;
      }
    }),
  );

const list = (max: number) =>
  fc.oneof(
    fc.constant('all'),
    fc.uniqueArray(fc.integer({ min: 0, max }), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(',')),
    fc.tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 3 })).map(([a, n]) => `${a}-${a + n}`),
    fc.integer({ min: 0, max }).map((a) => `${a}-`),
  );
const subset = (items: readonly string[]) =>
  fc.oneof(
    fc.constant('all'),
    fc.uniqueArray(fc.constantFrom(...items), { minLength: 1 }).map((xs) => xs.join(',')),
  );
const windowArb = (maxBank: number) =>
  fc
    .record({
      iterations: list(3).map((s) => s.replace(/\b0\b/g, '1')),
      epochs: list(3).map((s) => s.replace(/\b0\b/g, '1')),
      batches: list(4),
      phases: subset(['load', 'forward', 'backward', 'gradient', 'update', 'evaluate']),
      sets: subset(['train', 'validation', 'test']),
      components: subset(['sram', 'dram']),
      banks: list(maxBank),
    })
    .map(
      (w) =>
        Object.entries(w)
          .filter(([, v]) => v !== 'all')
          .map(([k, v]) => `${k}=${v}`)
          .join(';') || 'all',
    );

const caseArb = configArb.chain((cfg) => windowArb(cfg.hardware.sram.banks - 1).map((spec) => [cfg, spec] as const));

function runTraced(cfg: Config, format: TraceFormatName, spec: string) {
  const file = path.join(dir, `t.${format}`);
  const trace = openTrace({ format, file, window: spec }, traceHardware(cfg));
  const sim = new Simulator(cfg, { trace: { sink: trace.sink, filter: trace.filter } });
  const obs = trace.observe(sim);
  enumerateSchedule(cfg, obs);
  obs.flush();
  const stats = trace.close();
  const text = fs.readFileSync(file, 'utf8');
  fs.rmSync(file);
  return { stats, text, report: sim.report() };
}

describe('trace counts equal the simulator counters of the window', () => {
  it.each(['csv', 'dramsim3', 'ramulator'] as const)('%s (property over windows and configurations)', (format) => {
    let withDram = 0;
    let withSram = 0;
    fc.assert(
      fc.property(caseArb, ([cfg, spec]) => {
        const window = parseWindow(spec, { banks: 99 });
        const { text, stats, report } = runTraced(cfg, format, spec);
        const burstBytes = cfg.hardware.dram.burst / 8;
        const wordBytes = cfg.hardware.sram.wordWidth / 8;
        const got = parseTrace(format, text, burstBytes, window);
        const t = report.traced.counts;
        const keepSram = format === 'csv' && window.sram;
        const bankSum = (per: number[]) => per.reduce((s, n, b) => s + (window.banks.has(b) ? n : 0), 0);
        const sramReads = keepSram ? bankSum(t.sramReadsPerBank) : 0;
        const sramWrites = keepSram ? bankSum(t.sramWritesPerBank) : 0;
        const dramReads = window.dram ? t.dramReadBursts : 0;
        const dramWrites = window.dram ? t.dramWriteBursts : 0;
        expect(got.sram).toEqual({
          reads: sramReads,
          writes: sramWrites,
          readBytes: sramReads * wordBytes,
          writeBytes: sramWrites * wordBytes,
        });
        expect(got.dram).toEqual({
          reads: dramReads,
          writes: dramWrites,
          readBytes: window.dram ? t.dramReadBytes : 0,
          writeBytes: window.dram ? t.dramWriteBytes : 0,
        });
        // the session's own counts agree with the file
        expect(stats.events).toBe(sramReads + sramWrites + dramReads + dramWrites);
        expect(stats.dram).toEqual({
          reads: dramReads,
          writes: dramWrites,
          readBits: dramReads * burstBytes * 8,
          writeBits: dramWrites * burstBytes * 8,
        });
        expect(stats.misaligned).toBe(0);
        if (format === 'dramsim3') expect(stats.clamped).toBe(0);
        if (dramReads + dramWrites > 0) withDram++;
        if (sramReads + sramWrites > 0) withSram++;
      }),
      { numRuns: format === 'csv' ? 40 : 25 },
    );
    // not vacuous: many cases trace DRAM bursts (and, in CSV, SRAM words)
    expect(withDram).toBeGreaterThan(5);
    if (format === 'csv') expect(withSram).toBeGreaterThan(5);
  });

  it('a trace changes no total: splitting compressed batches is cost-neutral', () => {
    fc.assert(
      fc.property(caseArb, ([cfg, spec]) => {
        const plain = new Simulator(cfg);
        enumerateSchedule(cfg, plain);
        const { report } = runTraced(cfg, 'ramulator', spec);
        const a = plain.report().total;
        const b = report.total;
        expect(b.counts).toEqual(a.counts);
        expect(b.cycles.total).toBe(a.cycles.total);
        expect(b.energy.total).toBeCloseTo(a.energy.total, 12);
      }),
      { numRuns: 20 },
    );
  });

  it('the default window traces something of every phase of every iteration, and all of it is counted', () => {
    const cfg = smallConfig((c) => {
      c.hardware.sram.capacity = 1024 * 8;
    });
    const { text, report } = runTraced(cfg, 'csv', 'default');
    const rows = text
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const seen = new Set(rows.map((r) => `${r[8]}:${r[7]}`));
    for (let k = 1; k <= 3; k++)
      for (const p of ['load', 'forward', 'backward', 'gradient', 'update', 'evaluate'])
        expect(seen).toContain(`${k}:${p}`);
    expect(rows.every((r) => r[9] === '1' && r[10] === '0')).toBe(true);
    const c = report.traced.counts;
    expect(rows.length).toBe(c.sramReads + c.sramWrites + c.dramReadBursts + c.dramWriteBursts);
  });
});
