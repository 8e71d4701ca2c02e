/** Shared helpers of the simulator tests. */
import { resolveConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { CostedOp, Op, OpObserver } from '../../model/ops.js';
import { enumerateSchedule } from '../../trainer/schedule.js';
import { Simulator, type SimulatorOptions } from '../../sim/simulator.js';
import type { SimReport } from '../../sim/report.js';

/** A configuration from the defaults plus dotted-path overrides (values as in a config file). */
export function config(overrides: Record<string, unknown> = {}, preset?: string): Config {
  return resolveConfig({ preset, overrides });
}

/** Costs the whole schedule of `cfg` (schedule-only) and returns the report. */
export function simulateSchedule(cfg: Config, opts: SimulatorOptions & { compress?: boolean } = {}): SimReport {
  const sim = new Simulator(cfg, opts);
  enumerateSchedule(cfg, sim, { compress: opts.compress ?? true });
  return sim.report();
}

/** The schedule's operation stream as an array. */
export function scheduleOps(cfg: Config, compress = true): Op[] {
  const ops: Op[] = [];
  enumerateSchedule(cfg, { op: (o) => ops.push(o) }, { compress });
  return ops;
}

export function isCosted(o: Op): o is CostedOp {
  return o.kind !== 'run-begin' && o.kind !== 'iteration-begin' && o.kind !== 'iteration-end';
}

/** An observer that feeds a simulator and calls `each` after every costed op. */
export function tap(sim: Simulator, each: (o: CostedOp) => void): OpObserver {
  return {
    op: (o) => {
      sim.op(o);
      if (isCosted(o)) each(o);
    },
  };
}
