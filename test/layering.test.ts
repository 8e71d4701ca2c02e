/**
 * Dependencies point one way: the library folders never import cli/ (the command-line shell on
 * top), and the lower layers (config, model, trainer, sim, traces, io) never import the experiment
 * engine (experiments/). Checked on every relative import and dynamic import() of the sources.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Top-level folders a file imports (relative specifiers only; packages are not folders of ours). */
function importedFolders(file: string): Map<string, string> {
  const text = readFileSync(file, 'utf8');
  const out = new Map<string, string>();
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = relative(root, resolve(dirname(file), m[1]!));
    out.set(target.split(/[\\/]/)[0]!, target);
  }
  return out;
}

const LOWER = ['config', 'model', 'trainer', 'sim', 'traces', 'io'];
const LIBRARY = [...LOWER, 'experiments'];

describe('the import graph', () => {
  const files = [...LIBRARY.flatMap((d) => sources(join(root, d))), join(root, 'index.ts')];

  it('covers the library', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.includes(`${join('experiments', 'sweep')}`))).toBe(true);
    expect(files.some((f) => f.includes(join('io', 'output-set.ts')))).toBe(true);
  });

  it('no library folder (nor the root module) imports cli/', () => {
    const bad = files.flatMap((f) =>
      [...importedFolders(f)].filter(([top]) => top === 'cli').map(([, t]) => `${relative(root, f)} -> ${t}`),
    );
    expect(bad).toEqual([]);
  });

  it('config, model, trainer, sim, traces and io do not import experiments/', () => {
    const lower = LOWER.flatMap((d) => sources(join(root, d)));
    const bad = lower.flatMap((f) =>
      [...importedFolders(f)].filter(([top]) => top === 'experiments').map(([, t]) => `${relative(root, f)} -> ${t}`),
    );
    expect(bad).toEqual([]);
  });

  it("no library folder imports the flag parser (yargs): flags are the shell's business", () => {
    const yargs = (f: string): boolean =>
      /(?:from\s+|import\s*\(\s*)['"]yargs(?:\/[^'"]*)?['"]/.test(readFileSync(f, 'utf8'));
    expect(files.filter(yargs).map((f) => relative(root, f))).toEqual([]);
    expect(sources(join(root, 'cli')).some(yargs)).toBe(true);
  });

  it('the check sees a violation when there is one', () => {
    // cli/ itself imports the engine: the matcher finds such imports.
    const cli = sources(join(root, 'cli')).flatMap((f) => [...importedFolders(f).keys()]);
    expect(cli).toContain('experiments');
  });
});
