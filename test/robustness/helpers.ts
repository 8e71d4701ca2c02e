/** Shared by the robustness tests: a small MNIST configuration, the CLI in-process and as a child. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeTempDir } from '../temp-dir.js';
import { resolveConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { loadMnist, type MnistSplits } from '../../trainer/mnist/dataset.js';

/** A fresh temporary folder (removed after the test file). */
export const tempDir = (): string => makeTempDir('rbnn-robust-');

/**
 * The small RBNN run of these tests, as --set flags: 784-16-10, 8-bit slots, 3 iterations x 2 epochs,
 * 2000 samples in batches of 50.
 */
export const SMALL: Record<string, unknown> = {
  'model.hidden': [16],
  'model.bits': 8,
  'model.maxIterations': 3,
  'training.trainSamples': 2000,
  'training.validationSamples': 500,
  'training.testSamples': 500,
  'training.epochs': 2,
  'training.batch': 50,
  'training.evalBatch': 250,
};

export function smallConfig(over: Record<string, unknown> = {}): Config {
  return resolveConfig({ overrides: { ...SMALL, ...over } });
}

/** The same configuration as CLI flags. */
export function smallFlags(over: Record<string, unknown> = {}): string[] {
  return Object.entries({ ...SMALL, ...over }).flatMap(([k, v]) => ['--set', `${k}=${JSON.stringify(v)}`]);
}

const cache = new Map<string, MnistSplits>();

/** MNIST splits for a configuration (cached per sample counts). */
export function dataFor(cfg: Config): MnistSplits {
  const t = cfg.training;
  const key = [cfg.model.activationBits, t.trainSamples, t.validationSamples, t.testSamples].join(',');
  let d = cache.get(key);
  if (!d) {
    d = loadMnist(cfg.data, {
      activationBits: cfg.model.activationBits,
      trainSamples: t.trainSamples,
      validationSamples: t.validationSamples,
      testSamples: t.testSamples,
    });
    cache.set(key, d);
  }
  return d;
}

/**
 * A report or TrainResult without its wall-clock fields (the only fields that may differ between
 * an interrupted-and-resumed run and an uninterrupted one): TrainResult.seconds,
 * TrainResult.iterations[].seconds, SimReport.training.seconds.
 */
export function withoutWallClock<T>(x: T): T {
  const c = structuredClone(x) as Record<string, unknown>;
  const strip = (r: Record<string, unknown> | undefined): void => {
    if (!r) return;
    delete r.seconds;
    if (Array.isArray(r.iterations)) for (const it of r.iterations as Array<Record<string, unknown>>) delete it.seconds;
  };
  if (c.kind === 'rbnn-sim.report') strip(c.training as Record<string, unknown> | undefined);
  else strip(c);
  return c as T;
}

export { runCli } from '../run-cli.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The CLI from source in a child process (node --import tsx). */
export function spawnCli(
  args: string[],
  cwd: string,
): ChildProcess & {
  stdoutText: () => string;
  stderrText: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'test/traces/fixtures/cli.ts'), ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b) => {
    out += String(b);
  });
  child.stderr!.on('data', (b) => {
    err += String(b);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return Object.assign(child, { stdoutText: () => out, stderrText: () => err, exited });
}

/** Waits until `cond` holds (polling), or fails after `ms`. */
export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every file under `dir`, relative, sorted. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}
