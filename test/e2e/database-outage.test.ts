/**
 * The database going away and the status writer dying, with the gateway split as in production (edge + connector in
 * one process, the status writer in another) on a throwaway PostgreSQL cluster of the test's own:
 *  - while PostgreSQL is stopped the edge keeps accepting (accepting needs JetStream, not the database), status reads
 *    answer 503 within the configured deadline, no process exits, and every message ends delivered once it is back;
 *  - a status writer killed with SIGKILL and started again has everything it held applied within 10 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { pool, spawnGateway, tempDir, waitAllDelivered, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';

const API_KEY = 'outage-key-0123456789abc';
const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };

let nats: TestNats;
let pg: PgCluster;
let smsc: SmscSimulator;
let front: GatewayProcess;
let writer: GatewayProcess;
let dir: ReturnType<typeof tempDir>;
let configPath: string;

const startWriter = () =>
  spawnGateway({ entry: 'status-writer', configPath, natsUrl: nats.url, databaseUrl: pg.url, dataDir: dir.path, logDir: dir.path, name: 'writer' });

beforeAll(async () => {
  dir = tempDir('smsmesh-db-outage-');
  nats = await startTestNats();
  pg = await startPgCluster();
  smsc = await startSmscSimulator({ port: 0, receiptDelayMs: 20 });
  configPath = writeConfig(dir.path, { apiKey: API_KEY, carriers: [{ id: 'uk', prefixes: ['+44'], port: smsc.port, tps: 500 }] });
  writer = await startWriter();
  front = await spawnGateway({
    entry: 'smsmesh',
    args: ['--roles', 'edge,connector'],
    configPath,
    natsUrl: nats.url,
    databaseUrl: pg.url,
    dataDir: dir.path,
    http: true,
    logDir: dir.path,
    name: 'front',
  });
});

afterAll(async () => {
  await front?.stop();
  await writer?.stop();
  await smsc?.close();
  await nats?.destroy();
  pg?.destroy();
  dir?.remove();
});

async function send(n: number, tag: string): Promise<{ status: number; id?: string }[]> {
  return pool(Array.from({ length: n }, (_, i) => i), 10, async (i) => {
    const r = await fetch(`${front.baseUrl}/v1/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ to: `+4477009${String(i).padStart(5, '0')}`, from: 'ACME', text: `${tag} ${i}` }),
    });
    const body = (await r.json()) as { id?: string };
    return { status: r.status, ...(body.id ? { id: body.id } : {}) };
  });
}

function alive(p: GatewayProcess): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

describe('database outage', () => {
  it('keeps accepting while PostgreSQL is down, answers status reads 503 within the deadline, and records everything after', async () => {
    const before = await send(50, 'before');
    expect(before.every((r) => r.status === 202)).toBe(true);
    await waitAllDelivered(front.baseUrl, headers, before.map((r) => r.id!), 60_000);

    pg.stop('fast');
    const during = await send(100, 'during');
    expect(during.map((r) => r.status)).toEqual(new Array(100).fill(202));
    const t0 = Date.now();
    const read = await fetch(`${front.baseUrl}/v1/messages/${during[0]!.id}`, { headers });
    const tookMs = Date.now() - t0;
    expect(read.status).toBe(503);
    expect(read.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(read.headers.get('retry-after')).not.toBeNull();
    // The deadline is api.statusReadTimeoutMs (1 s by default); allow for a loaded machine.
    expect(tookMs).toBeLessThan(2500);
    await new Promise((r) => setTimeout(r, 2000));
    pg.start();

    await waitAllDelivered(front.baseUrl, headers, during.map((r) => r.id!), 90_000);
    expect(alive(front)).toBe(true);
    expect(alive(writer)).toBe(true);
  });

  it('a status writer killed mid-load and restarted has everything applied within 10 s', async () => {
    const sent = await send(300, 'kill');
    expect(sent.every((r) => r.status === 202)).toBe(true);
    await writer.kill();
    writer = await startWriter();
    const restarted = Date.now();
    await waitAllDelivered(front.baseUrl, headers, sent.map((r) => r.id!), 30_000);
    const tookMs = Date.now() - restarted;
    process.stdout.write(`[writer restart] every message applied ${tookMs} ms after the restart\n`);
    expect(tookMs).toBeLessThanOrEqual(10_000);
  });
});
