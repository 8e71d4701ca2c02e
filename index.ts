/**
 * rbnn-sim as a library: `import { resolveConfig, simulate, sweep } from 'rbnn-sim'`.
 * docs/API.md shows complete scripts; every name here is part of the public API.
 */

// Configuration: the defaults, presets, files and dotted-path overrides, resolved and checked.
export {
  resolveConfig,
  defaultConfig,
  listPresets,
  formatConfig,
  configToJson,
  configToYaml,
  type ResolveOptions,
} from './config/load.js';
export type {
  Config,
  ModelConfig,
  TrainingConfig,
  DataConfig,
  HardwareConfig,
  TracesConfig,
  OutputConfig,
} from './config/schema.js';
export { UserError, isUserError } from './config/errors.js';
export { parseQuantity, formatQuantity } from './config/units.js';

// Training (functional path) and the operation stream it emits.
export { train, TrainingStopped, type TrainOptions, type TrainedNetwork } from './trainer/train.js';
export { enumerateSchedule } from './trainer/schedule.js';
export { checkTrainingFits } from './experiments/host-memory.js';
export { formatTrainResult } from './experiments/train-report.js';
export {
  planCheckpoints,
  saveCheckpoint,
  describePosition,
  type CheckpointChoice,
  type CheckpointPlan,
} from './experiments/checkpoints.js';
export { catchInterrupts, type Interrupts } from './io/interrupts.js';
export type { TrainResult, IterationResult, ProgressFn } from './model/results.js';
export type { Op, OpObserver } from './model/ops.js';

// Costing (cost path): the simulator and its report.
export { Simulator, type SimulatorOptions, type SimulatorState } from './sim/simulator.js';
export type {
  SimReport,
  CostSummary,
  Counts,
  CycleCounts,
  EnergyBreakdown,
  EnergyAction,
  PlacedTensor,
  HardwareSummary,
  NetworkSummary,
  TrainingSummary,
} from './sim/report.js';

// One run: train and cost (or cost the schedule alone), optionally traced.
export {
  simulateRun as simulate,
  type SimulateOptions,
  type SimulateResult,
  type StoppedRun,
} from './experiments/simulate.js';
export { epochsFrom } from './experiments/epochs-from.js';

// Access traces.
export {
  traceFromConfig,
  openTrace,
  describeTrace,
  type TraceSession,
  type TraceSettings,
  type TraceStats,
} from './traces/session.js';

// Sweeps: define, run (sharded or not), merge, write.
export {
  defineSweep,
  type SweepDefinition,
  type AxisValues,
  type AxisRange,
  type DefineOptions,
} from './experiments/sweep/define.js';
export { sweep, type SweepOptions, type SweepOutcome } from './experiments/sweep/sweep.js';
export {
  runSweep,
  type SweepResult,
  type SweepStats,
  type SweepProgress,
  type RunOptions,
} from './experiments/sweep/runner.js';
export { sweepFromText, parseFamily, presetList, type SweepText } from './experiments/sweep/text.js';
export type { SweepSpec, SweepMode, RbnnFamily, ConventionalFamily } from './experiments/sweep/spec.js';
export type { SweepRow } from './experiments/sweep/row.js';
export type { Shard } from './experiments/sweep/points.js';
export { mergeResults, readSweepResult } from './experiments/sweep/merge.js';
export { writeSweepOutputs } from './experiments/sweep/outputs.js';
export { RunStore, trainingKey, defaultCacheDir } from './experiments/run-store.js';

// The paper's Table 2 reproduction.
export {
  reproduce,
  type ReproduceOptions,
  type ReproductionResult,
  type RowResult,
} from './experiments/reproduce/reproduce.js';
export { writeReproduction } from './experiments/reproduce/report.js';
export {
  planReproduction,
  assetsDir,
  type ReproductionRequest,
  type ReproductionPlan,
} from './experiments/reproduce/request.js';
export { reproductionSummary, runLine } from './experiments/reproduce/summary.js';
export { PAPER_TABLE2, ROW_IDS, type RowId } from './experiments/reproduce/rows.js';
