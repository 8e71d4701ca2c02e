import { defineConfig } from 'vitest/config';

/** `npm run test:slurm`: the tests against a real Slurm (root; not part of `npm test`). */
export default defineConfig({
  test: {
    include: ['test/**/*.slurm-test.ts'],
    setupFiles: ['test/setup.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
