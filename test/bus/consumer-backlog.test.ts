/**
 * The backlog a pull consumer reports comes from JetStream itself (num_pending in each delivery's ack subject), counts
 * units of work when the consumer weighs its bodies, and is news only while messages arrive.
 */
import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { largestFreshBacklog } from '../../internal/bus/consumer-backlog.js';
import { createPullConsumer } from '../../internal/bus/pull-consumer.js';
import type { Delivery } from '../../internal/bus/delivery.js';
import { noopLogger } from '../../internal/log/logger.js';
import { startTestNats, type TestNats } from '../support/nats.js';

const enc = new TextEncoder();
let nats: TestNats;
let bus: Bus;

beforeAll(async () => {
  nats = await startTestNats();
  bus = await connectBus({ url: nats.url, name: 'consumer-backlog-test', log: noopLogger });
});

afterAll(async () => {
  await bus?.close();
  await nats?.destroy();
});

async function consumerOf(stream: string, weigh?: (items: string[]) => number) {
  await bus.jsm.streams.add({ name: stream, subjects: [`${stream.toLowerCase()}.>`] });
  await bus.jsm.consumers.add(stream, { durable_name: 'work', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
  return createPullConsumer<string[]>({
    consumer: await bus.js.consumers.get(stream, 'work'),
    stream,
    durable: 'work',
    maxDeliver: -1,
    decode: (m: JsMsg) => m.json<string[]>(),
    ...(weigh ? { weigh } : {}),
    deadLetters: async () => {},
    log: noopLogger,
  });
}

async function take(source: Awaited<ReturnType<typeof consumerOf>>, n: number): Promise<Delivery<string[]>[]> {
  const got: Delivery<string[]>[] = [];
  await source.fetch(n, 2000, (d) => got.push(d)).done;
  for (const d of got) d.settle({ kind: 'ack' });
  return got;
}

describe('consumer backlog', () => {
  it('is the consumer num_pending after the last delivery, in messages, and 0 once nothing arrives', async () => {
    const source = await consumerOf('BACKLOG_A');
    for (let i = 0; i < 30; i++) await bus.js.publish('backlog_a.x', enc.encode(JSON.stringify([`m${i}`])));
    largestFreshBacklog();
    expect(await take(source, 5)).toHaveLength(5);
    expect(largestFreshBacklog()).toBe(25);
    expect((await bus.jsm.consumers.info('BACKLOG_A', 'work')).num_pending).toBe(25);
    // No delivery since: the 25 are not news (this consumer may have stopped pulling).
    expect(largestFreshBacklog()).toBe(0);
  });

  it('counts units of work when the consumer weighs its bodies', async () => {
    const source = await consumerOf('BACKLOG_B', (items) => items.length);
    const ten = JSON.stringify(Array.from({ length: 10 }, (_, i) => `e${i}`));
    for (let i = 0; i < 40; i++) await bus.js.publish('backlog_b.x', enc.encode(ten));
    expect(await take(source, 4)).toHaveLength(4);
    // 36 messages of ten events each wait.
    expect(largestFreshBacklog()).toBe(360);
  });
});
