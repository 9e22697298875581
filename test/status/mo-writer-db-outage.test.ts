/**
 * The status-writer command's MO writer while PostgreSQL goes away (a throwaway cluster of this test's own): inbound
 * parts published as the connector publishes them — single, UDH in reverse order, SAR — before, during and after the
 * outage are all stored once it is back, each message exactly once and joined; bodies that are not inbound parts (on
 * SMS_MO) or not events (on SMS_EVENTS) are dead-lettered as undecodable during the outage, since that needs no
 * database; and the process never exits, then stops cleanly on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { DeadLetterHeaders } from '../../internal/bus/dead-letters.js';
import { createPublisher, type Publisher } from '../../internal/bus/publisher.js';
import { Durables, Streams, Subjects } from '../../internal/bus/subjects.js';
import { newMessageId } from '../../internal/core/ids.js';
import { noopLogger } from '../../internal/log/logger.js';
import type { InboundPart } from '../../internal/sms/inbound.js';
import { spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';

const CARRIER = 'uk';
const enc = new TextEncoder();

let nats: TestNats;
let pg: PgCluster;
let dir: ReturnType<typeof tempDir>;
let writer: GatewayProcess;
let bus: Bus;
let publisher: Publisher;
let sql: postgres.Sql;

beforeAll(async () => {
  dir = tempDir('smsmesh-mo-outage-');
  nats = await startTestNats();
  pg = await startPgCluster();
  // The status writer never dials the SMSC; the carrier is there for the topology (its subjects and durables).
  const configPath = writeConfig(dir.path, { apiKey: 'mo-outage-key-0123456789', carriers: [{ id: CARRIER, prefixes: ['+44'], port: 9 }] });
  writer = await spawnGateway({ entry: 'status-writer', configPath, natsUrl: nats.url, databaseUrl: pg.url, dataDir: dir.path, logDir: dir.path, name: 'writer' });
  bus = await connectBus({ url: nats.url, name: 'mo-outage-test', log: noopLogger });
  publisher = createPublisher(bus);
  sql = postgres(pg.url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
});

afterAll(async () => {
  await sql?.end({ timeout: 1 }).catch(() => {});
  await bus?.close();
  await writer?.stop();
  await nats?.destroy();
  pg?.destroy();
  dir?.remove();
});

const alive = (): boolean => writer.child.exitCode === null && writer.child.signalCode === null;

/** One inbound part as the connector publishes it (sms.mo.<carrier>, Nats-Msg-Id = the part's id). */
function part(from: string, text: string, concat: InboundPart['concat'] = null): InboundPart {
  const at = Date.now();
  return { kind: 'mo', id: newMessageId(at), carrier: CARRIER, from, to: '12345', text, dataCoding: 0, concat, payload: Buffer.from(text, 'latin1').toString('base64'), at };
}

/** A message of `texts.length` parts under one reference. */
const parts = (from: string, ref: number, texts: string[]): InboundPart[] => texts.map((t, i) => part(from, t, { ref, total: texts.length, seq: i + 1 }));

async function publishParts(ps: readonly InboundPart[]): Promise<void> {
  for (const p of ps) await publisher.publish(Subjects.mo(CARRIER), enc.encode(JSON.stringify(p)), { msgID: p.id, deadlineMs: 5000 });
}

async function publishRaw(subject: string, body: string, id: string): Promise<void> {
  await publisher.publish(subject, enc.encode(body), { msgID: id, deadlineMs: 5000 });
}

/** Every dead letter so far: the subject it came from and why. */
async function deadLetters(): Promise<{ subject: string; reason: string }[]> {
  const info = await bus.jsm.streams.info(Streams.dead);
  const out = [];
  for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
    const m = await bus.jsm.streams.getMessage(Streams.dead, { seq });
    if (m) out.push({ subject: m.header.get(DeadLetterHeaders.subject), reason: m.header.get(DeadLetterHeaders.reason) });
  }
  return out;
}

/** Once the MO writer has acked every part in SMS_MO (it acks only after the commit): the stored messages. */
async function storedWhenSettled(): Promise<{ from: string; text: string; parts: number }[]> {
  await waitFor('every MO part acked by the MO writer', async () => {
    const stream = await bus.jsm.streams.info(Streams.mo);
    const c = await bus.jsm.consumers.info(Streams.mo, Durables.moWriter);
    return c.ack_floor.stream_seq === stream.state.last_seq && c.num_pending === 0 && c.num_ack_pending === 0;
  }, 90_000, 250);
  return sql<{ from: string; text: string; parts: number }[]>`select "from", text, parts from inbound_messages order by "from"`;
}

describe('MO writer during a database outage', () => {
  it('stores every inbound message once PostgreSQL is back, dead-letters undecodable bodies meanwhile, and never exits', async () => {
    // Before: the writer works.
    await publishParts([part('+447700900001', 'before 1'), ...parts('+447700900002', 7, ['joined ', 'in reverse']).reverse()]);
    expect(await storedWhenSettled()).toEqual([
      { from: '+447700900001', text: 'before 1', parts: 1 },
      { from: '+447700900002', text: 'joined in reverse', parts: 2 },
    ]);

    pg.stop('fast');
    await publishParts([
      ...Array.from({ length: 8 }, (_, i) => part(`+4477009001${String(i).padStart(2, '0')}`, `during ${i}`)),
      ...parts('+447700900200', 9, ['three ', 'parts ', 'by SAR']),
    ]);
    await publishRaw(Subjects.mo(CARRIER), 'not json at all', 'junk-mo-1');
    await publishRaw(Subjects.mo(CARRIER), JSON.stringify({ kind: 'mo', id: 'x' }), 'junk-mo-2');
    await publishRaw(Subjects.receipt(CARRIER), '{"kind":', 'junk-evt-1');
    // Dead-lettering needs only the bus: it happens while the database is still away.
    const dead = await waitFor('three dead letters', async () => {
      const d = await deadLetters();
      return d.length >= 3 ? d : undefined;
    }, 30_000, 100);
    expect(dead.map((d) => d.reason)).toEqual(['undecodable', 'undecodable', 'undecodable']);
    expect(dead.map((d) => d.subject).sort()).toEqual([Subjects.mo(CARRIER), Subjects.mo(CARRIER), Subjects.receipt(CARRIER)].sort());
    // The MO writer has tried, failed and kept the parts for later (its log says so), and is still running.
    await waitFor('a failed MO store logged', async () => readFileSync(writer.logFile, 'utf8').includes('could not store inbound message; will retry'), 30_000, 100);
    expect(alive()).toBe(true);
    pg.start();

    await publishParts([part('+447700900300', 'after 1')]);
    const rows = await storedWhenSettled();
    expect(rows).toEqual([
      { from: '+447700900001', text: 'before 1', parts: 1 },
      { from: '+447700900002', text: 'joined in reverse', parts: 2 },
      ...Array.from({ length: 8 }, (_, i) => ({ from: `+4477009001${String(i).padStart(2, '0')}`, text: `during ${i}`, parts: 1 })),
      { from: '+447700900200', text: 'three parts by SAR', parts: 3 },
      { from: '+447700900300', text: 'after 1', parts: 1 },
    ]);
    expect((await deadLetters()).length).toBe(3);
    expect(alive()).toBe(true);

    const exited = new Promise<number | null>((r) => writer.child.once('exit', (code) => r(code)));
    await writer.stop();
    expect(await exited).toBe(0);
  });
});
