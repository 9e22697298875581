/**
 * Interop: the gateway against an SMSC this project did not write (Net::SMPP from libnet-smpp-perl):
 * messages reach it over SMPP 3.4 and its receipts end as delivered in PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, pool, spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';
import { requireNetSmpp } from '../interop/foreign-smsc.js';
import postgres from 'postgres';

const API_KEY = 'interop-key-0123456789ab';
const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };

describe('gateway against a Net::SMPP SMSC', () => {
  let nats: TestNats;
  let smsc: ChildProcess;
  let gw: GatewayProcess;
  let dir: ReturnType<typeof tempDir>;
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    // Never a silent skip: without Net::SMPP this fails and says how to install it.
    requireNetSmpp();
    dir = tempDir('smsmesh-interop-');
    nats = await startTestNats();
    smsc = spawn('perl', [join(ROOT, 'test', 'interop', 'net-smpp-smsc.pl'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      const rl = createInterface({ input: smsc.stdout! });
      rl.once('line', (l) => (/^LISTENING (\d+)/.test(l) ? resolve(Number(RegExp.$1)) : reject(new Error(l))));
      smsc.once('exit', (c) => reject(new Error(`perl SMSC exited ${c}`)));
    });
    db = await createTestDatabase();
    const configPath = writeConfig(dir.path, { apiKey: API_KEY, carriers: [{ id: 'perl', prefixes: ['+44'], port, binds: 1, window: 10 }] });
    gw = await spawnGateway({ entry: 'smsmesh', configPath, natsUrl: nats.url, databaseUrl: db.url, dataDir: dir.path, http: true, logDir: dir.path });
    await waitFor('readiness', async () => (await fetch(`${gw.baseUrl}/readyz`)).ok, 30_000);
  });

  afterAll(async () => {
    await gw?.stop();
    smsc?.kill('SIGKILL');
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  it('delivers 100 messages and records them delivered in PostgreSQL', async () => {
    const ids = await pool(Array.from({ length: 100 }, (_, i) => i), 20, async (i) => {
      const r = await fetch(`${gw.baseUrl}/v1/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to: `+4477009${String(i).padStart(5, '0')}`, from: 'ACME', text: `interop ${i}` }),
      });
      expect(r.status).toBe(202);
      return ((await r.json()) as { id: string }).id;
    });
    const sql = postgres(db.url, { max: 1 });
    try {
      const rows = await waitFor(
        'delivered rows',
        async () => {
          const rs = await sql<{ id: string; status: string; smsc_message_id: string; done_at: Date | null }[]>`
            select id, status, smsc_message_id, done_at from messages where id = any(${ids})`;
          return rs.length === 100 && rs.every((r) => r.status === 'delivered') ? rs : undefined;
        },
        60_000,
        500,
      );
      for (const r of rows) {
        expect(r.smsc_message_id).toMatch(/^[0-9a-f]+$/);
        expect(r.done_at).not.toBeNull();
      }
    } finally {
      await sql.end();
    }
  });
});
