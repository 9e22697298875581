/**
 * The bench's own PostgreSQL database: created fresh on the local server for one bench invocation and dropped
 * after it, plus the read-only queries the bench measures with (final-state counts, accept → DLR latency
 * percentiles, the loss check, the backends' pids for CPU accounting).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import postgres from 'postgres';
import { STATUS_RANK } from '../../internal/sms/status.js';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const FINAL_RANK = STATUS_RANK.delivered;
const BENCH_APP = 'smsmesh-bench';

async function withAdmin<T>(adminUrl: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export interface DlrLatency {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LossCheck {
  checked: number;
  missing: number;
  /** Up to 20 ids (or keys) that have no final state. */
  examples: string[];
}

export interface BenchDatabase {
  name: string;
  url: string;
  sql: postgres.Sql;
  /** Messages with a final state (whole table). */
  finalCount(): Promise<number>;
  /** Rows of one run (by clientRef prefix) per status. */
  statusCounts(runTag: string): Promise<Record<string, number>>;
  /** Percentiles of updated_at − accepted_at over the run's delivered messages, ms. */
  dlrLatency(runTag: string): Promise<DlrLatency>;
  /** Every id in the files must have a final state. */
  checkLoss(idsFiles: readonly string[]): Promise<LossCheck>;
  /** Server pids of the sessions connected to this database, except the bench's own. */
  backendPids(): Promise<number[]>;
  /**
   * Row writes PostgreSQL counted on the messages table (inserts, updates, heap-only updates) and its rows, and on
   * message_parts (the parts of multi-part messages). The
   * counters of a session reach the statistics when it goes idle or ends: read after the gateway has stopped.
   */
  messageWrites(): Promise<MessageWrites>;
  drop(): Promise<void>;
}

export interface MessageWrites {
  rows: number;
  inserts: number;
  updates: number;
  hotUpdates: number;
  partInserts: number;
  partUpdates: number;
}

export async function createBenchDatabase(adminUrl: string = DEFAULT_ADMIN_URL): Promise<BenchDatabase> {
  const name = `smsmesh_bench_${randomBytes(5).toString('hex')}`;
  await withAdmin(adminUrl, (sql) => sql.unsafe(`create database "${name}"`));
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  // Two connections: the once-a-second poller and the occasional bigger query never wait for each other.
  const sql = postgres(url, { max: 2, onnotice: () => {}, connect_timeout: 10, connection: { application_name: BENCH_APP } });

  const tableExists = async () => (await sql`select to_regclass('public.messages') is not null as ok`)[0]?.ok === true;

  return {
    name,
    url,
    sql,
    async finalCount() {
      if (!(await tableExists())) return 0;
      const r = await sql`select count(*)::int as n from messages where status_rank >= ${FINAL_RANK}`;
      return Number(r[0]?.n ?? 0);
    },
    async statusCounts(runTag) {
      if (!(await tableExists())) return {};
      const rows = await sql`select status, count(*)::int as n from messages where client_ref like ${`${runTag}-%`} group by status`;
      return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)]));
    },
    async dlrLatency(runTag) {
      if (!(await tableExists())) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
      const r = await sql`
        select count(*)::int as n,
          percentile_cont(0.5) within group (order by ms) as p50,
          percentile_cont(0.95) within group (order by ms) as p95,
          percentile_cont(0.99) within group (order by ms) as p99,
          max(ms) as max
        from (
          select extract(epoch from (updated_at - accepted_at)) * 1000 as ms
          from messages
          where status = 'delivered' and accepted_at is not null and client_ref like ${`${runTag}-%`}
        ) t`;
      const row = r[0];
      const num = (v: unknown) => Math.round(Number(v ?? 0) * 100) / 100;
      return { count: Number(row?.n ?? 0), p50: num(row?.p50), p95: num(row?.p95), p99: num(row?.p99), max: num(row?.max) };
    },
    async checkLoss(idsFiles) {
      let checked = 0;
      let missing = 0;
      const examples: string[] = [];
      let chunk: string[] = [];
      const flush = async () => {
        if (chunk.length === 0) return;
        const ids = chunk;
        chunk = [];
        const found = new Set(
          (await sql`select id from messages where id = any(${ids}::text[]) and status_rank >= ${FINAL_RANK}`).map((r) => String(r.id)),
        );
        for (const id of ids) {
          if (!found.has(id)) {
            missing++;
            if (examples.length < 20) examples.push(id);
          }
        }
      };
      for (const file of idsFiles) {
        const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
        for await (const line of lines) {
          if (!line) continue;
          checked++;
          chunk.push(line);
          if (chunk.length >= 10_000) await flush();
        }
      }
      await flush();
      return { checked, missing, examples };
    },
    async backendPids() {
      // The bench's own measurement sessions are not the gateway's work.
      const rows = await sql`select pid from pg_stat_activity where datname = ${name} and application_name <> ${BENCH_APP}`;
      return rows.map((r) => Number(r.pid));
    },
    async messageWrites() {
      if (!(await tableExists())) return { rows: 0, inserts: 0, updates: 0, hotUpdates: 0, partInserts: 0, partUpdates: 0 };
      const [w] = await sql`
        select n_tup_ins::float8 as ins, n_tup_upd::float8 as upd, n_tup_hot_upd::float8 as hot,
          (select count(*) from messages)::float8 as rows,
          (select n_tup_ins from pg_stat_user_tables where relname = 'message_parts')::float8 as part_ins,
          (select n_tup_upd from pg_stat_user_tables where relname = 'message_parts')::float8 as part_upd
        from pg_stat_user_tables where relname = 'messages'`;
      return {
        rows: Number(w?.rows ?? 0),
        inserts: Number(w?.ins ?? 0),
        updates: Number(w?.upd ?? 0),
        hotUpdates: Number(w?.hot ?? 0),
        partInserts: Number(w?.part_ins ?? 0),
        partUpdates: Number(w?.part_upd ?? 0),
      };
    },
    async drop() {
      await sql.end({ timeout: 5 }).catch(() => {});
      // FORCE ends sessions a crashed process left open.
      await withAdmin(adminUrl, (s) => s.unsafe(`drop database if exists "${name}" with (force)`));
    },
  };
}
