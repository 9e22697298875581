/**
 * The smsmesh stack a bench measures, all on loopback: a fresh nats-server with JetStream file storage (own port,
 * temporary store), a fresh PostgreSQL database, the SMSC simulator in its own process, and the gateway from
 * dist/ in layout "all" (one smsmesh process) or "split" (N edges + connector + status-writer). Processes are
 * stopped with SIGTERM so --cpu-prof profiles get written.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { freePort } from '../devstack/free-port.js';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { nodeFlagsFor } from '../../internal/app/node-flags.js';
import { packageRoot } from '../../internal/core/paths.js';
import { startNatsServer, type NatsProcess } from '../devstack/nats-process.js';
import type { BenchDatabase } from './bench-database.js';
import { killOnExit } from '../shared/exit-guard.js';
import { startSimProcess, type SimProcess } from './sim-process.js';
import { perfNodeFlags } from './perf-record.js';
import { logChildOutput } from '../shared/child-log.js';

export { freePort };

export type Layout = 'all' | 'split';

export interface StackOptions {
  layout: Layout;
  /** Edge processes in the split layout. */
  edges: number;
  binds: number;
  window: number;
  tps: number;
  receiptDelayMs: number;
  db: BenchDatabase;
  /** Temporary directory for the NATS store and the config. */
  workDir: string;
  logDir: string;
  /** When set, gateway processes run with --cpu-prof into <profileDir>/<process name>/. */
  profileDir?: string | undefined;
  /** When set, gateway processes run with the flags that let Linux perf name their JavaScript, their V8 log in perfDir. */
  perfDir?: string | undefined;
  logLevel: string;
  /** SMSMESH_NICE of the connector and status-writer processes of the split layout; 0 leaves them as the edges. */
  backgroundNice: number;
  /** Their SMSMESH_NICE_BACKLOG; undefined leaves the gateway's default. */
  backgroundNiceBacklog?: number | undefined;
  /** Each gateway process in a session of its own (setsid), as systemd starts services. */
  roleSessions?: boolean;
  /** Node flags of the gateway processes. */
  nodeFlags?: readonly string[];
  /** Where the bench client's callbacks go (a receiver the bench runs); the split layout adds a callbacks process. */
  callbackUrl?: string | undefined;
}

export interface GatewayProcessInfo {
  name: string;
  pid: number;
  profileDir: string | undefined;
  /** The Node/V8 flags it was started with (production's for its entry, then --node-flags; profiling's and perf's aside). */
  nodeFlags: readonly string[];
}

export interface GatewayStack {
  layout: Layout;
  edgeUrls: string[];
  apiKey: string;
  sim: SimProcess;
  nats: NatsProcess;
  gateway: GatewayProcessInfo[];
  /** The /metrics pages of the processes that run the status writer (the one process of layout all). */
  writerMetricsUrls: string[];
  /** Messages and bytes held by each JetStream stream (the queue). */
  streams(): Promise<Record<string, { messages: number; bytes: number }>>;
  stop(): Promise<void>;
}


/** nats-server from $NATS_SERVER_BIN, the PATH, or Debian's /usr/sbin (often not on a user's PATH). */
export function ensureNatsServerBin(): void {
  if (process.env.NATS_SERVER_BIN) return;
  const onPath = (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, 'nats-server')));
  if (!onPath && existsSync('/usr/sbin/nats-server')) process.env.NATS_SERVER_BIN = '/usr/sbin/nats-server';
}

export async function waitHttpOk(url: string, timeoutMs: number, child?: ChildProcess, what = url): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode})`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
      last = `HTTP ${r.status}: ${(await r.text()).slice(0, 300)}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms (${last})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Spawned {
  info: GatewayProcessInfo;
  child: ChildProcess;
  exited: Promise<void>;
}

