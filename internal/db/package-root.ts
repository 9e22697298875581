/** Where the committed drizzle-kit migrations are: not compiled, so dist/ code reads them from the package root too. */
import { join } from 'node:path';
import { packageRoot } from '../core/paths.js';

export function migrationsFolder(): string {
  return join(packageRoot(), 'drizzle');
}
