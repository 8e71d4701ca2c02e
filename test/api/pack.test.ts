/**
 * The package as a user gets it: `npm pack` the built package, install the tarball into an empty
 * folder (dependencies from the npm cache when it holds them), and run the scripts of
 * docs/API.md there, verbatim, as `node script.mjs`. Needs the build (dist/, made by `npm ci`
 * or `npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../temp-dir.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The scripts of docs/API.md: a `<!-- api-script: NAME -->` line, then a js code block. */
function apiScripts(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of markdown.matchAll(/<!-- api-script: (\S+) -->\n```js\n([\s\S]*?)```/g)) out.set(m[1]!, m[2]!);
  return out;
}

const scripts = apiScripts(readFileSync(join(root, 'docs', 'API.md'), 'utf8'));
let app: string;

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/index.js is missing: run npm run build first');
  const tmp = makeTempDir('rbnn-pack-');
  const packed = execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', tmp], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const tarball = join(tmp, packed.trim().split('\n').pop()!);
  app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], {
    cwd: app,
    stdio: 'ignore',
  });
  for (const [name, text] of scripts) writeFileSync(join(app, name), text);
}, 600_000);

const run = (name: string): string => execFileSync(process.execPath, [name], { cwd: app, encoding: 'utf8' });

describe('the installed package runs the scripts of docs/API.md', () => {
  it('docs/API.md has its three scripts', () => {
    expect([...scripts.keys()]).toEqual(['sram-sweep.mjs', 'one-run.mjs', 'trace-window.mjs']);
  });

  it('ships the library, its types and the CLI, not the tests or benchmarks', () => {
    const pkg = join(app, 'node_modules', 'rbnn-sim');
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'bin/rbnn-sim.js', 'configs/presets/R2.yaml'])
      expect(existsSync(join(pkg, f)), f).toBe(true);
    expect(readdirSync(join(pkg, 'dist')).sort()).toEqual([
      'cli',
      'config',
      'experiments',
      'index.d.ts',
      'index.js',
      'io',
      'model',
      'sim',
      'traces',
      'trainer',
    ]);
  });

  it('an SRAM sweep', () => {
    const lines = run('sram-sweep.mjs').trim().split('\n');
    // R2 and B1 on 32 KiB .. 1 MiB doubling: 6 sizes each.
    expect(lines).toHaveLength(12);
    expect(lines[0]).toMatch(/^R2 32 KiB: \d+\.\d\d mJ, DRAM \d+\.\d MiB$/);
    expect(lines[11]).toMatch(/^B1 1 MiB: /);
  });

  it('the energy of one training run', () => {
    const out = run('one-run.mjs');
    expect(out).toMatch(/^test error \d+\.\d\d %\nenergy \d\.\d{3}e-\d J, \d+ cycles\n/);
    expect(out).toMatch(/ {2}mac\.step: \d\.\d{3}e-\d J/);
  });

  it('a trace window', () => {
    const out = run('trace-window.mjs');
    const m = /^(\d+) DRAM accesses \(window iterations=1;epochs=1;batches=0;components=dram\) in (.+)\n$/.exec(out);
    expect(m).not.toBeNull();
    const lines = readFileSync(join(app, 'r2-first-batches.trace'), 'utf8').trim().split('\n');
    // One line a burst, then the end line that makes DRAMSim3 read exactly our lines (docs/TRACES.md).
    expect(lines.length).toBe(Number(m![1]) + 1);
    expect(lines.at(-1)).toBe('0x0 READ 99999999999');
    expect(Number(m![1])).toBeGreaterThan(0);
  });
});
