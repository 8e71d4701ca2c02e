/** Every benchmark of `npm run bench`. Add yours here: a Benchmark from ./harness.js. */
import type { Benchmark } from './harness.js';
import { dataBenchmark } from './data.js';
import { traceBenchmark } from './traces.js';
import { simBenchmark } from './sim.js';
import { trainStepBenchmark } from './train-step.js';
import { costOverheadBenchmark } from './cost-overhead.js';
import { sweepBenchmark } from './sweep.js';
import { startupBenchmark } from './startup.js';
import { dramBenchmark } from './dram.js';

export const benchmarks: Benchmark[] = [
  dataBenchmark,
  traceBenchmark,
  simBenchmark,
  trainStepBenchmark,
  costOverheadBenchmark,
  sweepBenchmark,
  startupBenchmark,
  dramBenchmark,
];
