/** Runs smsmesh processes (built into dist/) for integration tests, with a config written to a temp dir. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './ports.js';
import { logChildOutput } from '../../tools/shared/child-log.js';
import { nodeFlagsFor } from '../../internal/app/node-flags.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface CarrierSpec {
  id: string;
  prefixes: string[];
  port: number;
  binds?: number;
  tps?: number;
  window?: number;
  responseTimeoutMs?: number;
  maxAttempts?: number;
  [k: string]: unknown;
}

export interface StackConfig {
  carriers: CarrierSpec[];
  apiKey: string;
  /** More of the config's nats: section (e.g. maxBacklogBytes). */
  nats?: Record<string, unknown>;
  ackWaitMs?: number;
  publishTimeoutMs?: number;
  /** Clients besides test-client and other-client. */
  moreClients?: { id: string; apiKey?: string; apiKeyHash?: string; rateLimit?: number; scopes?: string[]; [k: string]: unknown }[];
  /** More fields of test-client (callbackUrl, webhookSecrets …). */
  client?: Record<string, unknown>;
  /** Top-level config sections (api, scheduling, idempotency …). */
  sections?: Record<string, unknown>;
}

export function writeConfig(dir: string, c: StackConfig): string {
  const config = {
    carriers: c.carriers.map(({ id, prefixes, port, ...rest }) => ({
      id,
      prefixes,
      smpp: { host: '127.0.0.1', port, systemId: 'smsmesh', password: 'secret' },
      binds: 1,
      tps: 5000,
      window: 20,
      responseTimeoutMs: 2000,
      enquireLinkMs: 5000,
      ...rest,
    })),
    clients: [
      { id: 'test-client', apiKey: c.apiKey, ...c.client },
      { id: 'other-client', apiKey: `${c.apiKey}-other` },
      ...(c.moreClients ?? []),
    ],
    nats: { ackWaitMs: c.ackWaitMs ?? 5000, publishTimeoutMs: c.publishTimeoutMs ?? 2000, duplicateWindowMs: 120_000 },
    ...c.sections,
  };
  Object.assign(config.nats, c.nats);
  const path = join(dir, 'smsmesh.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export interface GatewayProcess {
  child: ChildProcess;
  logFile: string;
  port: number | undefined;
  baseUrl: string;
  /** SIGTERM and wait (or SIGKILL after a grace period). */
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export async function spawnGateway(opts: {
  entry: 'smsmesh' | 'edge' | 'connector' | 'status-writer' | 'callbacks';
  args?: string[];
  configPath: string;
  natsUrl: string;
  databaseUrl?: string | undefined;
  dataDir: string;
  http?: boolean;
  logDir: string;
  name?: string;
  env?: Record<string, string>;
  /**
   * 'started' (default): return once the roles run. 'alive': once /healthz answers at all — a process still starting
   * (waiting for NATS, opening the database) answers it with a `starting` field.
   */
  until?: 'started' | 'alive';
  /** Start it in a session of its own (setsid), as systemd starts a service. */
  ownSession?: boolean;
}): Promise<GatewayProcess> {
  const port = opts.http ? await freePort() : undefined;
  const metricsPort = await freePort();
  const logFile = join(opts.logDir, `${opts.name ?? opts.entry}-${Date.now()}.log`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SMSMESH_CONFIG: opts.configPath,
    NATS_URL: opts.natsUrl,
    SMSMESH_DATA_DIR: opts.dataDir,
    PORT: String(port ?? 0),
    HOST: '127.0.0.1',
    METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'info',
    ...opts.env,
  };
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, [...nodeFlagsFor(opts.entry), join(ROOT, 'dist', 'cmd', `${opts.entry}.js`), ...(opts.args ?? [])], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.ownSession === true,
  });
  logChildOutput(child, logFile);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const baseUrl = `http://127.0.0.1:${port ?? metricsPort}`;
  const g: GatewayProcess = {
    child,
    logFile,
    port,
    baseUrl,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  // Wait until the process answers HTTP (edge: /healthz on PORT; others: /healthz on METRICS_PORT). As long as the
  // process itself waits for JetStream while creating the topology (120 s), so a slow start on a throttled machine is
  // not mistaken for a hang; a process that gives up exits, and is reported at once.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${opts.entry} exited with ${child.exitCode ?? child.signalCode}; see ${logFile}${logTail(logFile)}`);
    }
    let last: string;
    try {
      const r = await fetch(`${baseUrl}/healthz`);
      const body = await r.text();
      if (r.ok && (opts.until === 'alive' || (JSON.parse(body) as { starting?: string }).starting === undefined)) break;
      last = `${r.status} ${body.slice(0, 200)}`;
    } catch (err) {
      last = String((err as { cause?: unknown }).cause ?? err);
    }
    if (Date.now() > deadline) {
      await g.kill();
      // The test's temporary directory goes with it: what the process said is kept in the error.
      throw new Error(`${opts.entry} did not come up (${baseUrl}/healthz last: ${last}); see ${logFile}${logTail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return g;
}

/** The end of a process's log, for an error message that outlives the test's temporary directory. */
function logTail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    return `\n--- last lines of the log ---\n${lines.slice(-25).join('\n')}`;
  } catch {
    return '';
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Sends requests with bounded concurrency; returns results in order. */
export async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** Waits until GET /v1/messages/{id} shows `delivered` for every id. */
export async function waitAllDelivered(baseUrl: string, headers: Record<string, string>, ids: readonly string[], timeoutMs = 120_000): Promise<void> {
  await waitFor(
    'every message delivered',
    async () => {
      const st = await pool(ids, 50, async (id) => {
        const r = await fetch(`${baseUrl}/v1/messages/${id}`, { headers });
        return r.ok ? ((await r.json()) as { status: string }).status : 'missing';
      });
      return st.every((s) => s === 'delivered');
    },
    timeoutMs,
    1000,
  );
}
