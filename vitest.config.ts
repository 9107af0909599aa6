import { defineConfig } from 'vitest/config';

/**
 * Three tiers (docs/ARCHITECTURE.md, "Tests"), each a Vitest project: `npm test` runs them all,
 * `npm run test:unit` (`--project unit`) only the pure ones, `--project medium` / `--project e2e` the others.
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
      { extends: true, test: { name: 'e2e', include: ['packages/*/test/e2e/**/*.test.ts'] } },
    ],
  },
});
