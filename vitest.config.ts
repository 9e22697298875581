import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['internal/**/*.test.ts', 'tools/**/*.test.ts', 'cmd/**/*.test.ts', 'console/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Integration files start real servers and processes; on two cores they run one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
