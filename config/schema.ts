import type { Resolved } from './fields.js';
import { modelSection } from './sections/model.js';
import { trainingSection, dataSection } from './sections/training.js';
import { hardwareSection } from './sections/hardware.js';
import { tracesSection } from './sections/traces.js';
import { outputSection } from './sections/output.js';

/** The whole configuration schema: every key, its type, unit, default and meaning. */
export const schema = {
  model: modelSection,
  training: trainingSection,
  data: dataSection,
  hardware: hardwareSection,
  traces: tracesSection,
  output: outputSection,
} as const;

export type Config = Resolved<typeof schema>;
export type ModelConfig = Config['model'];
export type TrainingConfig = Config['training'];
export type DataConfig = Config['data'];
export type HardwareConfig = Config['hardware'];
export type TracesConfig = Config['traces'];
export type OutputConfig = Config['output'];
