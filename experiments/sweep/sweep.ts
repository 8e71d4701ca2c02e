/**
 * A sweep in one call, for scripts: define (or take a ready spec), run, optionally write the
 * output folder.
 *
 *   const axes = { 'hardware.sram.capacity': ['64 KiB', '256 KiB'] };
 *   const { result } = await sweep({ presets: ['R2'], axes, scheduleOnly: true });
 */
import { RunStore, defaultCacheDir } from '../run-store.js';
import { defineSweep, type SweepDefinition } from './define.js';
import { checkOutputDir } from '../../io/location.js';
import { openSweepOutputs, writeSweepOutputs } from './outputs.js';
import type { Shard } from './points.js';
import { runSweep, type SweepProgress, type SweepResult, type SweepStats } from './runner.js';
import type { SweepSpec } from './spec.js';

export interface SweepOptions {
  /** Run only slice `index` of `count` (merge the slices with mergeResults). */
  shard?: Shard;
  /** Worker threads; 0 or 1: this process (default). */
  workers?: number;
  /** Run store folder (finished training runs); null: none; default: $XDG_CACHE_HOME/rbnn-sim or .cache/rbnn-sim. */
  store?: string | null;
  progress?: SweepProgress;
  /** Receives the run store's warnings (a corrupt entry trained again). */
  warn?: (message: string) => void;
  /** Write sweep.json, sweep.csv, summary.md and the plots into this folder. */
  out?: string;
  /** Draw the SVG plots when writing (default true). */
  plots?: boolean;
}

export interface SweepOutcome {
  result: SweepResult;
  stats: SweepStats;
  /** Files written (with `out`). */
  files: string[];
}

function isSpec(x: SweepDefinition | SweepSpec): x is SweepSpec {
  return (x as SweepSpec).kind === 'rbnn-sim.sweep-spec';
}

export async function sweep(what: SweepDefinition | SweepSpec, opts: SweepOptions = {}): Promise<SweepOutcome> {
  const spec = isSpec(what) ? what : defineSweep(what);
  const storeDir = opts.store === undefined ? defaultCacheDir() : opts.store;
  // Output locations are checked (and the output folder locked) before any work (io/).
  if (storeDir !== null && !spec.scheduleOnly) checkOutputDir(storeDir, 'the run store');
  const outputs = opts.out !== undefined ? openSweepOutputs(opts.out, 'sweep()') : null;
  try {
    const { result, stats } = await runSweep(spec, {
      store: new RunStore(storeDir, opts.warn),
      workers: opts.workers ?? 1,
      ...(opts.shard ? { shard: opts.shard } : {}),
      ...(opts.progress ? { progress: opts.progress } : {}),
    });
    const write = { plots: opts.plots !== false, ...(opts.warn ? { warn: opts.warn } : {}) };
    const files = outputs ? await writeSweepOutputs(outputs, result, write) : [];
    return { result, stats, files };
  } finally {
    outputs?.abort();
  }
}
