/**
 * Inbound (MO): answered, reassembled when concatenated (UDH or SAR, any order), decoded, and stored once. Rows are
 * counted after the MO writer has acked every part in SMS_MO, not at the instant the first row appears.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { Durables, Streams } from '../../internal/bus/subjects.js';
import { noopLogger } from '../../internal/log/logger.js';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';

describe('inbound messages', () => {
  let nats: TestNats;
  let smsc: SmscSimulator;
  let gw: GatewayProcess;
  let dir: ReturnType<typeof tempDir>;
  let db: { url: string; drop(): Promise<void> };
  let sql: postgres.Sql;
  let bus: Bus;

  beforeAll(async () => {
    dir = tempDir('smsmesh-mo-');
    nats = await startTestNats();
    smsc = await startSmscSimulator({ port: 0 });
    db = await createTestDatabase();
    sql = postgres(db.url, { max: 1 });
    const configPath = writeConfig(dir.path, { apiKey: 'mo-key-0123456789abcdef', carriers: [{ id: 'uk', prefixes: ['+44'], port: smsc.port }] });
    gw = await spawnGateway({ entry: 'smsmesh', configPath, natsUrl: nats.url, databaseUrl: db.url, dataDir: dir.path, http: true, logDir: dir.path });
    await waitFor('readiness', async () => (await fetch(`${gw.baseUrl}/readyz`)).ok, 30_000);
    bus = await connectBus({ url: nats.url, name: 'inbound-test', log: noopLogger });
  });

  afterAll(async () => {
    await bus?.close();
    await sql?.end();
    await gw?.stop();
    await smsc?.close();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  /**
   * The rows from one sender once the MO writer is done with every part sent so far. sendMo resolves on the
   * deliver_sm_resp, which the connector sends only after the part is in SMS_MO; the writer acks a part only after
   * its message is committed. So: every part in the stream acked, none pending or waiting, then count.
   */
  async function stored(from: string) {
    await waitFor('every MO part stored by the writer', async () => {
      const stream = await bus.jsm.streams.info(Streams.mo);
      const c = await bus.jsm.consumers.info(Streams.mo, Durables.moWriter);
      return stream.state.last_seq > 0 && c.ack_floor.stream_seq === stream.state.last_seq && c.num_pending === 0 && c.num_ack_pending === 0;
    }, 20_000);
    return sql<{ text: string; parts: number; to: string; carrier: string }[]>`select text, parts, "to", carrier from inbound_messages where "from" = ${from}`;
  }

  it('stores a single-part MO', async () => {
    await smsc.sendMo({ from: '+447700900001', to: '12345', text: 'STOP' });
    expect(await stored('+447700900001')).toEqual([{ text: 'STOP', parts: 1, to: '12345', carrier: 'uk' }]);
  });

  it('joins UDH parts that arrive in reverse order', async () => {
    const text = 'This reply is longer than one SMS can carry, so the phone split it into parts with a UDH header; '.repeat(2) + '€ [ok]';
    await smsc.sendMo({ from: '+447700900002', to: '12345', text, concat: 'udh8', reverse: true });
    const rows = await stored('+447700900002');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).toBe(text);
    expect(rows[0]!.parts).toBe(2);
  });

  it('joins SAR parts of a UCS-2 text with emoji', async () => {
    const text = 'Привет 👋 '.repeat(12);
    await smsc.sendMo({ from: '+447700900003', to: '12345', text, concat: 'sar' });
    const rows = await stored('+447700900003');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).toBe(text);
    expect(rows[0]!.parts).toBeGreaterThan(1);
  });

  it('stores a long MO sent as one message_payload', async () => {
    const text = 'x'.repeat(400);
    await smsc.sendMo({ from: '+447700900004', to: '12345', text });
    const rows = await stored('+447700900004');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).toBe(text);
  });
});
