/**
 * Any file-system error that reaches the CLI (ENOSPC, EEXIST, ENOTDIR, ...), even one no command
 * turned into a message of its own, is one line naming the path and exit code 2, never a stack
 * trace (cli/main.ts). Here the configuration printer fails as a full disk would.
 */
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../run-cli.js';

const failure = { error: null as NodeJS.ErrnoException | null };

vi.mock('../../config/load.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../config/load.js')>();
  return {
    ...real,
    configToYaml: (...args: Parameters<typeof real.configToYaml>) => {
      if (failure.error) throw failure.error;
      return real.configToYaml(...args);
    },
  };
});

function fsError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), { code, syscall, path, errno: -28 });
}

describe('file-system errors escaping a command', () => {
  it.each([
    [
      'ENOSPC',
      'write',
      '/data/out/report.md',
      /^rbnn-sim: cannot write \/data\/out\/report\.md: no space left on the device\n$/,
    ],
    ['EEXIST', 'mkdir', '/data/out', /^rbnn-sim: cannot mkdir \/data\/out: a file is in the way\n$/],
    [
      'ENOTDIR',
      'open',
      '/data/file/x',
      /^rbnn-sim: cannot open \/data\/file\/x: a part of the path is a file, not a folder\n$/,
    ],
    ['EROFS', 'rename', '/ro/x', /^rbnn-sim: cannot rename \/ro\/x: read-only file system\n$/],
  ])('%s is one line naming the path, exit 2', async (code, syscall, path, re) => {
    failure.error = fsError(code, syscall, path);
    try {
      const r = await runCli('config');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(re);
    } finally {
      failure.error = null;
    }
  });

  it('a bug (not a file-system error) still surfaces as one', async () => {
    failure.error = Object.assign(new Error('internal'), { code: 'ERR_SOMETHING' });
    try {
      await expect(runCli('config')).rejects.toThrow('internal');
    } finally {
      failure.error = null;
    }
  });
});
