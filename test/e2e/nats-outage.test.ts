/** NATS down: the edge answers 503 with Retry-After within a bounded time; after NATS returns, it accepts again. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';

const API_KEY = 'outage-key-0123456789ab';
const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };

describe('NATS outage at the edge', () => {
  let nats: TestNats;
  let smsc: SmscSimulator;
  let gw: GatewayProcess;
  let dir: ReturnType<typeof tempDir>;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    dir = tempDir('smsmesh-outage-');
    nats = await startTestNats();
    smsc = await startSmscSimulator({ port: 0 });
    const db = await createTestDatabase();
    drop = db.drop;
    const configPath = writeConfig(dir.path, { apiKey: API_KEY, publishTimeoutMs: 2000, carriers: [{ id: 'uk', prefixes: ['+44'], port: smsc.port }] });
    gw = await spawnGateway({ entry: 'smsmesh', configPath, natsUrl: nats.url, databaseUrl: db.url, dataDir: dir.path, http: true, logDir: dir.path });
    await waitFor('readiness', async () => (await fetch(`${gw.baseUrl}/readyz`)).ok, 30_000);
  });

  afterAll(async () => {
    await gw?.stop();
    await smsc?.close();
    await nats?.destroy();
    await drop?.();
    dir?.remove();
  });

  it('answers 503 + Retry-After quickly while NATS is down, and accepts and delivers after it is back', async () => {
    await nats.stop();
    const t0 = performance.now();
    const r = await fetch(`${gw.baseUrl}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ to: '+447700900123', from: 'ACME', text: 'during outage' }) });
    const ms = performance.now() - t0;
    expect(r.status).toBe(503);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(ms).toBeLessThan(3500);
    // readiness is cached for a second; it must turn to 503 soon after
    await waitFor('not ready', async () => (await fetch(`${gw.baseUrl}/readyz`)).status === 503, 5000, 200);

    nats = await nats.restart();
    const ok = await waitFor(
      'accept after NATS restart',
      async () => {
        const a = await fetch(`${gw.baseUrl}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ to: '+447700900124', from: 'ACME', text: 'after outage' }) });
        return a.status === 202 ? ((await a.json()) as { id: string }) : undefined;
      },
      30_000,
      500,
    );
    await waitFor('delivered after outage', async () => {
      const g = await fetch(`${gw.baseUrl}/v1/messages/${ok.id}`, { headers });
      return g.ok && ((await g.json()) as { status: string }).status === 'delivered';
    }, 60_000, 500);
  });
});
