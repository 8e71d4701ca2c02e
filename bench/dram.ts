/**
 * DRAM model benchmark (issue 13): schedule-only costing of the paper's R2 schedule
 * (`rbnn-sim simulate --preset R2,paper --schedule-only`: enumeration + Simulator + report)
 * with the device model (target: under 0.5 s of CPU), against the per-bit model, which skips
 * the power states and refresh re-opens.
 *
 *   npm run bench -- --only dram
 */
import { resolveConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { enumerateSchedule } from '../trainer/schedule.js';
import { Simulator } from '../sim/simulator.js';
import { measure, type Benchmark, type Row } from './harness.js';

function r2Paper(overrides: Record<string, unknown> = {}): Config {
  return resolveConfig({ preset: 'R2,paper', overrides });
}

async function costCase(label: string, cfg: Config): Promise<Row> {
  let joules = 0;
  const row = await measure(
    label,
    () => {
      const sim = new Simulator(cfg);
      enumerateSchedule(cfg, sim);
      joules = sim.report().total.energy.total;
    },
    { runs: 5, warmup: 1 },
  );
  const verdict =
    row.cpu !== undefined ? (row.cpu < 500 ? 'under the 0.5 s CPU target' : 'OVER the 0.5 s CPU target') : '';
  return { ...row, note: `${joules.toFixed(1)} J per run; ${verdict}` };
}

export const dramBenchmark: Benchmark = {
  name: 'dram',
  description: 'schedule-only costing of the paper R2 schedule with the DRAM device model (issue 13)',
  async run(): Promise<Row[]> {
    return [
      await costCase('R2,paper schedule-only, DRAM device model (lpddr3-1600, power-down)', r2Paper()),
      await costCase('R2,paper schedule-only, DRAM per-bit model', r2Paper({ 'hardware.dram.model': 'per-bit' })),
    ];
  },
};
