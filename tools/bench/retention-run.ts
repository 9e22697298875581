/**
 * The retention benchmark: fills a fresh database (schema from the migrations, every index) with N message rows
 * accepted over 100 days in time order, then runs a writer shaped like the status writer (one transaction per batch:
 * insert B rows, mark the B previous ones delivered; closed loop) for D seconds alone, then D seconds beside one
 * retention sweep (messagesDays 60: the oldest 40 % of the rows), and reports the writer's rows/s and batch latency in
 * both phases and the sweep's rows/s and statement times. The machine's other load moves both phases: run it twice.
 */
import type { SQL } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase } from '../../internal/db/client.js';
import { noopLogger } from '../../internal/log/logger.js';
import { startRetention } from '../../internal/status/retention.js';
import { createBenchDatabase } from './bench-database.js';

export interface RetentionRunOptions {
  rows: number;
  seconds: number;
  writerBatch: number;
  batchSize: number;
  pauseMs: number;
  pgUrl: string;
  out: (line: string) => void;
}

function percentiles(xs: number[]): { p50: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => Math.round(10 * (s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0)) / 10;
  return { p50: at(0.5), p99: at(0.99), max: Math.round(10 * (s[s.length - 1] ?? 0)) / 10 };
}

export async function runRetentionBench(o: RetentionRunOptions): Promise<void> {
  const bench = await createBenchDatabase(o.pgUrl);
  const database = await openDatabase({ url: bench.url, maxConnections: 2 });
  const sql = postgres(bench.url, { max: 2, onnotice: () => {} });
  try {
    let t = Date.now();
    for (let from = 1; from <= o.rows; from += 1_000_000) {
      const to = Math.min(o.rows, from + 999_999);
      await sql.unsafe(`insert into messages (id, client_id, carrier, "to", "from", segments, encoding, status, status_rank, accepted_at, submitted_at, done_at, parts)
        select 'm' || lpad(g::text, 10, '0'), 'c' || (g % 3), 'acme', '+4477009' || lpad((g % 100000)::text, 5, '0'), 'ACME', 1, 'gsm7', 'delivered', 3,
          now() - interval '100 days' + (g * (interval '100 days' / ${o.rows})), now() - interval '100 days' + (g * (interval '100 days' / ${o.rows})), now(), 1
        from generate_series(${from}, ${to}) g`);
    }
    await sql.unsafe('vacuum analyze messages');
    o.out(`loaded ${o.rows} rows in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    let seq = 0;
    const B = o.writerBatch;
    async function writer(ms: number) {
      const lat: number[] = [];
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const s = performance.now();
        const a = seq;
        seq += B;
        await sql.begin(async (tx) => {
          await tx.unsafe(`insert into messages (id, client_id, carrier, "to", "from", segments, encoding, status, status_rank, accepted_at, updated_at)
            select 'w' || lpad(g::text, 10, '0'), 'c1', 'acme', '+447700900123', 'ACME', 1, 'gsm7', 'accepted', 1, now(), now() from generate_series(${a + 1}, ${a + B}) g`);
          if (a >= B) {
            await tx.unsafe(`update messages set status = 'delivered', status_rank = 3, done_at = now(), updated_at = now()
              where id in (select 'w' || lpad(g::text, 10, '0') from generate_series(${a - B + 1}, ${a}) g)`);
          }
        });
        lat.push(performance.now() - s);
      }
      const p = percentiles(lat);
      return `${Math.round((lat.length * B) / (ms / 1000))} rows/s, ${lat.length} batches, batch p50 ${p.p50} ms, p99 ${p.p99} ms, max ${p.max} ms`;
    }
    o.out(`writer alone:            ${await writer(o.seconds * 1000)}`);

    const times: number[] = [];
    const timed = {
      async execute(q: SQL) {
        const s = performance.now();
        try {
          return await database.db.execute(q);
        } finally {
          times.push(performance.now() - s);
        }
      },
    };
    const retention = startRetention({
      db: timed as unknown as typeof database.db,
      config: { messagesDays: 60, batchSize: o.batchSize, intervalMs: 3600_000, pauseMs: o.pauseMs },
      log: noopLogger,
      periodic: false,
    });
    t = Date.now();
    const sweep = retention.sweep().then((r) => ({ r, s: (Date.now() - t) / 1000 }));
    o.out(`writer beside retention: ${await writer(o.seconds * 1000)}`);
    const { r, s } = await sweep;
    const p = percentiles(times);
    o.out(`sweep: ${r.messages} rows deleted in ${s.toFixed(1)} s (${Math.round(r.messages / s)} rows/s), ${times.length} statements: p50 ${p.p50} ms, p99 ${p.p99} ms, max ${p.max} ms`);
    await retention.stop();
  } finally {
    await sql.end();
    await database.close();
    await bench.drop();
  }
}
