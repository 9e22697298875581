/**
 * Statistics of the status tables while they grow, on both databases: a table is analyzed once it holds a few pages
 * and has doubled since its statistics were taken (never analyzed counts as none), an empty one is left alone, and a
 * table that has not doubled is not analyzed again.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../internal/db/rows.js';
import { noopLogger } from '../../internal/log/logger.js';
import { startGrowthAnalyze } from '../../internal/status/growth-analyze.js';
import { backends, type OpenedBackend } from '../db/backends.js';

describe.each(backends)('growth analyze on $name', (backend) => {
  let b: OpenedBackend;
  beforeAll(async () => {
    b = await backend.open();
    // Only this code analyzes here: autovacuum must not take a step between two checks.
    for (const t of ['messages', 'message_parts']) await b.database.db.execute(sql`alter table ${sql.identifier(t)} set (autovacuum_enabled = false)`);
  });
  afterAll(async () => {
    await b?.cleanup();
  });

  const reltuples = async (table: string): Promise<number> =>
    Number((await queryRows<{ n: number }>(b.database.db, sql`select reltuples as n from pg_class where relname = ${table} and relkind = 'r'`))[0]!.n);
  const nullFrac = async (column: string): Promise<number[]> =>
    (await queryRows<{ f: number }>(b.database.db, sql`select null_frac as f from pg_stats where tablename = 'messages' and attname = ${column}`)).map((r) => Number(r.f));
  let seq = 0;
  /** `n` messages in the state the status writer's statements look for first: accepted, nothing else yet. */
  const accept = async (n: number): Promise<void> => {
    const tag = `ga${++seq}-`;
    await b.database.db.execute(sql`
      insert into messages (id, client_id, carrier, "to", "from", segments, encoding, status, status_rank, accepted_at)
      select ${tag} || g, 'c', 'acme', '+4477009' || g, 'X', 1, 'gsm7', 'accepted', 0, now() from generate_series(1, ${n}::int) g`);
  };

  it('analyzes a table each time it has doubled, never an empty or a small one, and says which', async () => {
    const ga = startGrowthAnalyze({ db: b.database.db, log: noopLogger, periodic: false });
    expect(await reltuples('messages')).toBeLessThan(0);
    expect(await ga.check()).toEqual([]);
    await accept(50);
    expect(await ga.check()).toEqual([]);
    expect(await reltuples('messages')).toBeLessThan(0);

    await accept(2950);
    expect(await ga.check()).toEqual(['messages']);
    expect(await reltuples('messages')).toBe(3000);
    expect(await nullFrac('submitted_at')).toEqual([1]);
    // message_parts is still empty: not analyzed.
    expect(await reltuples('message_parts')).toBeLessThan(0);

    // A third more rows: not doubled, statistics stand.
    await accept(1000);
    expect(await ga.check()).toEqual([]);
    // Doubled since: analyzed again, and the statistics follow the rows.
    await accept(3000);
    expect(await ga.check()).toEqual(['messages']);
    expect(await reltuples('messages')).toBe(7000);
    await ga.stop();
  });
});
