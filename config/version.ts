import { readFileSync } from 'node:fs';

/** The version in rbnn-sim's package.json (one folder up from config/ in the sources, two in dist/). */
export function packageVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rbnn-sim' && pkg.version) return pkg.version;
    } catch {
      /* not there: try one folder up */
    }
  }
  return 'unknown';
}
