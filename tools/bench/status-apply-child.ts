/**
 * One measured run of `make bench-status`, in a process of its own so that builds never share a heap or a JIT:
 * loads the database client and the status store from the build named on the command line (this one's dist, or a
 * base build's), applies the batches on one connection to a fresh database and prints one JSON line: PostgreSQL's
 * backend CPU, this process's CPU and the wall time, and how many messages ended delivered.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import type { openDatabase as OpenDatabase } from '../../internal/db/client.js';
import { rowsOf } from '../../internal/db/rows.js';
import type { createPgStatusStore as CreateStore } from '../../internal/status/pg-status-store.js';
import { clockTicksPerSecond, cpuTicks } from './process-stats.js';
import { deliveredAfter, statusBatch, statusPreload, type StatusShape } from './status-apply-batches.js';

export interface StatusApplyJob {
  /** The dist directory of the build whose store runs. */
  dist: string;
  url: string;
  shape: StatusShape;
  size: number;
  batches: number;
  warmup: number;
}

export interface StatusApplyResult {
  pgCpuMs: number | null;
  cpuMs: number;
  wallMs: number;
  delivered: number;
  expected: number;
}

/** The backend's user + system CPU in ms, when the server runs on this machine. */
function backendCpuMs(pid: number): number | null {
  const ticks = cpuTicks(pid);
  return ticks === undefined ? null : (ticks * 1000) / clockTicksPerSecond();
}

async function run(job: StatusApplyJob): Promise<StatusApplyResult> {
  const load = (p: string) => import(pathToFileURL(join(job.dist, p)).href);
  const { openDatabase } = (await load('internal/db/client.js')) as { openDatabase: typeof OpenDatabase };
  const { createPgStatusStore } = (await load('internal/status/pg-status-store.js')) as { createPgStatusStore: typeof CreateStore };
  const database = await openDatabase({ url: job.url, maxConnections: 1 });
  const store = createPgStatusStore(database);
  try {
    const [who] = rowsOf<{ pid: number }>(await database.db.execute(sql`select pg_backend_pid() as pid`));
    const t0 = Date.now();
    const preload = statusPreload(job.shape, job.warmup + job.batches, job.size, t0);
    for (const b of preload) await store.apply(b);
    // With statistics, as the status writer's growth analyze (or autovacuum) would have taken them by then.
    if (preload.length > 0) await database.db.execute(sql`analyze messages`);
    let index = 0;
    for (let i = 0; i < job.warmup; i++) await store.apply(statusBatch(job.shape, index++, job.size, t0));
    const pg0 = backendCpuMs(who!.pid);
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    for (let i = 0; i < job.batches; i++) await store.apply(statusBatch(job.shape, index++, job.size, t0));
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    const pg1 = backendCpuMs(who!.pid);
    const [done] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from messages where status = 'delivered'`));
    return {
      pgCpuMs: pg0 === null || pg1 === null ? null : pg1 - pg0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs,
      delivered: done!.n,
      expected: deliveredAfter(job.shape, job.warmup + job.batches, job.size),
    };
  } finally {
    await store.close();
    await database.close();
  }
}

const job = JSON.parse(process.argv[2] ?? '') as StatusApplyJob;
process.stdout.write(`${JSON.stringify(await run(job))}\n`);
