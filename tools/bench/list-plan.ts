/**
 * The listing benchmark: fills a fresh database (schema from the migrations) with N message rows shaped like
 * production — one big client with 80 % of them, four smaller ones with 5 % each, a month of acceptance times, 97 % delivered,
 * the rest spread over the other states, half with a clientRef, a million distinct destinations — then runs
 * EXPLAIN (ANALYZE, BUFFERS) on the very statements GET /v1/messages sends (status store's listQuery) for each
 * filter, and reports plan and time. Rows are generated in SQL (generate_series), indexes built after the load.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '../../internal/db/client.js';
import { listQuery } from '../../internal/status/pg-status-store.js';
import type { ListFilter } from '../../internal/status/status-store.js';
import { STATUS_RANK } from '../../internal/sms/status.js';
import { createBenchDatabase } from './bench-database.js';

export interface ListPlanOptions {
  rows: number;
  pgUrl: string;
  resultsDir: string;
  keep: boolean;
  out: (line: string) => void;
}

interface Case {
  name: string;
  client: string;
  filter: ListFilter;
}

export interface PlanResult {
  name: string;
  filter: ListFilter;
  firstMs: number;
  warmMs: number;
  rows: number;
  plan: string;
}

const DAY = 86_400_000;

export async function runListPlan(o: ListPlanOptions): Promise<PlanResult[]> {
  const bench = await createBenchDatabase(o.pgUrl);
  o.out(`database ${bench.name}; applying migrations`);
  const database = await openDatabase({ url: bench.url, maxConnections: 2 });
  const sql = postgres(bench.url, { max: 1, onnotice: () => {} });
  try {
    const t0 = Date.UTC(2026, 10, 1);
    const secondary = await sql<{ indexname: string; indexdef: string }[]>`
      select indexname, indexdef from pg_indexes where tablename = 'messages' and indexname <> 'messages_pkey'`;
    const fks = await sql<{ conname: string; def: string }[]>`
      select conname, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'message_parts'::regclass and contype = 'f'`;
    // Loading into a bare table and building the indexes once is minutes faster than maintaining them per row.
    for (const fk of fks) await sql.unsafe(`alter table message_parts drop constraint "${fk.conname}"`);
    for (const ix of secondary) await sql.unsafe(`drop index "${ix.indexname}"`);
    await sql.unsafe('alter table messages drop constraint messages_pkey');
    const started = Date.now();
    const chunk = 1_000_000;
    const r = STATUS_RANK;
    for (let from = 1; from <= o.rows; from += chunk) {
      const to = Math.min(o.rows, from + chunk - 1);
      await sql.unsafe(
        `insert into messages (id, client_id, client_ref, carrier, "to", "from", segments, encoding, status, status_rank, parts,
           smsc_message_id, accepted_at, submitted_at, done_at, updated_at)
         select gen_random_uuid()::text,
           case when g % 10 < 8 then 'big' else 'client-' || (g % 20) end,
           case when g % 2 = 0 then 'ref-' || g end,
           'acme', '+4477' || lpad(((g::bigint * 7919) % 1000000)::text, 8, '0'), 'ACME', 1, 'gsm7',
           s.status, s.rank, 1, 'smsc-' || g, a.at, a.at + interval '1 second', a.at + interval '3 seconds', a.at + interval '3 seconds'
         from generate_series(${from}, ${to}) g
         cross join lateral (select timestamptz 'epoch' + (${t0} + (g::float8 / ${o.rows}) * ${30 * DAY}) * interval '1 millisecond' as at) a
         -- (g / 10) % 1000: the state must not follow the client (g % 10), or some client would have no failures at all.
         cross join lateral (select (g / 10) % 1000 as k) h
         cross join lateral (select case
             when h.k < 970 then 'delivered' when h.k < 985 then 'undeliverable' when h.k < 990 then 'failed'
             when h.k < 995 then 'expired' when h.k < 998 then 'rejected' else 'submitted' end as status) s0
         cross join lateral (select s0.status, case when s0.status = 'submitted' then ${r.submitted} else ${r.delivered} end as rank) s`,
      );
      o.out(`  ${to.toLocaleString('en')} rows (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    const loaded = Date.now();
    await sql.unsafe('alter table messages add primary key (id)');
    for (const ix of secondary) await sql.unsafe(ix.indexdef);
    for (const fk of fks) await sql.unsafe(`alter table message_parts add constraint "${fk.conname}" ${fk.def}`);
    const indexed = Date.now();
    await sql.unsafe('vacuum analyze messages');
    o.out(`loaded ${o.rows.toLocaleString('en')} rows in ${Math.round((loaded - started) / 1000)} s, indexes in ${Math.round((indexed - loaded) / 1000)} s, vacuum analyze in ${Math.round((Date.now() - indexed) / 1000)} s`);

    const [mid] = await sql<{ at: Date; id: string }[]>`
      select accepted_at as at, id from messages where client_id = 'big' and accepted_at < ${new Date(t0 + 15 * DAY)} order by accepted_at desc, id desc limit 1`;
    const [someTo] = await sql<{ to: string }[]>`select "to" from messages where client_id = 'big' order by accepted_at desc limit 1`;
    const [someRef] = await sql<{ ref: string }[]>`select client_ref as ref from messages where client_id = 'big' and client_ref is not null and accepted_at < ${new Date(t0 + 10 * DAY)} limit 1`;
    const end = t0 + 30 * DAY;
    const cases: Case[] = [
      { name: 'newest page, no filter (big client)', client: 'big', filter: { limit: 100 } },
      { name: 'a page in the middle (cursor 15 days back)', client: 'big', filter: { limit: 100, after: { at: mid!.at.getTime(), id: mid!.id } } },
      { name: 'status=failed (0.5 % of rows)', client: 'big', filter: { limit: 100, status: 'failed' } },
      { name: 'status=submitted (0.2 % of rows)', client: 'big', filter: { limit: 100, status: 'submitted' } },
      { name: 'status=failed, since 1 day', client: 'big', filter: { limit: 100, status: 'failed', since: end - DAY } },
      { name: 'to=<one number>', client: 'big', filter: { limit: 100, to: someTo!.to } },
      { name: 'clientRef=<one ref>', client: 'big', filter: { limit: 100, clientRef: someRef!.ref } },
      { name: 'since/until one hour, 20 days back', client: 'big', filter: { limit: 100, since: end - 20 * DAY, until: end - 20 * DAY + 3600_000 } },
      { name: 'newest page of a small client (5 % of rows)', client: 'client-9', filter: { limit: 100 } },
      { name: 'status=canceled, which this client has none of', client: 'big', filter: { limit: 100, status: 'canceled' } },
      { name: 'status=canceled, since 1 day', client: 'big', filter: { limit: 100, status: 'canceled', since: end - DAY } },
    ];
    const results: PlanResult[] = [];
    for (const c of cases) {
      const q = listQuery(database.db, c.client, c.filter).toSQL();
      const params = q.params.map((p) => (p instanceof Date ? p.toISOString() : p)) as postgres.ParameterOrJSON<never>[];
      const explain = async () => (await sql.unsafe(`explain (analyze, buffers) ${q.sql}`, params)).map((row) => String(Object.values(row)[0])).join('\n');
      const first = await explain();
      const plan = await explain();
      const ms = (p: string) => Number(/Execution Time: ([\d.]+) ms/.exec(p)?.[1] ?? NaN);
      const rows = Number(/Limit[^\n]*actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(plan)?.[1] ?? NaN);
      results.push({ name: c.name, filter: c.filter, firstMs: ms(first), warmMs: ms(plan), rows, plan });
      o.out(`\n== ${c.name}: ${ms(plan)} ms warm (${ms(first)} ms first), ${rows} rows\n${plan}`);
    }
    mkdirSync(o.resultsDir, { recursive: true });
    const file = join(o.resultsDir, `list-plan-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ rows: o.rows, loadS: (loaded - started) / 1000, results }, null, 2));
    o.out(`\nresults in ${file}`);
    o.out('\nsummary (warm execution time of one page of 100):');
    for (const r of results) o.out(`  ${r.name.padEnd(48)} ${String(r.warmMs).padStart(9)} ms   first ${r.firstMs} ms`);
    return results;
  } finally {
    await sql.end({ timeout: 5 });
    await database.close();
    if (!o.keep) await bench.drop();
  }
}
