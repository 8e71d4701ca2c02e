/** Every benchmark of `npm run bench`. Add yours here: a Benchmark from ./harness.js. */
import type { Benchmark } from './harness.js';
import { dataBenchmark } from './data.js';

export const benchmarks: Benchmark[] = [dataBenchmark];
