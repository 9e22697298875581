/**
 * The stack fault drills run against, all on loopback: a 3-node NATS JetStream cluster (streams with 3 replicas), a
 * PostgreSQL cluster of its own (so it can be restarted), the SMSC simulator in its own process, and the gateway
 * split as in production — two edges, two connector processes and a status writer — each a process that a drill
 * can kill and start again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import postgres from 'postgres';
import { nodeFlagsFor } from '../../internal/app/node-flags.js';
import { packageRoot } from '../../internal/core/paths.js';
import { waitHttpOk, ensureNatsServerBin } from '../bench/stack.js';
import { startSimProcess, type SimProcess } from '../bench/sim-process.js';
import { freePort } from '../devstack/free-port.js';
import { startNatsCluster, type NatsCluster } from '../devstack/nats-cluster.js';
import { startPgCluster, type PgCluster } from '../devstack/pg-cluster.js';
import { killOnExit } from '../shared/exit-guard.js';
import { logChildOutput } from '../shared/child-log.js';

export const DRILL_CLIENT = 'drill';

export interface GatewayProc {
  readonly name: string;
  /** The edge's HTTP base URL (edges only). */
  readonly url: string | undefined;
  running(): boolean;
  start(): Promise<void>;
  /** SIGKILL: no drain, no goodbye. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the drain. */
  stop(): Promise<void>;
}

export interface DrillStack {
  readonly cluster: NatsCluster;
  readonly pg: PgCluster;
  readonly sim: SimProcess;
  readonly edges: GatewayProc[];
  readonly connectors: GatewayProc[];
  readonly writer: GatewayProc;
  readonly apiKey: string;
  /** binds × window of one connector process: the most it may send twice when it dies. */
  readonly dupBoundPerConnector: number;
  readonly logDir: string;
  all(): GatewayProc[];
  /** The server name (n1…n3) leading a stream's replicas. */
  streamLeader(stream?: string): Promise<string>;
  /** Messages of the drill client accepted at or after `sinceMs` that reached a final state. */
  finalSince(sinceMs: number): Promise<number>;
  /** Which of these ids reached a final state. */
  finalAmong(ids: readonly string[]): Promise<Set<string>>;
  /** The recorded state of these ids ('absent' when there is no row), to tell what a lost message was doing. */
  statesOf(ids: readonly string[]): Promise<Map<string, string>>;
  /** How many of these ids have a row that does not name its client (its accepted event was never applied). */
  unattributed(ids: readonly string[]): Promise<number>;
  stop(): Promise<void>;
}

export interface DrillStackOptions {
  workDir: string;
  logLevel?: string;
  /** TPS per bind (default 1000). */
  tps?: number;
}

const BINDS = 2;
const WINDOW = 20;

