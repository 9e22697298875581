import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../internal/db/client.js';
import { preparedSql } from '../../internal/db/prepared-sql.js';
import { queryRows, rowsOf } from '../../internal/db/rows.js';
import { statusStatements } from '../../internal/status/pg-status-sql.js';
import { createPgStatusStore } from '../../internal/status/pg-status-store.js';
import { createTestDatabase } from '../support/postgres.js';
import { backends, type OpenedBackend } from './backends.js';

const pick = preparedSql('test_pick', 2, (json: string, key: string) => sql`select r.v from json_to_recordset(${json}::json) as r(k text, v int) where r.k = ${key} order by r.v`);

describe.each(backends)('prepared statements on $name', (backend) => {
  let opened: OpenedBackend;

  beforeAll(async () => {
    opened = await backend.open();
  });

  afterAll(async () => {
    await opened?.cleanup();
  });

  it('answers with its arguments bound, run after run, on the database and in a transaction', async () => {
    const rows = JSON.stringify([
      { k: 'a', v: 2 },
      { k: 'b', v: 3 },
      { k: 'a', v: 1 },
    ]);
    expect(rowsOf<{ v: number }>(await pick.run(opened.database.db, rows, 'a'))).toEqual([{ v: 1 }, { v: 2 }]);
    expect(rowsOf<{ v: number }>(await pick.run(opened.database.db, rows, 'b'))).toEqual([{ v: 3 }]);
    await opened.database.db.transaction(async (tx) => {
      expect(rowsOf<{ v: number }>(await pick.run(tx, rows, 'a'))).toEqual([{ v: 1 }, { v: 2 }]);
    });
  });

  it.runIf(backend.name === 'postgres')('is parsed once per connection and then only executed', async () => {
    await opened.database.db.transaction(async (tx) => {
      // One transaction holds one connection, whose prepared statements pg_prepared_statements lists (an earlier
      // test may have prepared this one on it already).
      const seen = async () =>
        (
          await queryRows<{ n: number; plans: number }>(
            tx,
            sql`select count(*)::int as n, coalesce(sum(generic_plans + custom_plans), 0)::int as plans from pg_prepared_statements where statement = ${pick.text}`,
          )
        )[0]!;
      await pick.run(tx, JSON.stringify([{ k: 'x', v: 0 }]), 'x');
      const before = await seen();
      expect(before.n).toBe(1);
      for (let i = 1; i <= 3; i++) await pick.run(tx, JSON.stringify([{ k: 'x', v: i }]), 'x');
      expect(await seen()).toEqual({ n: 1, plans: before.plans + 3 });
    });
  });
});

describe('prepared statements behind a pooler that cannot keep them', () => {
  it('are not prepared on the server when DATABASE_URL says ?prepare=false, and still answer', async () => {
    const tdb = await createTestDatabase();
    const url = new URL(tdb.url);
    url.searchParams.set('prepare', 'false');
    const database = await openDatabase({ url: url.toString(), maxConnections: 1 });
    try {
      await database.db.transaction(async (tx) => {
        expect(rowsOf<{ v: number }>(await pick.run(tx, JSON.stringify([{ k: 'a', v: 7 }]), 'a'))).toEqual([{ v: 7 }]);
        const [row] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from pg_prepared_statements where statement = ${pick.text}`);
        expect(row).toEqual({ n: 0 });
      });
    } finally {
      await database.close();
      await tdb.drop();
    }
  });
});

describe('the status store on PostgreSQL', () => {
  it('plans each batch afresh: its prepared statements never switch to a generic plan', async () => {
    const tdb = await createTestDatabase();
    // One connection, so that the store's statements and the check below meet on the same backend.
    const database = await openDatabase({ url: tdb.url, maxConnections: 1 });
    const store = createPgStatusStore(database);
    try {
      // PostgreSQL considers a generic plan from a statement's sixth run on.
      for (let batch = 0; batch < 8; batch++) {
        await store.apply(
          [0, 1, 2].map((i) => ({
            kind: 'accepted' as const,
            message: { id: `plan-${batch}-${i}`, clientId: 'c1', carrier: 'acme', to: '+4915112345678', from: 'ACME', encoding: 'gsm7' as const, segments: 1, acceptedAt: Date.now() },
          })),
        );
      }
      const [row] = await queryRows<{ generic: number; custom: number }>(
        database.db,
        sql`select generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements where statement = ${statusStatements.upsertAccepted.text}`,
      );
      expect(row).toEqual({ generic: 0, custom: 8 });
    } finally {
      await store.close();
      await database.close();
      await tdb.drop();
    }
  });
});
