/**
 * One simulated training run, as the CLI commands (run, simulate) and benchmarks use it: either
 * the configured schedule costed without training (schedule-only), or a real training run on
 * MNIST with the simulator observing its operation stream; optionally traced.
 *
 * Checkpoints (trainer/checkpoint.ts): `onCheckpoint` receives the trainer's and the simulator's
 * state after every epoch and iteration; `resume` continues from them; `shouldStop` stops the
 * run between two batches, and the result then says `stopped` and holds the partial report.
 */
import type { Config } from '../config/schema.js';
import type { OpObserver } from '../model/ops.js';
import type { ProgressFn, TrainResult } from '../model/results.js';
import type { TraceSession } from '../traces/session.js';
import { enumerateSchedule } from '../trainer/schedule.js';
import type { PartialTrainResult, TrainState } from '../trainer/checkpoint-state.js';
import { Simulator, type SimulatorState } from '../sim/simulator.js';
import type { SimReport } from '../sim/report.js';
import type { MappingRecord } from '../sim/mapper/format.js';
import { checkFiniteResult } from '../sim/finite.js';

export interface SimulateOptions {
  /** Cost the configured schedule (every planned epoch) without training. */
  scheduleOnly?: boolean;
  /** Schedule-only: the epochs each iteration of a trained run used (trainer/schedule.ts). */
  epochsPerIteration?: readonly number[];
  progress?: ProgressFn;
  /** An open trace session (traces/session.ts); the caller closes or aborts it. */
  trace?: TraceSession | null;
  /** Also return the chosen mapping of every distinct matmul/gradient shape. */
  mappings?: boolean;
  /** Training: continue from a checkpoint's trainer and simulator states. */
  resume?: { state: TrainState; simulator: SimulatorState };
  /** Training: receives both states after every epoch and every iteration (synchronously). */
  onCheckpoint?: (state: TrainState, simulator: SimulatorState) => void;
  /** Training: asked between batches; true stops the run (the result's `stopped`). */
  shouldStop?: () => boolean;
}

/** A training run stopped by shouldStop: its states and what it had done. */
export interface StoppedRun {
  state: TrainState;
  simulator: SimulatorState;
  partial: PartialTrainResult;
}

export interface SimulateResult {
  report: SimReport;
  mappings?: MappingRecord[];
  training?: TrainResult;
  /** Set when shouldStop stopped the run: `report` is then the partial report. */
  stopped?: StoppedRun;
}

export async function simulateRun(cfg: Config, opts: SimulateOptions = {}): Promise<SimulateResult> {
  const trace = opts.trace ?? null;
  const sim = new Simulator(cfg, trace ? { trace: { sink: trace.sink, filter: trace.filter } } : {});
  const split = trace ? trace.observe(sim) : null;
  const obs: OpObserver = split ?? sim;
  let training: TrainResult | undefined;
  if (opts.scheduleOnly) {
    enumerateSchedule(cfg, obs, opts.epochsPerIteration ? { epochsPerIteration: opts.epochsPerIteration } : {});
  } else {
    const { train, TrainingStopped } = await import('../trainer/train.js');
    if (opts.resume) sim.restoreState(opts.resume.simulator);
    try {
      const { network: _network, ...result } = await train(cfg, {
        observer: obs,
        ...(opts.progress ? { progress: opts.progress } : {}),
        ...(opts.resume ? { resume: opts.resume.state } : {}),
        ...(opts.onCheckpoint ? { onCheckpoint: (state) => opts.onCheckpoint!(state, sim.snapshotState()) } : {}),
        ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
      });
      training = result;
    } catch (e) {
      if (!(e instanceof TrainingStopped)) throw e;
      split?.flush();
      const stopped: StoppedRun = { state: e.state, simulator: sim.snapshotState(), partial: e.partial };
      const partial = sim.report(partialTraining(e.partial));
      checkFiniteResult(partial, 'the simulation report', cfg);
      return { report: partial, stopped };
    }
  }
  split?.flush();
  const report = sim.report(training ? { training } : {});
  checkFiniteResult(report, 'the simulation report', cfg);
  const mappings = opts.mappings ? { mappings: sim.mappings() } : {};
  return training ? { report, training, ...mappings } : { report, ...mappings };
}

/** The training summary of a stopped run: its finished iterations, stop reason "interrupted". */
function partialTraining(p: PartialTrainResult): { training?: TrainResult } {
  const last = p.iterations[p.iterations.length - 1];
  if (!last) return {};
  return {
    training: {
      schedule: p.schedule,
      dims: p.dims,
      bits: p.bits,
      iterations: p.iterations,
      testError: last.testError,
      validationError: last.validationError,
      bitsPerWeight: last.bitsPerWeight,
      storageBits: last.storageBits,
      weights: last.weights,
      seconds: p.seconds,
      stopReason: 'interrupted' as TrainResult['stopReason'],
    },
  };
}
