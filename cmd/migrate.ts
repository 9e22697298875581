/** Composition root of `migrate`: applies the database migrations and reports the outcome as one JSON line. */
import { parseArgs } from 'node:util';
import { ConfigError, loadDatabaseUrl } from '../internal/config/load.js';
import { errorMessage } from '../internal/core/errors.js';
import { openDatabase } from '../internal/db/client.js';

const HELP = `Usage: migrate [--help]

Applies the SQL migrations in drizzle/ to the PostgreSQL database at DATABASE_URL and prints one JSON line.
Every role that uses the database also migrates it at start (one at a time, under an advisory lock); run this
first on a large database, or as the migration Job of a Kubernetes deploy.

Environment:
  DATABASE_URL   postgres://user:password@host:5432/database (required; the embedded database of the
                 all-in-one process migrates itself)
`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const url = loadDatabaseUrl();
  if (!url) {
    process.stderr.write('migrate: DATABASE_URL is not set; it names the PostgreSQL database to migrate (postgres://user:password@host:5432/database)\n');
    return 2;
  }
  const database = await openDatabase({ url, maxConnections: 1 });
  await database.close();
  process.stdout.write(`${JSON.stringify({ ok: true, backend: database.kind, ...database.migrations })}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`migrate: ${errorMessage(err)}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