export async function startDrillStack(o: DrillStackOptions): Promise<DrillStack> {
  ensureNatsServerBin();
  const root = packageRoot();
  const logDir = join(o.workDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    const cluster = await startNatsCluster({ workDir: join(o.workDir, 'nats') });
    cleanups.push(() => cluster.destroy());
    const pg = await startPgCluster();
    cleanups.push(() => pg.destroy());
    const sim = await startSimProcess({ host: '127.0.0.1', port: 0, systemId: 'smsmesh', password: 'secret', receipts: true, receiptDelayMs: 50 });
    cleanups.push(() => sim.stop());

    const apiKey = randomBytes(24).toString('hex');
    const configPath = join(o.workDir, 'smsmesh.json');
    writeFileSync(
      configPath,
      JSON.stringify(
        {
          carriers: [
            {
              id: 'sim',
              prefixes: ['+'],
              smpp: { host: '127.0.0.1', port: sim.port, systemId: 'smsmesh', password: 'secret' },
              binds: BINDS,
              window: WINDOW,
              tps: o.tps ?? 1000,
              responseTimeoutMs: 3000,
              enquireLinkMs: 5000,
              maxAttempts: 10,
            },
          ],
          clients: [{ id: DRILL_CLIENT, apiKey }],
          // A connector that dies holds its messages this long; short, so a drill sees them come back.
          nats: { replicas: 3, ackWaitMs: 10_000, publishTimeoutMs: 3000 },
        },
        null,
        2,
      ),
    );

    const proc = (name: string, entry: string, http: boolean): GatewayProc => {
      let child: ChildProcess | undefined;
      let exited: Promise<void> = Promise.resolve();
      let port = 0;
      let metricsPort = 0;
      const p: GatewayProc = {
        name,
        get url() {
          return http && port ? `http://127.0.0.1:${port}` : undefined;
        },
        running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
        async start() {
          if (p.running()) return;
          port = http ? port || (await freePort()) : 0;
          metricsPort = metricsPort || (await freePort());
          const env: NodeJS.ProcessEnv = {
            ...process.env,
            SMSMESH_CONFIG: configPath,
            NATS_URL: cluster.url,
            DATABASE_URL: pg.url,
            SMSMESH_DATA_DIR: join(o.workDir, `data-${name}`),
            PORT: String(port),
            HOST: '127.0.0.1',
            METRICS_PORT: String(metricsPort),
            LOG_LEVEL: o.logLevel ?? 'info',
          };
          delete env.SMSMESH_NICE;
          const c = spawn(process.execPath, [...nodeFlagsFor(entry), join(root, 'dist', 'cmd', `${entry}.js`)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
          killOnExit(c);
          logChildOutput(c, join(logDir, `${name}.log`), { append: true });
          child = c;
          exited = new Promise<void>((r) => c.once('exit', () => r()));
          await waitHttpOk(`http://127.0.0.1:${http ? port : metricsPort}/healthz`, 90_000, c, `${name} (see ${join(logDir, `${name}.log`)})`);
        },
        async kill() {
          if (!p.running()) return;
          child!.kill('SIGKILL');
          await exited;
        },
        async stop() {
          if (!p.running()) return;
          child!.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
          await p.kill();
        },
      };
      return p;
    };

    const writer = proc('status-writer', 'status-writer', false);
    const connectors = [proc('connector-1', 'connector', false), proc('connector-2', 'connector', false)];
    const edges = [proc('edge-1', 'edge', true), proc('edge-2', 'edge', true)];
    const all = () => [writer, ...connectors, ...edges];
    cleanups.push(async () => {
      for (const g of [...all()].reverse()) await g.stop();
    });
    // The writer migrates the database first; then connectors bind; then the edges.
    await writer.start();
    for (const c of connectors) await c.start();
    for (const e of edges) await e.start();
    for (const e of edges) await waitHttpOk(`${e.url}/readyz`, 90_000, undefined, `${e.name} readiness`);

    let admin: { nc: NatsConnection; jsm: JetStreamManager } | undefined;
    const jsm = async () => {
      if (!admin) {
        const nc = await connect({ servers: cluster.url.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 250 });
        admin = { nc, jsm: await jetstreamManager(nc, { timeout: 5000 }) };
      }
      return admin.jsm;
    };
    cleanups.push(async () => {
      await admin?.nc.close().catch(() => {});
    });
    const sql = postgres(pg.url, { max: 2, onnotice: () => {}, connect_timeout: 5 });
    cleanups.push(() => sql.end({ timeout: 2 }));

    return {
      cluster,
      pg,
      sim,
      edges,
      connectors,
      writer,
      apiKey,
      dupBoundPerConnector: BINDS * WINDOW,
      logDir,
      all,
      async streamLeader(stream = 'SMS_MT') {
        const info = await (await jsm()).streams.info(stream);
        const leader = info.cluster?.leader;
        if (!leader) throw new Error(`stream ${stream} has no leader right now`);
        return leader;
      },
      async finalSince(sinceMs) {
        const [r] = await sql<{ n: number }[]>`
          select count(*)::int as n from messages
          where client_id = ${DRILL_CLIENT} and accepted_at >= to_timestamp(${sinceMs / 1000}) and status_rank = 3`;
        return r?.n ?? 0;
      },
      async finalAmong(ids) {
        const out = new Set<string>();
        for (let i = 0; i < ids.length; i += 10_000) {
          const rows = await sql<{ id: string }[]>`select id from messages where id = any(${ids.slice(i, i + 10_000) as string[]}) and status_rank = 3`;
          for (const r of rows) out.add(r.id);
        }
        return out;
      },
      async unattributed(ids) {
        let n = 0;
        for (let i = 0; i < ids.length; i += 10_000) {
          const [r] = await sql<{ n: number }[]>`select count(*)::int as n from messages where id = any(${ids.slice(i, i + 10_000) as string[]}) and client_id is null`;
          n += r?.n ?? 0;
        }
        return n;
      },
      async statesOf(ids) {
        const out = new Map<string, string>(ids.map((id) => [id, 'absent']));
        const rows = await sql<{ id: string; status: string }[]>`select id, status from messages where id = any(${ids as string[]})`;
        for (const r of rows) out.set(r.id, r.status);
        return out;
      },
      async stop() {
        for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
      },
    };
  } catch (err) {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
    throw err;
  }
}
