import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../internal/core/errors.js';
import { openDatabase, type Database } from '../../internal/db/client.js';
import { packageRoot as findPackageRoot } from '../../internal/core/paths.js';
import { queryRows } from '../../internal/db/rows.js';
import { createPgStatusStore } from '../../internal/status/pg-status-store.js';
import { createTestDatabase } from '../support/postgres.js';

async function journalSize(): Promise<number> {
  const journal = JSON.parse(await readFile(join(findPackageRoot(), 'drizzle', 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

async function recordedMigrations(database: Database): Promise<number> {
  const rows = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return rows[0]?.n ?? -1;
}

describe('openDatabase', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('migrates a fresh PostgreSQL database once when three processes open it at the same time', async () => {
    const tdb = await createTestDatabase();
    cleanups.push(tdb.drop);
    const expected = await journalSize();

    const opened = await Promise.all([1, 2, 3].map(() => openDatabase({ url: tdb.url, maxConnections: 2 })));
    cleanups.push(() => Promise.all(opened.map((d) => d.close())).then(() => undefined));

    expect(opened.map((d) => d.kind)).toEqual(['postgres', 'postgres', 'postgres']);
    expect(opened.reduce((sum, d) => sum + d.migrations.applied, 0)).toBe(expected);
    expect(opened.map((d) => d.migrations.total)).toEqual([expected, expected, expected]);
    expect(await recordedMigrations(opened[0]!)).toBe(expected);

    const again = await openDatabase({ url: tdb.url, maxConnections: 1 });
    cleanups.push(() => again.close());
    expect(again.migrations).toEqual({ applied: 0, total: expected });
  });

  it('names the server and what to check when PostgreSQL is unreachable', async () => {
    const err = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/nowhere' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('db_unreachable');
    expect((err as AppError).message).toMatch(/127\.0\.0\.1:1\b.*running/);
  });

  it('keeps embedded PGlite data across reopening the same directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smsmesh-pglite-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const dataDir = join(dir, 'nested', 'pglite');
    const expected = await journalSize();

    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe('pglite');
    expect(first.migrations).toEqual({ applied: expected, total: expected });
    const id = randomUUID();
    await createPgStatusStore(first).apply([{ kind: 'failed', id, carrier: 'acme', status: 'expired', error: 'validity', at: 0 }]);
    await first.close();

    const second = await openDatabase({ dataDir });
    cleanups.push(() => second.close());
    expect(second.migrations).toEqual({ applied: 0, total: expected });
    const rows = await queryRows<{ status: string }>(second.db, sql`select status from messages where id = ${id}`);
    expect(rows).toEqual([{ status: 'expired' }]);
  });
});
