import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      // Projects with different maxWorkers must run as separate groups: unit first, then integration.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', sequence: { groupOrder: 0 } } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Real processes on a 2-core machine: keep parallelism low so timings stay sane.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
