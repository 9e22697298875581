/**
 * Faults on the SMPP side, with the connector in its own process: SIGKILL mid-load and restart, and the
 * SMSC dropping every connection mid-window. Every accepted message still ends delivered; duplicates at
 * the SMSC are counted and bounded by binds × window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { spawnGateway, pool, tempDir, waitAllDelivered, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';

const API_KEY = 'faults-key-0123456789abc';
const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };
const BINDS = 2;
const WINDOW = 10;

describe.each(['postgres', 'embedded'] as const)('connector faults on %s', (backend) => {
  let nats: TestNats;
  let smsc: SmscSimulator;
  let front: GatewayProcess;
  let connector: GatewayProcess;
  let dir: ReturnType<typeof tempDir>;
  let drop: (() => Promise<void>) | undefined;
  let configPath: string;
  const perDestination = new Map<string, number>();

  const startConnector = () =>
    spawnGateway({ entry: 'connector', configPath, natsUrl: nats.url, dataDir: dir.path, logDir: dir.path, name: 'connector' });

  beforeAll(async () => {
    dir = tempDir('smsmesh-faults-');
    nats = await startTestNats();
    smsc = await startSmscSimulator({ port: 0, receiptDelayMs: 10 });
    smsc.onSubmit((s) => perDestination.set(s.destinationAddr, (perDestination.get(s.destinationAddr) ?? 0) + 1));
    let databaseUrl: string | undefined;
    if (backend === 'postgres') {
      const db = await createTestDatabase();
      databaseUrl = db.url;
      drop = db.drop;
    }
    // tps keeps the load long enough to kill the connector in the middle of it.
    configPath = writeConfig(dir.path, {
      apiKey: API_KEY,
      ackWaitMs: 4000,
      carriers: [{ id: 'uk', prefixes: ['+44'], port: smsc.port, binds: BINDS, window: WINDOW, tps: 200, responseTimeoutMs: 1500 }],
    });
    front = await spawnGateway({
      entry: 'smsmesh',
      // The connector runs apart and needs no database: the front may keep the embedded one when asked to.
      args: ['--roles', 'edge,status-writer', ...(backend === 'embedded' ? ['--embedded-database'] : [])],
      configPath,
      natsUrl: nats.url,
      databaseUrl,
      dataDir: dir.path,
      http: true,
      logDir: dir.path,
      name: 'front',
    });
    connector = await startConnector();
  });

  afterAll(async () => {
    await connector?.stop();
    await front?.stop();
    await smsc?.close();
    await nats?.destroy();
    await drop?.();
    dir?.remove();
  });

  async function sendBatch(prefix: string, n: number): Promise<{ ids: string[]; numbers: string[] }> {
    const numbers = Array.from({ length: n }, (_, i) => `+44${prefix}${String(i).padStart(6, '0')}`);
    const ids = await pool(numbers, 50, async (to) => {
      const r = await fetch(`${front.baseUrl}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ to, from: 'ACME', text: `hi ${to}` }) });
      expect(r.status).toBe(202);
      return ((await r.json()) as { id: string }).id;
    });
    return { ids, numbers };
  }

  const allDelivered = (ids: string[]) => waitAllDelivered(front.baseUrl, headers, ids);

  function duplicates(numbers: string[]): number {
    let dup = 0;
    for (const n of numbers) {
      const c = perDestination.get(n.slice(1)) ?? 0;
      expect(c).toBeGreaterThanOrEqual(1);
      dup += c - 1;
    }
    return dup;
  }

  it('loses nothing when the connector is SIGKILLed mid-load and restarted', async () => {
    const sending = sendBatch('7701', 1500);
    const base = smsc.stats().submits;
    await waitFor('load under way', async () => smsc.stats().submits - base >= 300, 30_000, 20);
    await connector.kill();
    const atKill = smsc.stats().submits - base;
    connector = await startConnector();
    const { ids, numbers } = await sending;
    expect(atKill).toBeLessThan(1500);
    await allDelivered(ids);
    const dup = duplicates(numbers);
    console.log(`[${backend}] SIGKILL after ${atKill} submits: ${dup} duplicate(s) at the SMSC (bound ${BINDS * WINDOW})`);
    expect(dup).toBeLessThanOrEqual(BINDS * WINDOW);
  });

  it('reconnects and loses nothing when the SMSC drops the connection mid-window', async () => {
    const before = smsc.stats().binds;
    const sending = sendBatch('7702', 1000);
    const base = smsc.stats().submits;
    await waitFor('load under way', async () => smsc.stats().submits - base >= 200, 30_000, 20);
    smsc.dropAllConnections();
    const { ids, numbers } = await sending;
    await allDelivered(ids);
    expect(smsc.stats().binds).toBeGreaterThan(before);
    const dup = duplicates(numbers);
    console.log(`[${backend}] SMSC dropped all binds: ${dup} duplicate(s) at the SMSC (bound ${BINDS * WINDOW})`);
    expect(dup).toBeLessThanOrEqual(BINDS * WINDOW);
  });
});
