import { defineConfig } from 'vitest/config';

/** `npm run test:resilience`: whole processes, killed and restarted; slower than `npm test`. */
export default defineConfig({
  resolve: { conditions: ['development'] },
  ssr: { resolve: { conditions: ['development'], externalConditions: ['development'] } },
  test: {
    include: ['test/resilience/**/*.test.ts'],
    // The PgBouncer scale test (`npm run test:scale`) is not part of CI yet: it passed in one clean
    // CI run and failed in the next (query_wait_timeout: server connections held past 10 s under
    // the mixed load), so what holds them is still to be found (see the #24 note).
    exclude: process.env.DESKMATE_SCALE_TEST ? [] : ['test/resilience/pooler-scale.test.ts'],
    globalSetup: ['api/src/test/global-setup.ts'],
    setupFiles: ['api/src/test/setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default', './api/src/test/summary-reporter.ts'],
  },
});
