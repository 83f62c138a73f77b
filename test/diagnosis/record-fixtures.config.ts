import { defineConfig } from 'vitest/config';

/** `npm run fixtures:record`: runs only the fixture recorder (not part of the normal test run). */
export default defineConfig({
  test: {
    include: ['test/diagnosis/record-fixtures.record.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
