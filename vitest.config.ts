import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: run files two at a time; each suite has its own database and queue names.
    maxWorkers: 2,
  },
});
