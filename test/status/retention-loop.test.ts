/**
 * The status-writer command sweeps by itself with the retention of its config file: message rows and inbound rows
 * older than their ages disappear within an interval, younger ones stay, and the metric counts what went.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';

const DAY = 86_400_000;

describe('retention in the status writer', () => {
  let nats: TestNats;
  let db: { url: string; drop(): Promise<void> };
  let sql: postgres.Sql;
  let writer: GatewayProcess;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    dir = tempDir('smsmesh-retention-loop-');
    nats = await startTestNats();
    db = await createTestDatabase();
    const configPath = writeConfig(dir.path, {
      apiKey: 'retention-key-0123456789',
      carriers: [{ id: 'uk', prefixes: ['+44'], port: 9 }],
      sections: { retention: { messagesDays: 30, inboundDays: 7, intervalMs: 1000, batchSize: 10, pauseMs: 0 } },
    });
    // The writer migrates the database at start; rows go in once it is up.
    writer = await spawnGateway({ entry: 'status-writer', configPath, natsUrl: nats.url, databaseUrl: db.url, dataDir: dir.path, logDir: dir.path, name: 'writer' });
    sql = postgres(db.url, { max: 1, onnotice: () => {} });
  });

  afterAll(async () => {
    await sql?.end();
    await writer?.stop();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  it('deletes what is older than its age on its own, and only that', async () => {
    const now = Date.now();
    for (let i = 0; i < 25; i++) {
      const old = new Date(now - (31 + i) * DAY);
      await sql`insert into messages (id, client_id, carrier, status, status_rank, accepted_at) values (${`old-${i}`}, 'c', 'uk', 'delivered', 3, ${old})`;
    }
    await sql`insert into messages (id, client_id, carrier, status, status_rank, accepted_at) values ('young', 'c', 'uk', 'delivered', 3, ${new Date(now - 29 * DAY)})`;
    await sql`insert into inbound_messages (id, carrier, "from", "to", text, data_coding, received_at) values
      ('mo-old', 'uk', '+447700900001', '12345', 'old', 0, ${new Date(now - 8 * DAY)}),
      ('mo-young', 'uk', '+447700900001', '12345', 'young', 0, ${new Date(now - 6 * DAY)})`;
    await waitFor('the sweep', async () => (await sql`select count(*)::int as n from messages`)[0]!.n === 1, 30_000);
    expect((await sql`select id from messages`).map((r) => r.id)).toEqual(['young']);
    await waitFor('the inbound sweep', async () => (await sql`select count(*)::int as n from inbound_messages`)[0]!.n === 1, 30_000);
    expect((await sql`select id from inbound_messages`).map((r) => r.id)).toEqual(['mo-young']);
    const metrics = await (await fetch(`${writer.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/smsmesh_retention_deleted_total\{[^}]*table="messages"[^}]*\} 25/);
    expect(metrics).toMatch(/smsmesh_retention_deleted_total\{[^}]*table="inbound_messages"[^}]*\} 1/);
  });
});
