/**
 * Roles as a cluster runs them: an edge is ready while no carrier has a bind (JetStream queues), reports binds
 * apart at /readyz/carriers, drains on SIGTERM; a role that needs the database refuses to start without
 * DATABASE_URL, except the all-in-one process, which says in its first log line that it uses the embedded one;
 * connector and status writer answer /readyz on their metrics port from what they need.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { ROOT, spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { freePort } from '../support/ports.js';
import { createTestDatabase } from '../support/postgres.js';

const API_KEY = 'roles-key-0123456789abcdef';
const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };
const send = (base: string, to = '+447700900123') =>
  fetch(`${base}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ to, from: 'ACME', text: 'hello' }) });
const json = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as { ready: boolean; checks: Record<string, { ok: boolean; detail?: string }> } };
};
const firstLogLine = (file: string) => JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!) as { msg: string; database?: string };

describe('roles in a cluster', () => {
  let nats: TestNats;
  let dir: ReturnType<typeof tempDir>;
  let db: { url: string; drop(): Promise<void> };
  let configPath: string;
  let smscPort: number;
  const procs: GatewayProcess[] = [];
  const start = async (o: Parameters<typeof spawnGateway>[0]) => {
    const p = await spawnGateway(o);
    procs.push(p);
    return p;
  };
  const common = () => ({ configPath, natsUrl: nats.url, dataDir: dir.path, logDir: dir.path });
  const run = (entry: string, args: string[], env: Record<string, string>) => {
    const e: NodeJS.ProcessEnv = { ...process.env, SMSMESH_CONFIG: configPath, NATS_URL: nats.url, ...env };
    if (!env.DATABASE_URL) delete e.DATABASE_URL;
    return spawnSync(process.execPath, [join(ROOT, 'dist', 'cmd', `${entry}.js`), ...args], { env: e, encoding: 'utf8', timeout: 20_000 });
  };

  beforeAll(async () => {
    dir = tempDir('smsmesh-roles-');
    nats = await startTestNats();
    db = await createTestDatabase();
    // No SMSC listens here yet: every carrier is down.
    smscPort = await freePort();
    configPath = writeConfig(dir.path, {
      apiKey: API_KEY,
      carriers: [{ id: 'uk', prefixes: ['+44'], port: smscPort }],
      sections: { api: { drainDelayMs: 1500 } },
    });
  });

  afterAll(async () => {
    for (const p of procs) await p.kill();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  it('refuses a status writer without DATABASE_URL, with a clear error', () => {
    for (const [entry, args] of [['status-writer', []], ['smsmesh', ['--roles', 'edge,status-writer']], ['migrate', []]] as const) {
      const r = run(entry, [...args], {});
      expect(r.status, `${entry} ${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/DATABASE_URL is not set/);
    }
  });

  it('runs an edge without a database: it accepts, GET answers 503, and its first log line says so', async () => {
    const edge = await start({ ...common(), entry: 'edge', http: true, name: 'edge-nodb' });
    expect(firstLogLine(edge.logFile)).toMatchObject({ database: 'none', msg: expect.stringMatching(/without a status database.*GET \/v1\/messages\/\{id\} answers 503/) });
    await waitFor('edge ready', async () => (await fetch(`${edge.baseUrl}/readyz`)).ok, 20_000);
    const a = await send(edge.baseUrl);
    expect(a.status).toBe(202);
    const { id } = (await a.json()) as { id: string };
    const g = await fetch(`${edge.baseUrl}/v1/messages/${id}`, { headers });
    expect(g.status).toBe(503);
    expect(((await g.json()) as { detail: string }).detail).toMatch(/no status database configured/);
    await edge.stop();
  });

  it('keeps edges ready while no carrier has a bind; /readyz/carriers reports it; connector and writer are ready', async () => {
    const writer = await start({ ...common(), entry: 'status-writer', databaseUrl: db.url, name: 'writer' });
    const connector = await start({ ...common(), entry: 'connector', name: 'connector' });
    const edge = await start({ ...common(), entry: 'edge', http: true, databaseUrl: db.url, name: 'edge' });
    for (const p of [writer, connector, edge]) {
      await waitFor(`${p.baseUrl} ready`, async () => (await fetch(`${p.baseUrl}/readyz`)).ok, 20_000);
    }
    expect((await json(`${writer.baseUrl}/readyz`)).body.checks).toMatchObject({ database: { ok: true }, 'consumer:status-writer': { ok: true } });
    expect((await json(`${connector.baseUrl}/readyz`)).body.checks).toMatchObject({ nats: { ok: true }, 'consumer:connector-uk': { ok: true } });
    const edgeReady = await json(`${edge.baseUrl}/readyz`);
    expect(Object.keys(edgeReady.body.checks).some((k) => k.startsWith('carrier'))).toBe(false);
    expect(await json(`${edge.baseUrl}/readyz/carriers`)).toEqual({ status: 503, body: { ready: false, checks: { 'carrier:uk': { ok: false, detail: 'no bind up' } } } });

    // Accepted while the SMSC is down; delivered once it is up.
    const a = await send(edge.baseUrl, '+447700900200');
    expect(a.status).toBe(202);
    const { id } = (await a.json()) as { id: string };
    const smsc: SmscSimulator = await startSmscSimulator({ host: '127.0.0.1', port: smscPort });
    try {
      await waitFor('a bind up', async () => (await fetch(`${edge.baseUrl}/readyz/carriers`)).ok, 60_000, 250);
      expect((await json(`${edge.baseUrl}/readyz/carriers`)).body.checks['carrier:uk']).toEqual({ ok: true, detail: '1 bind up' });
      await waitFor(
        'delivered',
        async () => ((await (await fetch(`${edge.baseUrl}/v1/messages/${id}`, { headers })).json()) as { status?: string }).status === 'delivered',
        30_000,
      );
    } finally {
      await connector.stop();
      await smsc.close();
    }

    // SIGTERM: /readyz turns 503 ("stopping") while requests are still served, then the edge exits 0.
    edge.child.kill('SIGTERM');
    await waitFor('draining', async () => (await fetch(`${edge.baseUrl}/readyz`)).status === 503, 1400, 50);
    expect((await json(`${edge.baseUrl}/readyz`)).body.checks.draining).toEqual({ ok: false, detail: 'this edge is stopping' });
    expect((await send(edge.baseUrl, '+447700900201')).status).toBe(202);
    const code = await new Promise<number | null>((r) => (edge.child.exitCode !== null ? r(edge.child.exitCode) : edge.child.once('exit', (c) => r(c))));
    expect(code).toBe(0);
    await writer.stop();
  });

  it('runs the all-in-one process on the embedded database, first log line saying so; ready with no bind', async () => {
    const all = await start({ ...common(), entry: 'smsmesh', http: true, name: 'all' });
    expect(firstLogLine(all.logFile)).toMatchObject({ database: 'embedded', msg: expect.stringMatching(/embedded database \(PGlite\).*DATABASE_URL is not set/) });
    await waitFor('all-in-one ready', async () => (await fetch(`${all.baseUrl}/readyz`)).ok, 60_000);
    expect((await fetch(`${all.baseUrl}/readyz/carriers`)).status).toBe(503);
    expect((await send(all.baseUrl)).status).toBe(202);
    await all.stop();
  });
});
