import { defineConfig } from 'vitest/config';

/**
 * Three tiers (docs/ARCHITECTURE.md, "Tests") in four Vitest projects: `npm test` runs them all,
 * `npm run test:unit` (`--project unit`) only the pure ones, `--project medium`, `--project e2e` (the
 * server and CLI over HTTPS) and `--project browser` (the web app in Chromium) the others.
 * Settings below the projects are shared by all three (`extends: true`).
 */
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['packages/*/test/unit/**/*.test.ts', 'packages/shared/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'medium', include: ['packages/*/test/medium/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['packages/server/test/e2e/**/*.test.ts'] } },
      // The web app in Chromium against the real server (the slowest tier: CI runs it whole on SQLite, a part on PostgreSQL).
      { extends: true, test: { name: 'browser', include: ['packages/web/test/e2e/**/*.test.ts'] } },
    ],
  },
});
