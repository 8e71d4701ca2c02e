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

/** A simulator fed the whole schedule of `cfg`, and its first gradient and forward matmul of layer 0. */
export function firstOps(cfg: Config): { sim: Simulator; gradient: CostedOp; forward: CostedOp } {
  const sim = new Simulator(cfg);
  const ops: CostedOp[] = [];
  enumerateSchedule(
    cfg,
    tap(sim, (o) => ops.push(o)),
  );
  const gradient = ops.find((o) => o.kind === 'gradient' && o.layer === 0)!;
  const forward = ops.find((o) => o.kind === 'matmul' && o.phase === 'forward' && o.layer === 0)!;
  return { sim, gradient, forward };
}

/** The run's DRAM background energy restated from its report: refreshes and clocks per state x the table. */
export function dramBackgroundOf(r: SimReport): number {
  const e = Object.fromEntries(r.energyTable.entries.map((x) => [x.action, x.energy]));
  const st = r.total.dramStates;
  const perClock = r.hardware.clockHz * r.hardware.dram.clockRatio;
  return (
    r.total.counts.dram.refreshes * e['dram.refresh']! +
    perClock *
      (st.activeStandby * e['dram.active-standby']! +
        st.prechargeStandby * e['dram.precharge-standby']! +
        st.powerDown * e['dram.power-down']! +
        st.selfRefresh * e['dram.self-refresh']!)
  );
}
