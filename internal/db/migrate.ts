/** Applies the committed drizzle-kit migrations, exactly once even when several processes start against one database. */
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrationsFolder } from './package-root.js';
import { queryRows, type SqlExecutor } from './rows.js';

export interface MigrationOutcome {
  /** Migrations this call applied (0 when another process, or an earlier start, already did). */
  applied: number;
  /** Migrations recorded in the database afterwards. */
  total: number;
}

// drizzle's migrator takes no lock: it reads the last applied migration outside its transaction and runs
// CREATE SCHEMA IF NOT EXISTS, both of which race between concurrent starters. One advisory lock key,
// arbitrary but fixed, serialises them per database.
const MIGRATION_LOCK_KEY = 7_311_402_950_118;

const config = () => ({ migrationsFolder: migrationsFolder() });

async function countApplied(db: SqlExecutor): Promise<number> {
  const exists = await queryRows<{ t: string | null }>(db, sql`select to_regclass('drizzle.__drizzle_migrations')::text as t`);
  if (!exists[0]?.t) return 0;
  const rows = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return rows[0]?.n ?? 0;
}

/**
 * `db` must sit on a client with a single connection: the advisory lock belongs to a session,
 * and must be held by the same connection the migrator runs on.
 */
export async function migratePostgresDatabase<S extends Record<string, unknown>>(db: PostgresJsDatabase<S>): Promise<MigrationOutcome> {
  await db.execute(sql`select pg_advisory_lock(${sql.raw(String(MIGRATION_LOCK_KEY))})`);
  try {
    const before = await countApplied(db);
    await migratePostgres(db, config());
    const total = await countApplied(db);
    return { applied: total - before, total };
  } finally {
    await db.execute(sql`select pg_advisory_unlock(${sql.raw(String(MIGRATION_LOCK_KEY))})`);
  }
}

/** PGlite is one in-process connection over a data directory only this process may open: nothing to race with. */
export async function migratePgliteDatabase<S extends Record<string, unknown>>(db: PgliteDatabase<S>): Promise<MigrationOutcome> {
  const before = await countApplied(db);
  await migratePglite(db, config());
  const total = await countApplied(db);
  return { applied: total - before, total };
}
