/**
 * The accelerator simulator's public API.
 *
 *   import { Simulator } from 'rbnn-sim/sim';
 *   const sim = new Simulator(cfg);            // Config (or its hardware section)
 *   enumerateSchedule(cfg, sim);               // or: await train(cfg, { observer: sim })
 *   const report = sim.report();               // SimReport: energy, cycles, traffic, placement
 *   console.log(formatReportText(report));
 */
export { Simulator, type SimulatorOptions } from './simulator.js';
export type {
  SimReport,
  CostSummary,
  Counts,
  CycleCounts,
  EnergyBreakdown,
  EnergyAction,
  IterationSummary,
  PlacedTensor,
  HardwareSummary,
  NetworkSummary,
  TrainingSummary,
} from './report.js';
export { ENERGY_ACTIONS } from './report.js';
export {
  ACTIONS,
  buildEnergyTable,
  sramAccessEnergy,
  type Action,
  type EnergyEntry,
  type EnergyTable,
} from './energy-table.js';
export {
  formatReportText,
  formatReportMarkdown,
  formatReportJson,
  writeReportFiles,
  writeFileAtomic,
} from './report-format.js';
export { Sram } from './components/sram.js';
export { Dram, deviceEnergies, type DeviceEnergies } from './components/dram.js';
export { PARTS, type DramPart, type PartName } from './dram/presets.js';
export { AddressMap } from './dram/address-map.js';
export { idleStates, type PowerPolicy, type StateClocks } from './dram/power.js';
export type { DramCounts, DramStates } from './dram/summary.js';
export { MacArray } from './components/mac-array.js';
export { buildMemoryMap, type MemoryMap, type Tensor } from './memory-map.js';
