/**
 * Upgrading the topology of an earlier release on a real nats-server: the status writer's durables on SMS_MT and
 * SMS_SCHEDULED (status-accepted, status-scheduled) are deleted at start-up, so each MT has one consumer — its
 * connector — and a message the retired durable never acked stays for the connector instead of being held for ever.
 */
import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { Durables, Streams, Subjects } from '../../internal/bus/subjects.js';
import { ensureTopology, type TopologyOptions } from '../../internal/bus/topology.js';
import { noopLogger } from '../../internal/log/logger.js';
import { startTestNats, type TestNats } from '../support/nats.js';

const opts: TopologyOptions = {
  replicas: 1,
  duplicateWindowMs: 120_000,
  maxBacklogBytes: 1024 ** 3,
  connectorAckWaitMs: 30_000,
  carriers: [{ id: 'uk', binds: 1, window: 10 }],
};

describe('topology upgrade', () => {
  let nats: TestNats;
  let bus: Bus;

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await connectBus({ url: nats.url, name: 'topology-upgrade-test', log: noopLogger });
  });

  afterAll(async () => {
    await bus?.close();
    await nats?.destroy();
  });

  it('deletes the retired durables and leaves each MT to its connector alone', async () => {
    await ensureTopology(bus.jsm, opts);
    // What an earlier release left behind.
    const retired = { ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All };
    await bus.jsm.consumers.add(Streams.mt, { ...retired, durable_name: 'status-accepted', filter_subject: 'sms.mt.>' });
    await bus.jsm.consumers.add(Streams.scheduled, { ...retired, durable_name: 'status-scheduled', filter_subject: 'sms.sched.>' });
    await bus.js.publish(Subjects.mt('uk'), '{}', { msgID: 'upgrade-1' });

    await ensureTopology(bus.jsm, opts);
    const names = async (stream: string) => {
      const out: string[] = [];
      for await (const c of bus.jsm.consumers.list(stream)) out.push(c.name);
      return out.sort();
    };
    expect(await names(Streams.mt)).toEqual([Durables.connector('uk')]);
    expect(await names(Streams.scheduled)).toEqual([Durables.scheduler]);

    // The connector's ack alone removes the message from the interest stream.
    const c = await bus.js.consumers.get(Streams.mt, Durables.connector('uk'));
    const m = await c.next({ expires: 2000 });
    expect(m?.subject).toBe(Subjects.mt('uk'));
    await m!.ackAck();
    expect((await bus.jsm.streams.info(Streams.mt)).state.messages).toBe(0);

    // Running it again finds nothing to retire.
    await ensureTopology(bus.jsm, opts);
    expect(await names(Streams.mt)).toEqual([Durables.connector('uk')]);
  });

  it('moves SMS_CHANGES of the earlier release (subject sms.chg) to sms.chg.> and gives it the callbacks durable', async () => {
    await bus.jsm.streams.delete(Streams.changes);
    await bus.jsm.streams.add({ name: Streams.changes, subjects: ['sms.chg'], retention: RetentionPolicy.Workqueue, storage: StorageType.File });
    await ensureTopology(bus.jsm, opts);
    expect((await bus.jsm.streams.info(Streams.changes)).config.subjects).toEqual(['sms.chg.>']);
    const c = await bus.jsm.consumers.info(Streams.changes, Durables.callbacks);
    expect(c.config.filter_subject).toBe('sms.chg.>');
    await bus.js.publish(Subjects.inboundChanges, '{}', { msgID: 'upgrade-chg-1' });
    expect((await bus.jsm.streams.info(Streams.changes)).state.messages).toBe(1);
  });
});
