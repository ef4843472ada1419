import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['development'] },
  ssr: { resolve: { conditions: ['development'], externalConditions: ['development'] } },
  test: {
    include: ['{shared,kb,api,bot,admin-ui}/src/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    // Whole processes killed and restarted, a minute of load: `npm run test:resilience` (CI runs both).
    exclude: ['**/node_modules/**', '**/dist/**', 'test/resilience/**'],
    globalSetup: ['api/src/test/global-setup.ts'],
    setupFiles: ['api/src/test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './api/src/test/summary-reporter.ts'],
  },
});
