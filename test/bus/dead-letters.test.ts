/**
 * Dead letters on the installed nats-server (Debian's 2.9, which ignores a term() that carries a reason): a message
 * the connector cannot decode, published straight to sms.mt.<carrier>, ends in SMS_DEAD with its reason and leaves
 * nothing pending; one the connector finds invalid ends there too and is recorded `failed` by the status writer;
 * and a message a consumer keeps retrying is dead-lettered at the consumer's delivery limit.
 */
import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, nanos } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMt } from '../../internal/bus/codec.js';
import { createDeadLetterSink, DeadLetterHeaders } from '../../internal/bus/dead-letters.js';
import { createPullConsumer, DEAD_LETTER_RESERVE } from '../../internal/bus/pull-consumer.js';
import { Durables, Streams, Subjects } from '../../internal/bus/subjects.js';
import { newMessageId } from '../../internal/core/ids.js';
import { openDatabase, type Database } from '../../internal/db/client.js';
import { noopLogger } from '../../internal/log/logger.js';
import { createStatusMetrics } from '../../internal/metrics/status.js';
import { createPgStatusStore } from '../../internal/status/pg-status-store.js';
import type { StatusStore } from '../../internal/status/status-store.js';
import { openStatusSources } from '../../internal/status/status-sources.js';
import { startStatusWriter, type StatusWriter } from '../../internal/status/status-writer.js';
import { CARRIER, startHarness, waitUntil, type Harness } from '../support/connector-harness.js';
import { createTestDatabase } from '../support/postgres.js';

const enc = new TextEncoder();
let h: Harness;
let db: { url: string; drop(): Promise<void> };
let database: Database;
let store: StatusStore;
let writer: StatusWriter;

beforeAll(async () => {
  db = await createTestDatabase();
  database = await openDatabase({ url: db.url, maxConnections: 4 });
  store = createPgStatusStore(database);
  h = await startHarness({ carrier: { tps: 200, window: 10 } });
  writer = await startStatusWriter({
    store,
    sources: await openStatusSources(h.bus, createDeadLetterSink({ publisher: h.publisher, log: noopLogger }), noopLogger),
    metrics: createStatusMetrics(new Registry()),
    log: noopLogger,
  });
});

afterAll(async () => {
  await writer?.stop();
  await h?.close();
  await store?.close();
  await database?.close();
  await db?.drop();
});

/** Every dead letter stored so far, read without consuming (a direct get per sequence). */
async function deadLetters(): Promise<{ subject: string; header: (k: string) => string; body: string }[]> {
  const info = await h.bus.jsm.streams.info(Streams.dead);
  const out = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await h.bus.jsm.streams.getMessage(Streams.dead, { seq });
    if (!m) continue;
    out.push({ subject: m.subject, header: (k: string) => m.header.get(k), body: new TextDecoder().decode(m.data) });
  }
  return out;
}

