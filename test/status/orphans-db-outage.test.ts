/**
 * The status writer at its own level — real JetStream consumers (openStatusSources), the PostgreSQL store on a
 * throwaway cluster of this test's own — while PostgreSQL goes away: receipts that match no message are retried
 * through the failed batches and, past the writer's limit, kept as orphans once the database is back, each once;
 * an ordinary message's events are applied too; events that cannot be decoded are dead-lettered during the outage;
 * and the writer stops cleanly afterwards. (orphanAfter is 3 here instead of 20 so that the test takes seconds.)
 */
import { Registry } from 'prom-client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedFromMt, encodeEvents } from '../../internal/bus/codec.js';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { createDeadLetterSink, DeadLetterHeaders } from '../../internal/bus/dead-letters.js';
import { createPublisher, type Publisher } from '../../internal/bus/publisher.js';
import { Durables, Streams, Subjects } from '../../internal/bus/subjects.js';
import { ensureTopology } from '../../internal/bus/topology.js';
import { newMessageId } from '../../internal/core/ids.js';
import { openDatabase, type Database } from '../../internal/db/client.js';
import { noopLogger } from '../../internal/log/logger.js';
import { createStatusMetrics } from '../../internal/metrics/status.js';
import type { ReceiptEvent } from '../../internal/sms/events.js';
import type { MtMessage } from '../../internal/sms/message.js';
import { createPgStatusStore } from '../../internal/status/pg-status-store.js';
import type { StatusStore } from '../../internal/status/status-store.js';
import { openStatusSources } from '../../internal/status/status-sources.js';
import { startStatusWriter, type StatusWriter } from '../../internal/status/status-writer.js';
import { waitUntil } from '../support/connector-harness.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';

const CARRIER = 'acme';
const ORPHAN_AFTER = 3;
const enc = new TextEncoder();

let nats: TestNats;
let pg: PgCluster;
let bus: Bus;
let publisher: Publisher;
let database: Database;
let store: StatusStore;
let writer: StatusWriter | undefined;
let sql: postgres.Sql;
const registry = new Registry();
const metrics = createStatusMetrics(registry);

