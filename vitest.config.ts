import { configDefaults, defineConfig } from 'vitest/config';
import lab from './test/lab/vitest.config.ts';

// Two groups, run one after the other: the unit and loopback suites in parallel, then the namespace
// lab one file at a time (its scenarios measure timeouts that CPU contention would distort).
export default defineConfig({
  test: {
    reporters: ['default', './test/closing-line-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: [...configDefaults.exclude, 'test/lab/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      // The lab's own config as it is (one file at a time, its global setup and timeouts), run second.
      { ...lab, test: { ...lab.test, sequence: { groupOrder: 1 } } },
    ],
  },
});
