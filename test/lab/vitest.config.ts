import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The namespace lab: one test file at a time (each builds namespaces and starts daemons, and the
// scenarios measure timeouts that CPU contention would distort). Run with `npm run test:lab`.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'lab',
    globalSetup: ['test/lab/global-setup.ts'],
    include: ['test/lab/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
