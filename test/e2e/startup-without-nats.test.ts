/**
 * A gateway started before NATS is reachable: it says so in its log every few seconds, answers /healthz (alive) and
 * /readyz 503 with the reason, refuses requests with a 503 problem, and serves as soon as NATS comes up.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { freePort } from '../support/ports.js';
import { createTestDatabase } from '../support/postgres.js';

const API_KEY = 'startup-key-0123456789ab';

describe('start-up while NATS is unreachable', () => {
  let smsc: SmscSimulator;
  let gw: GatewayProcess;
  let nats: TestNats | undefined;
  let natsPort: number;
  let dir: ReturnType<typeof tempDir>;
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    dir = tempDir('smsmesh-startup-');
    smsc = await startSmscSimulator({ port: 0 });
    db = await createTestDatabase();
    natsPort = await freePort();
    const configPath = writeConfig(dir.path, { apiKey: API_KEY, carriers: [{ id: 'uk', prefixes: ['+44'], port: smsc.port }] });
    gw = await spawnGateway({ entry: 'smsmesh', configPath, natsUrl: `nats://127.0.0.1:${natsPort}`, databaseUrl: db.url, dataDir: dir.path, http: true, logDir: dir.path, until: 'alive' });
  });

  afterAll(async () => {
    await gw?.stop();
    await smsc?.close();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  it('is alive, not ready (saying why), refuses requests with 503, and logs that it waits every few seconds', async () => {
    const url = `nats://127.0.0.1:${natsPort}`;
    expect((await fetch(`${gw.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gw.baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, checks: { startup: { ok: false, detail: `waiting for NATS at ${url}` } } });
    const send = await fetch(`${gw.baseUrl}/v1/messages`, { method: 'POST', headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(send.status).toBe(503);
    expect(send.headers.get('content-type')).toContain('application/problem+json');
    expect(((await send.json()) as { detail: string }).detail).toContain(`waiting for NATS at ${url}`);
    const lines = () => readFileSync(gw.logFile, 'utf8').split('\n').filter((l) => l.includes(`"msg":"waiting for NATS at ${url}"`));
    await waitFor('two waiting lines', async () => lines().length >= 2, 20_000, 250);
    expect(JSON.parse(lines()[0]!)).toMatchObject({ level: 'warn', nats: url });
  });

  it('serves once NATS is up', async () => {
    nats = await startTestNats(natsPort);
    await waitFor('ready', async () => (await fetch(`${gw.baseUrl}/readyz`)).ok, 60_000, 250);
    const r = await fetch(`${gw.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ to: '+447700900123', from: 'ACME', text: 'after the wait' }),
    });
    expect(r.status).toBe(202);
  });
});
