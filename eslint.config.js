/**
 * Lint rules that keep the house's promises (see .dependency-cruiser.cjs for the layering): the environment is read
 * in one place (internal/config/load.ts), and production code logs through the Logger port, never the console.
 * Tools, tests and tool entry points are free to do either.
 */
import tseslint from 'typescript-eslint';

const PRODUCTION = ['internal/**/*.ts', 'cmd/{smsmesh,edge,connector,status-writer,callbacks,dlr-writer,migrate}.ts'];
const NOT_PRODUCTION = ['**/*.test.ts', '**/test-*.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench-results/**', '.data/**', 'load-tests/**', 'reports/**', '.stryker-tmp/**', '.bench-base/**'] },
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  {
    files: PRODUCTION,
    ignores: NOT_PRODUCTION,
    rules: {
      'no-console': ['error'],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment only in internal/config/load.ts and pass the value in.' },
      ],
    },
  },
  // process.env, destructured or not, is caught by no-restricted-properties.
  { files: ['internal/config/load.ts'], rules: { 'no-restricted-properties': 'off' } },
);
