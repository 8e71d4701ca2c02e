/**
 * One simulated training run, as the CLI commands (run, simulate) and benchmarks use it: either
 * the configured schedule costed without training (schedule-only), or a real training run on
 * MNIST with the simulator observing its operation stream; optionally traced.
 */
import type { Config } from '../config/schema.js';
import type { OpObserver } from '../model/ops.js';
import type { ProgressFn, TrainResult } from '../model/results.js';
import type { TraceSession } from '../traces/session.js';
import { enumerateSchedule } from '../trainer/schedule.js';
import { Simulator } from './simulator.js';
import type { SimReport } from './report.js';

export interface SimulateOptions {
  /** Cost the configured schedule (every planned epoch) without training. */
  scheduleOnly?: boolean;
  progress?: ProgressFn;
  /** An open trace session (traces/session.ts); the caller closes or aborts it. */
  trace?: TraceSession | null;
}

export interface SimulateResult {
  report: SimReport;
  training?: TrainResult;
}

export async function simulateRun(cfg: Config, opts: SimulateOptions = {}): Promise<SimulateResult> {
  const trace = opts.trace ?? null;
  const sim = new Simulator(cfg, trace ? { trace: { sink: trace.sink, filter: trace.filter } } : {});
  const split = trace ? trace.observe(sim) : null;
  const obs: OpObserver = split ?? sim;
  let training: TrainResult | undefined;
  if (opts.scheduleOnly) {
    enumerateSchedule(cfg, obs);
  } else {
    const { train } = await import('../trainer/train.js');
    const { network: _network, ...result } = await train(cfg, { observer: obs, ...(opts.progress ? { progress: opts.progress } : {}) });
    training = result;
  }
  split?.flush();
  const report = sim.report(training ? { training } : {});
  return training ? { report, training } : { report };
}