describe('dead letters', () => {
  it('an undecodable MT ends in SMS_DEAD with its reason, and the connector has nothing pending', async () => {
    const body = JSON.stringify({ to: '+447700900001', from: 'ACME', text: 'not our wire shape' });
    const ack = await h.bus.js.publish(Subjects.mt(CARRIER), enc.encode(body));
    await waitUntil('a dead letter for the MT', async () => (await deadLetters()).some((d) => d.header(DeadLetterHeaders.seq) === String(ack.seq)), 20_000);
    const dead = (await deadLetters()).find((d) => d.header(DeadLetterHeaders.seq) === String(ack.seq))!;
    expect(dead.subject).toBe(`sms.dead.sms.mt.${CARRIER}`);
    expect(dead.header(DeadLetterHeaders.reason)).toBe('undecodable');
    expect(dead.header(DeadLetterHeaders.stream)).toBe(Streams.mt);
    expect(dead.header(DeadLetterHeaders.detail)).toMatch(/field \w+ must be/);
    expect(dead.body).toBe(body);
    await waitUntil(
      'the connector consumer to have nothing pending',
      async () => {
        const c = await h.bus.jsm.consumers.info(Streams.mt, Durables.connector(CARRIER));
        return c.num_ack_pending === 0 && c.num_pending === 0;
      },
      10_000,
    );
    const c = await h.bus.jsm.consumers.info(Streams.mt, Durables.connector(CARRIER));
    expect(c.delivered.stream_seq).toBeGreaterThanOrEqual(ack.seq);
    expect(c.config.max_deliver).toBeGreaterThan(0);
    // Both consumers of SMS_MT dead-letter it; the copy is stored once.
    expect((await deadLetters()).filter((d) => d.header(DeadLetterHeaders.seq) === String(ack.seq))).toHaveLength(1);
    expect(h.attempts).toHaveLength(0);
  });

  it('a directly published MT that breaks nats/mt-message.schema.json is dead-lettered and, having an id, recorded failed', async () => {
    const at = Date.now();
    const id = newMessageId(at);
    const mt = { id, clientId: 'c1', carrier: CARRIER, to: '07700900003', from: 'ACME', text: 'hi', encoding: 'gsm7', segments: 1, acceptedAt: at };
    await h.publisher.publish(Subjects.mt(CARRIER), enc.encode(JSON.stringify(mt)), { msgID: id, deadlineMs: 5000 });
    await waitUntil('the message to be recorded failed', async () => (await store.getMessage(id, 'c1'))?.status === 'failed', 20_000);
    expect((await store.getMessage(id, 'c1'))?.error).toMatch(/^dead-lettered \(undecodable\): field to must be as nats\/mt-message.schema.json says/);
    expect(h.attempts.some((a) => a.destinationAddr.endsWith('7700900003'))).toBe(false);
  });

  it('an MT the connector finds invalid is dead-lettered and recorded as failed', async () => {
    const at = Date.now();
    const id = newMessageId(at);
    const mt = { id, clientId: 'c1', carrier: 'elsewhere', to: '+447700900002', from: 'ACME', text: 'hi', encoding: 'gsm7' as const, segments: 1, acceptedAt: at };
    await h.publisher.publish(Subjects.mt(CARRIER), encodeMt(mt), { msgID: id, deadlineMs: 5000 });
    await waitUntil('the message to be recorded failed', async () => (await store.getMessage(id, 'c1'))?.status === 'failed', 20_000);
    const view = await store.getMessage(id, 'c1');
    expect(view?.error).toMatch(/^dead-lettered \(invalid\): carrier "elsewhere"/);
    const dead = (await deadLetters()).find((d) => d.header(DeadLetterHeaders.msgId) === id);
    expect(dead?.header(DeadLetterHeaders.reason)).toBe('invalid');
    expect(h.attempts.filter((a) => a.destinationAddr === '447700900002')).toHaveLength(0);
  });

  it('a message retried until the delivery limit is dead-lettered, and the consumer stops holding it', async () => {
    const MAX_DELIVER = 5;
    await h.bus.jsm.streams.add({ name: 'DLT_T', subjects: ['dlt.t.>'] });
    await h.bus.jsm.consumers.add('DLT_T', {
      durable_name: 'dlt',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(10_000),
      max_deliver: MAX_DELIVER,
    });
    const hdrs = natsHeaders();
    hdrs.set('Trace-Me', 'yes');
    const pub = await h.bus.js.publish('dlt.t.x', enc.encode('"work"'), { headers: hdrs });
    const source = createPullConsumer<string>({
      consumer: await h.bus.js.consumers.get('DLT_T', 'dlt'),
      stream: 'DLT_T',
      durable: 'dlt',
      maxDeliver: MAX_DELIVER,
      decode: (m: JsMsg) => m.json<string>(),
      deadLetters: createDeadLetterSink({ publisher: h.publisher, log: noopLogger }),
      log: noopLogger,
    });
    const seen: { count: number; last: boolean }[] = [];
    const pull = source.consume(10, (d) => {
      seen.push({ count: d.deliveryCount, last: d.lastAttempt });
      d.settle({ kind: 'retry', delayMs: 10 });
    });
    await waitUntil('a dead letter from DLT_T', async () => (await deadLetters()).some((d) => d.header(DeadLetterHeaders.stream) === 'DLT_T'), 20_000);
    await pull.close();
    const attempts = MAX_DELIVER - DEAD_LETTER_RESERVE;
    expect(seen).toEqual(Array.from({ length: attempts }, (_, i) => ({ count: i + 1, last: i + 1 === attempts })));
    const dead = (await deadLetters()).find((d) => d.header(DeadLetterHeaders.stream) === 'DLT_T')!;
    expect(dead.subject).toBe('sms.dead.dlt.t.x');
    expect(dead.header(DeadLetterHeaders.reason)).toBe('max_deliveries');
    expect(dead.header(DeadLetterHeaders.seq)).toBe(String(pub.seq));
    expect(dead.header(DeadLetterHeaders.deliveries)).toBe(String(attempts));
    expect(dead.header('Trace-Me')).toBe('yes');
    const c = await h.bus.jsm.consumers.info('DLT_T', 'dlt');
    expect(c.num_ack_pending).toBe(0);
    expect(c.num_pending).toBe(0);
  });
});
