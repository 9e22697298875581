/** Opens the message database: PostgreSQL through postgres.js when a URL is given, embedded PGlite otherwise; migrated on open. */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { AppError, errorMessage } from '../core/errors.js';
import { noopLogger, type Logger } from '../log/logger.js';
import { migratePgliteDatabase, migratePostgresDatabase, type MigrationOutcome } from './migrate.js';
import * as schema from './schema.js';

export type Schema = typeof schema;

type DbLog = Pick<Logger, 'debug' | 'info' | 'warn'>;

/** The drizzle database both drivers satisfy; driver-specific result shapes are read through `rowsOf`. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  kind: 'postgres' | 'pglite';
  db: Db;
  /** What the migration step at open did. */
  migrations: MigrationOutcome;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://… ; unset selects embedded PGlite. */
  url?: string | undefined;
  /** PGlite data directory (ignored with `url`). Default ./.data/pglite; `memory://` keeps it in memory. */
  dataDir?: string | undefined;
  log?: DbLog | undefined;
  /** postgres.js pool size. Default 10. */
  maxConnections?: number | undefined;
}

export const DEFAULT_PGLITE_DIR = './.data/pglite';

export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<Database> {
  const log = opts.log ?? noopLogger;
  return opts.url ? openPostgres(opts.url, opts.maxConnections ?? 10, log) : openPglite(opts.dataDir ?? DEFAULT_PGLITE_DIR, log);
}

// Connection-level failures: the server is not there, as opposed to an SQL or authentication error.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'CONNECT_TIMEOUT',
  'ECONNRESET',
]);

function describeTarget(url: string): { hostPort: string; database: string } {
  try {
    const u = new URL(url);
    return { hostPort: `${u.hostname || 'localhost'}:${u.port || '5432'}`, database: decodeURIComponent(u.pathname.slice(1)) || '(default)' };
  } catch {
    throw new AppError('db_url_invalid', 'DATABASE_URL is not a valid URL (expected postgres://user:password@host:5432/database)');
  }
}

/** drizzle wraps driver errors ("Failed query: …"); the driver's own error, at the end of the cause chain, says what happened. */
function driverError(err: unknown): unknown {
  let e = err;
  while (e instanceof Error && e.cause !== undefined) e = e.cause;
  return e;
}

function connectionError(url: string, err: unknown): AppError {
  const { hostPort, database } = describeTarget(url);
  const cause = driverError(err);
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
    return new AppError(
      'db_unreachable',
      `cannot reach PostgreSQL at ${hostPort} (${code}): check that the server is running and accepts TCP connections there, ` +
        'and that the host and port in DATABASE_URL are right',
      { cause: err },
    );
  }
  return new AppError('db_open_failed', `cannot open PostgreSQL database "${database}" at ${hostPort}: ${errorMessage(cause)}`, {
    cause: err,
  });
}

async function openPostgres(url: string, maxConnections: number, log: DbLog): Promise<Database> {
  const target = describeTarget(url);
  // Notices (e.g. "schema already exists, skipping") would otherwise go to console.log.
  const onnotice = (n: postgres.Notice) => log.debug({ notice: n.message }, 'postgres notice');
  const common = { onnotice, connect_timeout: 10 } as const;

  // Migrations run on their own single-connection client: the advisory lock they take is per session.
  const migrator = postgres(url, { ...common, max: 1 });
  let migrations: MigrationOutcome;
  try {
    migrations = await migratePostgresDatabase(drizzlePostgres(migrator));
  } catch (err) {
    throw connectionError(url, err);
  } finally {
    await migrator.end({ timeout: 5 });
  }
  log.info({ backend: 'postgres', target: `${target.hostPort}/${target.database}`, ...migrations }, 'database migrated');

  const client = postgres(url, { ...common, max: maxConnections });
  return {
    kind: 'postgres',
    db: drizzlePostgres(client, { schema }),
    migrations,
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string, log: DbLog): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  const dir = inMemory ? dataDir : resolve(dataDir);
  if (!inMemory) await mkdir(dir, { recursive: true });
  const client = await PGlite.create(dir);
  const db = drizzlePglite(client, { schema });
  let migrations: MigrationOutcome;
  try {
    migrations = await migratePgliteDatabase(db);
  } catch (err) {
    await client.close();
    throw err;
  }
  log.info({ backend: 'pglite', dataDir: dir, ...migrations }, 'database migrated');
  return { kind: 'pglite', db, migrations, close: () => client.close() };
}

/** A cheap round trip, for readiness checks. */
export async function pingDatabase(database: Database): Promise<void> {
  await database.db.execute(sql`select 1`);
}
