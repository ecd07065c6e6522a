import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A hang guard, not a timing assertion: some tests open several container images through the CLI.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