export async function startGatewayStack(o: StackOptions): Promise<GatewayStack> {
  ensureNatsServerBin();
  const root = packageRoot();
  mkdirSync(o.workDir, { recursive: true });
  mkdirSync(o.logDir, { recursive: true });
  const started: Spawned[] = [];
  let nats: NatsProcess | undefined;
  let sim: SimProcess | undefined;
  let admin: { nc: NatsConnection; jsm: JetStreamManager } | undefined;

  const stopAll = async () => {
    if (admin) await admin.nc.close().catch(() => {});
    admin = undefined;
    // Intake first, then the connector, then the writer: the order an operator would use.
    for (const s of [...started].reverse()) {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
      await Promise.race([s.exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (s.child.exitCode === null && s.child.signalCode === null) {
        s.child.kill('SIGKILL');
        await s.exited;
      }
    }
    await sim?.stop();
    await nats?.stop();
  };

  try {
    nats = await startNatsServer({ port: await freePort(), storeDir: join(o.workDir, 'nats'), host: '127.0.0.1' });
    killOnExit(nats.child);
    sim = await startSimProcess({ host: '127.0.0.1', port: 0, systemId: 'smsmesh', password: 'secret', receipts: true, receiptDelayMs: o.receiptDelayMs });

    const apiKey = randomBytes(24).toString('hex');
    const configPath = join(o.workDir, 'smsmesh.json');
    writeFileSync(
      configPath,
      JSON.stringify(
        {
          carriers: [
            {
              id: 'bench',
              prefixes: ['+'],
              smpp: { host: '127.0.0.1', port: sim.port, systemId: 'smsmesh', password: 'secret' },
              binds: o.binds,
              tps: o.tps,
              window: o.window,
            },
          ],
          clients: [{ id: 'bench', apiKey, ...(o.callbackUrl ? { callbackUrl: o.callbackUrl, webhookSecrets: [`whsec_${randomBytes(32).toString('base64')}`] } : {}) }],
          ...(o.callbackUrl ? { callbacks: { allowPrivateTargets: true, concurrencyPerEndpoint: 64 } } : {}),
        },
        null,
        2,
      ),
    );

    const spawnGateway = async (name: string, entry: string, http: boolean): Promise<{ s: Spawned; port: number; metricsPort: number }> => {
      const port = http ? await freePort() : 0;
      const metricsPort = await freePort();
      const profileDir = o.profileDir ? join(o.profileDir, name) : undefined;
      // The flags production starts this entry with first: --node-flags come after and can undo one (--no-single-threaded-gc).
      const nodeFlags = [...nodeFlagsFor(entry), ...(o.nodeFlags ?? [])];
      const execArgv = [...nodeFlags, ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), ...(o.perfDir ? perfNodeFlags(o.perfDir) : [])];
      if (profileDir) mkdirSync(profileDir, { recursive: true });
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        SMSMESH_CONFIG: configPath,
        NATS_URL: nats!.url,
        SMSMESH_DATA_DIR: join(o.workDir, `data-${name}`),
        PORT: String(port),
        HOST: '127.0.0.1',
        METRICS_PORT: String(metricsPort),
        LOG_LEVEL: o.logLevel,
      };
      // Edges of the split layout only accept (POST); they need no database.
      if (entry === 'edge') delete env.DATABASE_URL;
      else env.DATABASE_URL = o.db.url;
      // Delivery work can yield the cores to intake: clients wait on the edge; the connector and writer can wait.
      delete env.SMSMESH_NICE;
      delete env.SMSMESH_NICE_BACKLOG;
      if ((entry === 'connector' || entry === 'status-writer' || entry === 'callbacks') && o.backgroundNice !== 0) {
        env.SMSMESH_NICE = String(o.backgroundNice);
        if (o.backgroundNiceBacklog !== undefined) env.SMSMESH_NICE_BACKLOG = String(o.backgroundNiceBacklog);
      }
      const child = spawn(process.execPath, [...execArgv, join(root, 'dist', 'cmd', `${entry}.js`)], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: o.roleSessions === true });
      killOnExit(child);
      logChildOutput(child, join(o.logDir, `${name}.log`));
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      const s: Spawned = { info: { name, pid: child.pid ?? 0, profileDir, nodeFlags }, child, exited };
      started.push(s);
      return { s, port, metricsPort };
    };

    const edgeUrls: string[] = [];
    const writerMetricsUrls: string[] = [];
    if (o.layout === 'all') {
      const { s, port } = await spawnGateway('smsmesh', 'smsmesh', true);
      edgeUrls.push(`http://127.0.0.1:${port}`);
      // With an edge in the process, /metrics is served by the edge.
      writerMetricsUrls.push(`http://127.0.0.1:${port}/metrics`);
      await waitHttpOk(`${edgeUrls[0]}/readyz`, 90_000, s.child, `smsmesh (see ${join(o.logDir, 'smsmesh.log')})`);
      // An edge is ready before any bind is up (JetStream queues); measure from the moment binds are up too.
      await waitHttpOk(`${edgeUrls[0]}/readyz/carriers`, 90_000, s.child, `smsmesh binds (see ${join(o.logDir, 'smsmesh.log')})`);
    } else {
      // The writer migrates the database; the connector binds; then the edges; then every carrier has a bind up.
      const w = await spawnGateway('status-writer', 'status-writer', false);
      await waitHttpOk(`http://127.0.0.1:${w.metricsPort}/healthz`, 90_000, w.s.child, 'status-writer');
      writerMetricsUrls.push(`http://127.0.0.1:${w.metricsPort}/metrics`);
      if (o.callbackUrl) {
        const cb = await spawnGateway('callbacks', 'callbacks', false);
        await waitHttpOk(`http://127.0.0.1:${cb.metricsPort}/healthz`, 90_000, cb.s.child, 'callbacks');
      }
      const c = await spawnGateway('connector', 'connector', false);
      await waitHttpOk(`http://127.0.0.1:${c.metricsPort}/healthz`, 90_000, c.s.child, 'connector');
      const edges = [];
      for (let i = 0; i < o.edges; i++) edges.push(await spawnGateway(`edge-${i + 1}`, 'edge', true));
      for (const e of edges) {
        const url = `http://127.0.0.1:${e.port}`;
        edgeUrls.push(url);
        await waitHttpOk(`${url}/readyz`, 90_000, e.s.child, `${e.s.info.name} (see ${join(o.logDir, `${e.s.info.name}.log`)})`);
      }
      if (edgeUrls[0]) await waitHttpOk(`${edgeUrls[0]}/readyz/carriers`, 90_000, c.s.child, `connector binds (see ${join(o.logDir, 'connector.log')})`);
    }
    return {
      layout: o.layout,
      edgeUrls,
      apiKey,
      sim,
      nats,
      gateway: started.map((s) => s.info),
      writerMetricsUrls,
      async streams() {
        if (!admin) {
          const nc = await connect({ servers: nats!.url, name: 'smsmesh-bench' });
          admin = { nc, jsm: await jetstreamManager(nc) };
        }
        const out: Record<string, { messages: number; bytes: number }> = {};
        for await (const si of admin.jsm.streams.list()) out[si.config.name] = { messages: si.state.messages, bytes: si.state.bytes };
        return out;
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll().catch(() => {});
    throw err;
  }
}
