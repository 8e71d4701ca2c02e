/**
 * Simulator benchmark (issue 4): schedule-only costing speed. How fast the cost model turns an
 * operation stream into a report, measured on the schedules users cost most:
 *
 * - the paper's full R2 schedule (784-100-10, 16-bit slots, 7 iterations x 1000 epochs, batch
 *   1000): enumerateSchedule + Simulator + report, wall time (target: well under a second);
 * - the same for B1 (conventional 784-800-10, 12 bits, 1000 epochs);
 * - the default R2 run (batch 100, 1 epoch per iteration) with the stream uncompressed (one op
 *   per batch, as the trainer emits it): operations costed per second;
 * - access events emitted per second (every access of the default run's first iteration into a
 *   counting sink), the simulator's share of the trace path.
 *
 * The cost path's overhead on a real training run is measured by the lead (trainer + Simulator).
 *
 *   npm run bench -- --only sim
 */
import { resolveConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Op } from '../model/ops.js';
import { enumerateSchedule } from '../trainer/schedule.js';
import { Simulator } from '../sim/simulator.js';
import type { AccessEvent, AccessSink } from '../traces/events.js';
import { measure, type Benchmark, type Row } from './harness.js';

function paper(preset: 'R2' | 'B1'): Config {
  return resolveConfig({ preset: `${preset},paper` });
}

function opsOf(cfg: Config, compress: boolean): Op[] {
  const ops: Op[] = [];
  enumerateSchedule(cfg, { op: (o) => ops.push(o) }, { compress });
  return ops;
}

function occurrences(ops: readonly Op[]): number {
  let n = 0;
  for (const o of ops) if ('repeat' in o) n += o.repeat;
  return n;
}

async function scheduleCase(label: string, cfg: Config): Promise<Row> {
  const ops = opsOf(cfg, true);
  const row = await measure(
    label,
    () => {
      const sim = new Simulator(cfg);
      enumerateSchedule(cfg, sim);
      return sim.report();
    },
    { runs: 5, warmup: 1 },
  );
  const perS = ops.length / (row.median / 1000);
  return {
    ...row,
    note:
      `${ops.length.toLocaleString('en-US')} ops (${occurrences(ops).toLocaleString('en-US')} with repeat ` +
      `expanded); ${Math.round(perS).toLocaleString('en-US')} ops/s incl. enumeration`,
  };
}

async function streamCase(label: string, cfg: Config): Promise<Row> {
  const ops = opsOf(cfg, false);
  const row = await measure(
    label,
    () => {
      const sim = new Simulator(cfg);
      for (const o of ops) sim.op(o);
      return sim.report();
    },
    { runs: 5, warmup: 1 },
  );
  const perS = ops.length / (row.median / 1000);
  return {
    ...row,
    note:
      `${ops.length.toLocaleString('en-US')} ops, repeat = 1: ${Math.round(perS).toLocaleString('en-US')} ops/s ` +
      `costed`,
  };
}

async function eventsCase(label: string, cfg: Config): Promise<Row> {
  const ops = opsOf(cfg, false).filter((o) => !('where' in o) || o.where.iteration === 1);
  let events = 0;
  const sink: AccessSink = {
    access: (e: AccessEvent) => {
      events += e.bits > 0 ? 1 : 0;
    },
  };
  const row = await measure(
    label,
    () => {
      events = 0;
      const sim = new Simulator(cfg, { trace: { sink, filter: () => true } });
      for (const o of ops) sim.op(o);
    },
    { runs: 3, warmup: 1 },
  );
  const perS = events / (row.median / 1000);
  return { ...row, note: `${events.toLocaleString('en-US')} events: ${(perS / 1e6).toFixed(1)} M events/s emitted` };
}

export const simBenchmark: Benchmark = {
  name: 'sim',
  description: 'schedule-only costing speed of the simulator (issue 4)',
  async run(): Promise<Row[]> {
    const def = resolveConfig({});
    return [
      await scheduleCase('R2 paper schedule, 7 x 1000 epochs, schedule-only', paper('R2')),
      await scheduleCase('B1 paper schedule, 1000 epochs, schedule-only', paper('B1')),
      await streamCase('default R2 run (1 epoch/iteration), uncompressed stream', def),
      await eventsCase('access events, default R2 iteration 1, all ops traced', def),
    ];
  },
};
