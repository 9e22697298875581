/**
 * The unit tests of the pure core, as StrykerJS runs them (`make mutation`). The SMPP session suites (session,
 * client-server) are left out: they drive sockets and timers, and the codec's score should come from the codec's own tests.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'internal/sms/**/*.test.ts',
      'internal/smpp/**/*.test.ts',
      'internal/connector/**/*.test.ts',
      'internal/routing/**/*.test.ts',
    ],
    exclude: ['internal/smpp/session.test.ts', 'internal/smpp/client-server.test.ts'],
  },
});