beforeAll(async () => {
  nats = await startTestNats();
  pg = await startPgCluster();
  bus = await connectBus({ url: nats.url, name: 'orphans-outage-test', log: noopLogger });
  publisher = createPublisher(bus);
  await ensureTopology(bus.jsm, {
    replicas: 1,
    duplicateWindowMs: 120_000,
    maxBacklogBytes: 1024 ** 3,
    connectorAckWaitMs: 30_000,
    carriers: [{ id: CARRIER, binds: 1, window: 10 }],
  });
  database = await openDatabase({ url: pg.url, maxConnections: 4 });
  store = createPgStatusStore(database);
  writer = await startStatusWriter({
    store,
    sources: await openStatusSources(bus, createDeadLetterSink({ publisher, log: noopLogger }), noopLogger),
    metrics,
    log: noopLogger,
    orphanAfter: ORPHAN_AFTER,
  });
  sql = postgres(pg.url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
});

afterAll(async () => {
  await writer?.stop();
  await sql?.end({ timeout: 1 }).catch(() => {});
  await store?.close();
  await database?.close();
  await bus?.close();
  await nats?.destroy();
  pg?.destroy();
});

async function metric(name: string): Promise<number> {
  const m = registry.getSingleMetric(name);
  return m ? (await m.get()).values.reduce((a, v) => a + v.value, 0) : 0;
}

const receipt = (smscMessageId: string, stat = 'DELIVRD'): ReceiptEvent => ({
  kind: 'receipt',
  carrier: CARRIER,
  smscMessageId,
  status: stat === 'DELIVRD' ? 'delivered' : 'undeliverable',
  stat,
  err: null,
  doneAt: null,
  at: Date.now(),
});

async function publishEvents(subject: string, body: Uint8Array, id: string): Promise<void> {
  await publisher.publish(subject, body, { msgID: id, deadlineMs: 5000 });
}

/** Every consumer of the writer has acked everything in its stream. */
async function writerSettled(): Promise<boolean> {
  for (const [stream, durable] of [
    [Streams.events, Durables.statusWriter],
  ] as const) {
    const s = await bus.jsm.streams.info(stream);
    const c = await bus.jsm.consumers.info(stream, durable);
    if (c.num_pending !== 0 || c.num_ack_pending !== 0 || c.delivered.stream_seq !== s.state.last_seq) return false;
  }
  return true;
}

describe('status writer during a database outage', () => {
  it('keeps orphan receipts and applies the rest once PostgreSQL is back, dead-letters undecodable events meanwhile', async () => {
    const mt = (n: number): MtMessage => {
      const at = Date.now();
      return { id: newMessageId(at), clientId: 'c1', carrier: CARRIER, to: `+44770090012${n}`, from: 'ACME', text: 'hi', encoding: 'gsm7', segments: 1, acceptedAt: at };
    };
    const submitted = (m: MtMessage, smscId: string) =>
      encodeEvents([{ kind: 'submitted', id: m.id, carrier: CARRIER, part: 1, parts: 1, smscMessageId: smscId, at: Date.now() }]);
    // Before: a message accepted, submitted and delivered — the writer works.
    const before = mt(1);
    await publishEvents(Subjects.accepted, encodeEvents([acceptedFromMt(before)]), `accepted:${before.id}`);
    await publishEvents(Subjects.submitted(CARRIER), submitted(before, 'known-1'), 'sub-1');
    await publishEvents(Subjects.receipt(CARRIER), encodeEvents([receipt('known-1')]), 'rcpt-known-1');
    await waitUntil('the first message delivered', async () => (await metric('smsmesh_messages_persisted_total')) === 1, 30_000, 50);

    pg.stop('fast');
    // During: another message accepted and submitted…
    const during = mt(2);
    await publishEvents(Subjects.accepted, encodeEvents([acceptedFromMt(during)]), `accepted:${during.id}`);
    await publishEvents(Subjects.submitted(CARRIER), submitted(during, 'known-2'), 'sub-2');
    // …receipts for messages nobody sent (one bus message with two, one with one)…
    await publishEvents(Subjects.receipt(CARRIER), encodeEvents([receipt('orphan-a'), receipt('orphan-b', 'UNDELIV')]), 'rcpt-orphans-ab');
    await publishEvents(Subjects.receipt(CARRIER), encodeEvents([receipt('orphan-c')]), 'rcpt-orphan-c');
    // …and bodies that are no events at all.
    await publishEvents(Subjects.receipt(CARRIER), enc.encode('{"kind":"receipt"'), 'junk-1');
    await publishEvents(Subjects.submitted(CARRIER), enc.encode(JSON.stringify([{ kind: 'nonsense' }])), 'junk-2');

    // Undecodable ones go to the dead letters while the database is still away; batches fail and are retried.
    await waitUntil('two dead letters', async () => (await bus.jsm.streams.info(Streams.dead)).state.messages === 2, 30_000, 50);
    for (const seq of [1, 2]) expect((await bus.jsm.streams.getMessage(Streams.dead, { seq }))!.header.get(DeadLetterHeaders.reason)).toBe('undecodable');
    await waitUntil('two failed batches', async () => (await metric('smsmesh_status_batch_failures_total')) >= 2, 30_000, 50);
    pg.start();

    await waitUntil('the orphans kept', async () => (await metric('smsmesh_status_orphan_receipts_total')) >= 3, 90_000, 100);
    await waitUntil('every event settled', writerSettled, 30_000, 100);
    const orphans = await sql<{ smsc_message_id: string; stat: string }[]>`select smsc_message_id, stat from orphan_receipts order by smsc_message_id`;
    expect(orphans).toEqual([
      { smsc_message_id: 'orphan-a', stat: 'DELIVRD' },
      { smsc_message_id: 'orphan-b', stat: 'UNDELIV' },
      { smsc_message_id: 'orphan-c', stat: 'DELIVRD' },
    ]);
    expect(await metric('smsmesh_status_orphan_receipts_total')).toBe(3);
    // What came during the outage is applied too; the known message's receipt was no orphan.
    const rows = await sql<{ id: string; status: string }[]>`select id, status from messages`;
    expect(new Map(rows.map((r) => [r.id, r.status]))).toEqual(
      new Map([
        [before.id, 'delivered'],
        [during.id, 'submitted'],
      ]),
    );
    expect((await bus.jsm.streams.info(Streams.dead)).state.messages).toBe(2);

    const stopping = writer!.stop();
    writer = undefined;
    await stopping;
  });
});
