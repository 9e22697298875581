/** Composition root of `migrate`: applies the database migrations and reports the outcome as one JSON line. */
import { parseArgs } from 'node:util';
import { loadEnvironment } from '../internal/config/load.js';
import { errorMessage } from '../internal/core/errors.js';
import { DEFAULT_PGLITE_DIR, openDatabase } from '../internal/db/client.js';

const HELP = `Usage: migrate [--help]

Applies the SQL migrations in drizzle/ to the message database and prints one JSON line.

Environment:
  DATABASE_URL   postgres://user:password@host:5432/database
                 unset: the embedded database under ${DEFAULT_PGLITE_DIR}
`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const url = loadEnvironment().DATABASE_URL;
  const database = await openDatabase(url ? { url, maxConnections: 1 } : { dataDir: DEFAULT_PGLITE_DIR });
  await database.close();
  process.stdout.write(`${JSON.stringify({ ok: true, backend: database.kind, ...database.migrations })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`migrate: ${errorMessage(err)}\n`);
    process.exit(1);
  },
);
