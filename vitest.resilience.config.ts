import { defineConfig } from 'vitest/config';

/** `npm run test:resilience`: whole processes, killed and restarted; slower than `npm test`. */
export default defineConfig({
  resolve: { conditions: ['development'] },
  ssr: { resolve: { conditions: ['development'], externalConditions: ['development'] } },
  test: {
    include: ['test/resilience/**/*.test.ts'],
    globalSetup: ['api/src/test/global-setup.ts'],
    setupFiles: ['api/src/test/setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default', './api/src/test/summary-reporter.ts'],
  },
});
