/**
 * What interruptibility and checkpoints cost a training run (docs/CHECKPOINTS.md quotes it):
 *
 *   npx tsx test/robustness/measure-overhead.ts [reps]
 *
 * 784-100-10 (the default network), batch 100, one epoch over the 50000 training samples (as in a
 * real run); interleaved repetitions, median CPU time of the process (all threads) and wall time:
 *   sync        trainOn: no yields, no checkpoints
 *   async       train(): yields to the event loop every YIELD_MS
 *   checkpoints train() writing a checkpoint (fsync, rename) after every epoch and iteration
 * then the cost of one yield (setImmediate round trip) times the yields of a run, a bound that
 * does not suffer from the noise of a shared machine; and the size and write time of one
 * checkpoint of a mid-iteration R2 run (784-100-10, k = 7).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../config/load.js';
import { loadMnist } from '../../trainer/mnist/dataset.js';
import { train, trainOn, YIELD_MS, type TrainState } from '../../trainer/train.js';
import { makeCheckpoint, writeCheckpoint } from '../../trainer/checkpoint.js';

const reps = Number(process.argv[2] ?? 7);
const cfg = resolveConfig({ overrides: { 'model.maxIterations': 1, 'training.epochs': 1 } });
const data = loadMnist(cfg.data, {
  activationBits: 8,
  trainSamples: 50000,
  validationSamples: 10000,
  testSamples: 10000,
});
const dir = mkdtempSync(join(tmpdir(), 'rbnn-overhead-'));

let yields = 0;
const realSetImmediate = globalThis.setImmediate;
globalThis.setImmediate = ((...a: Parameters<typeof setImmediate>) => {
  yields++;
  return realSetImmediate(...a);
}) as typeof setImmediate;

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const kinds = ['sync', 'async', 'checkpoints'] as const;
const times: Record<string, { cpu: number[]; wall: number[] }> = Object.fromEntries(
  kinds.map((k) => [k, { cpu: [], wall: [] }]),
);
let writes = 0;
let yieldsAsync = 0;
for (let r = 0; r < reps + 1; r++) {
  for (const k of kinds) {
    const c0 = cpu();
    const w0 = performance.now();
    const y0 = yields;
    if (k === 'sync') trainOn(cfg, data);
    else if (k === 'async') await train(cfg, { data });
    else
      await train(cfg, {
        data,
        onCheckpoint: (s) => {
          writeCheckpoint(dir, makeCheckpoint(cfg, 'train', s));
          writes++;
        },
      });
    if (r === 0) continue; // warm-up
    if (k === 'async') yieldsAsync = yields - y0;
    times[k]!.cpu.push(cpu() - c0);
    times[k]!.wall.push(performance.now() - w0);
  }
}
const med = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const base = times.sync!;
for (const k of kinds) {
  const t = times[k]!;
  const pct = (a: number[], b: number[]): string => `${((med(a) / med(b) - 1) * 100).toFixed(1)} %`;
  console.log(
    `${k.padEnd(12)} cpu ${med(t.cpu).toFixed(0)} ms (${pct(t.cpu, base.cpu)}), wall ${med(t.wall).toFixed(0)} ms ` +
      `(${pct(t.wall, base.wall)})`,
  );
}
console.log(`yields per async run: ${yieldsAsync} (every ${YIELD_MS} ms); checkpoints per run: ${writes / (reps + 1)}`);

// One yield, measured alone: the bound on what yielding adds to a run.
const N = 20000;
const t0 = performance.now();
for (let i = 0; i < N; i++) await new Promise((r) => realSetImmediate(r));
const perYield = (performance.now() - t0) / N;
console.log(
  `one yield: ${(perYield * 1000).toFixed(1)} us; x ${yieldsAsync} yields = ${(perYield * yieldsAsync).toFixed(2)} ` +
    `ms = ${((100 * perYield * yieldsAsync) / med(base.wall)).toFixed(3)} % of the run`,
);

// One checkpoint of R2 in its last iteration, mid-epoch (6 frozen sub-networks, 50000-sample order).
const r2 = resolveConfig({ preset: 'R2', overrides: { 'training.trainSamples': 50000, 'training.epochs': 1 } });
let state: TrainState | undefined;
const small = resolveConfig({
  preset: 'R2',
  overrides: {
    'training.trainSamples': 500,
    'training.validationSamples': 100,
    'training.testSamples': 100,
    'training.epochs': 1,
  },
});
trainOn(
  small,
  loadMnist(small.data, { activationBits: 8, trainSamples: 500, validationSamples: 100, testSamples: 100 }),
  {
    onCheckpoint: (s, at) => {
      if (at === 'iteration' && s.next.iteration === 7) state = s;
    },
  },
);
const s = structuredClone(state!);
s.current = {
  weights: s.frozen[0]!.negative.map((b) => new Int32Array(b.length * 8)),
  bestWeights: s.frozen[0]!.negative.map((b) => new Int32Array(b.length * 8)),
  bestError: 0.1,
  bestEpoch: 1,
  curve: [0.1],
  epochsRun: 1,
  sinceBest: 0,
  seconds: 1,
  order: new Int32Array(50000),
};
s.current.weights = s.current.weights.map((w, l) => w.subarray(0, [784 * 100, 100 * 10][l]).slice());
s.current.bestWeights = s.current.bestWeights.map((w, l) => w.subarray(0, [784 * 100, 100 * 10][l]).slice());
s.next = { iteration: 7, epoch: 1, batch: 10, stage: 'epoch' };
const w: number[] = [];
for (let i = 0; i < 11; i++) {
  const t0 = performance.now();
  writeCheckpoint(dir, makeCheckpoint(r2, 'train', s));
  w.push(performance.now() - t0);
}
console.log(
  `R2 checkpoint (k = 7, mid-epoch): ${(statSync(join(dir, 'checkpoint.rbnn')).size / 1024).toFixed(0)} KiB, written ` +
    `in ${med(w).toFixed(1)} ms (median of 11, fsync included)`,
);
rmSync(dir, { recursive: true, force: true });
