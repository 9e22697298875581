/**
 * SIGTERM on a connector under load: it stops fetching, hands unsent messages back, waits for its window
 * to drain, unbinds and exits 0. Nothing is lost and — unlike SIGKILL — nothing is sent twice.
 */
import { getPriority } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { pool, spawnGateway, tempDir, waitAllDelivered, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';

const API_KEY = 'graceful-key-0123456789ab';
const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };

describe('connector graceful shutdown', () => {
  let nats: TestNats;
  let smsc: SmscSimulator;
  let front: GatewayProcess;
  let connector: GatewayProcess;
  let dir: ReturnType<typeof tempDir>;
  let db: { url: string; drop(): Promise<void> };
  let configPath: string;
  const perDestination = new Map<string, number>();
  // Lowered priority, as when it shares cores with an edge: draining must not depend on getting the CPU first.
  const startConnector = () =>
    spawnGateway({ entry: 'connector', configPath, natsUrl: nats.url, dataDir: dir.path, logDir: dir.path, name: 'connector', env: { SMSMESH_NICE: '5' } });

  beforeAll(async () => {
    dir = tempDir('smsmesh-graceful-');
    nats = await startTestNats();
    // Slow answers keep the window full, so SIGTERM finds submits in flight.
    smsc = await startSmscSimulator({ port: 0, respondDelayMs: 100 });
    smsc.onSubmit((s) => perDestination.set(s.destinationAddr, (perDestination.get(s.destinationAddr) ?? 0) + 1));
    db = await createTestDatabase();
    configPath = writeConfig(dir.path, {
      apiKey: API_KEY,
      carriers: [{ id: 'uk', prefixes: ['+44'], port: smsc.port, binds: 2, window: 10, tps: 200 }],
    });
    front = await spawnGateway({ entry: 'smsmesh', args: ['--roles', 'edge,status-writer'], configPath, natsUrl: nats.url, databaseUrl: db.url, dataDir: dir.path, http: true, logDir: dir.path, name: 'front' });
    connector = await startConnector();
  });

  afterAll(async () => {
    await connector?.stop();
    await front?.stop();
    await smsc?.close();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  it('runs at the CPU priority SMSMESH_NICE asks for', () => {
    expect(getPriority(connector.child.pid!)).toBe(5);
  });

  it('drains, unbinds, exits 0, and no message is lost or sent twice', async () => {
    const numbers = Array.from({ length: 800 }, (_, i) => `+447703${String(i).padStart(6, '0')}`);
    const ids = await pool(numbers, 50, async (to) => {
      const r = await fetch(`${front.baseUrl}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ to, from: 'ACME', text: 'bye' }) });
      expect(r.status).toBe(202);
      return ((await r.json()) as { id: string }).id;
    });
    await waitFor('load under way', async () => smsc.stats().submits >= 150, 30_000, 20);
    const exited = new Promise<number | null>((r) => connector.child.once('exit', (code) => r(code)));
    const t0 = performance.now();
    await connector.stop();
    expect(await exited).toBe(0);
    const stopMs = performance.now() - t0;
    expect(smsc.stats().unbinds).toBe(2);
    const atStop = smsc.stats().submits;
    expect(atStop).toBeLessThan(numbers.length);

    connector = await startConnector();
    await waitAllDelivered(front.baseUrl, headers, ids);
    let duplicates = 0;
    for (const n of numbers) duplicates += (perDestination.get(n.slice(1)) ?? 0) - 1;
    console.log(`[graceful] SIGTERM after ${atStop} submits, stopped in ${stopMs.toFixed(0)} ms; duplicates ${duplicates}`);
    expect(duplicates).toBe(0);
  });
});
