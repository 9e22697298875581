/**
 * Statistics for the status tables while they grow. The status writer's batch statements join a batch of events
 * against `messages` and `message_parts` by key, and PostgreSQL picks the join from its statistics. Without
 * statistics it guesses that each of the "still only accepted" conditions (status = 'accepted', submitted_at is null,
 * …) keeps half a percent of the rows, so that together they keep none, and plans the update as a nested loop that
 * reads the whole batch's JSON again for every row of the table: a fresh database drained a backlog of 10,000 four
 * times slower, PostgreSQL at a full core and ten times its usual CPU per message (docs/performance.md). Statistics
 * taken before a burst (of delivered messages only) mislead it the same way. Autovacuum analyzes within its naptime (a minute by default), and the embedded database
 * has no autovacuum at all. So a fresh install's first burst, or a backlog accepted into a young database, would be
 * written at a few hundred messages a second.
 *
 * Here a table is analyzed whenever it has at least doubled since its statistics were taken (never analyzed counts
 * as zero), once it holds a few pages. While a table is small, where a wrong join costs most, that keeps its
 * statistics close to its rows; the analyses grow geometrically, so they cost little in all; and a large table
 * doubles rarely and is left to autovacuum. It reads pg_class, which PostgreSQL and the embedded database both keep.
 */
import { sql } from 'drizzle-orm';
import { systemClock, type Cancel, type Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import type { Logger } from '../log/logger.js';

/** The tables the status writer's batch statements join against. */
export const STATUS_TABLES = ['messages', 'message_parts'] as const;

const PAGE = 8192;

export interface GrowthAnalyze {
  /** Analyzes every table that has doubled since its statistics now; resolves with those analyzed. */
  check(): Promise<string[]>;
  stop(): Promise<void>;
}

export function startGrowthAnalyze(o: {
  db: Db;
  log: Logger;
  tables?: readonly string[];
  /** Smaller tables are left alone: 16 pages, a few hundred rows of messages. */
  minBytes?: number;
  everyMs?: number;
  clock?: Clock;
  /** Check periodically (false: only `check()` on demand, for tests). */
  periodic?: boolean;
}): GrowthAnalyze {
  const tables = o.tables ?? STATUS_TABLES;
  const minBytes = o.minBytes ?? 16 * PAGE;
  const everyMs = o.everyMs ?? 2000;
  const clock = o.clock ?? systemClock;
  const log = o.log.child({ component: 'growth-analyze' });
  let cancel: Cancel | undefined;
  let running: Promise<string[]> | undefined;
  let stopped = false;

  async function check(): Promise<string[]> {
    // relpages is what the last ANALYZE or VACUUM saw (0 before either); pg_relation_size is the table now.
    const rows = await queryRows<{ name: string; pages: number; bytes: string | number }>(
      o.db,
      sql`select c.relname as name, c.relpages as pages, pg_relation_size(c.oid) as bytes
          from pg_class c
          where c.relname in (${sql.join(
            tables.map((t) => sql`${t}`),
            sql`, `,
          )}) and c.relkind = 'r'
            and c.relnamespace = (select oid from pg_namespace where nspname = current_schema())`,
    );
    const analyzed: string[] = [];
    for (const r of rows) {
      const bytes = Number(r.bytes);
      if (bytes < minBytes || bytes < 2 * Number(r.pages) * PAGE) continue;
      // Autovacuum may hold the table (a long vacuum of a large one): give up for now rather than wait behind it.
      await o.db.transaction(async (tx) => {
        await tx.execute(sql`set local lock_timeout = '1s'`);
        await tx.execute(sql`analyze ${sql.identifier(r.name)}`);
      });
      analyzed.push(r.name);
      log.info({ table: r.name, bytes, pagesAtLastStatistics: Number(r.pages) }, 'table analyzed: it has doubled since its statistics were taken');
    }
    return analyzed;
  }

  function tick(): void {
    if (stopped) return;
    cancel = clock.setTimer(
      everyMs,
      () => {
        running = check().catch((err: unknown) => {
          log.warn({ err: errorMessage(err) }, 'could not check table statistics; will retry');
          return [];
        });
        void running.finally(tick);
      },
      { unref: true },
    );
  }
  if (o.periodic !== false) tick();

  return {
    check,
    async stop() {
      stopped = true;
      cancel?.();
      await running;
    },
  };
}
