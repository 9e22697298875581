/**
 * StrykerJS over the pure core (`make mutation`): GSM/UCS-2 encoding and segmentation, the SMPP codec, receipt
 * parsing, the token bucket and outcome rules, routing. Unit tests only (vitest.mutation.config.ts), mutants that do
 * not type-check are discarded by the TypeScript checker. One worker: mutation runs share two cores with everything
 * else on a developer machine. Scope a run to one file with `make mutation MUTATE=internal/sms/gsm7.ts`.
 */
const pureCore = [
  'internal/sms/*.ts',
  'internal/smpp/pdu*.ts',
  'internal/smpp/tlv.ts',
  'internal/smpp/framer.ts',
  'internal/smpp/command-status.ts',
  'internal/connector/token-bucket.ts',
  'internal/connector/outcome.ts',
  'internal/routing/*.ts',
];

export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutation.json',
  mutate: [...pureCore, '!**/*.test.ts'],
  concurrency: 1,
  // A mutant that makes a loop endless is killed by this timeout, not left to hang the run.
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 85, break: null },
};
