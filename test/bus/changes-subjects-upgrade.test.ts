/**
 * SMS_CHANGES of an earlier release took only `sms.chg`; status changes now go to `sms.chg.status` and inbound
 * messages to `sms.chg.inbound`. Start-up brings an existing stream's subjects in line on a real nats-server, keeping
 * what it holds, and a publish to either new subject is stored.
 */
import { DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { Streams, Subjects } from '../../internal/bus/subjects.js';
import { ensureTopology, type TopologyOptions } from '../../internal/bus/topology.js';
import { noopLogger } from '../../internal/log/logger.js';
import { startTestNats, type TestNats } from '../support/nats.js';

const opts: TopologyOptions = { replicas: 1, duplicateWindowMs: 120_000, maxBacklogBytes: 1024 ** 3, connectorAckWaitMs: 30_000, carriers: [{ id: 'uk', binds: 1, window: 10 }] };

describe('SMS_CHANGES subjects on upgrade', () => {
  let nats: TestNats;
  let bus: Bus;

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await connectBus({ url: nats.url, name: 'changes-upgrade-test', log: noopLogger });
  });

  afterAll(async () => {
    await bus?.close();
    await nats?.destroy();
  });

  it('widens sms.chg to sms.chg.> and keeps the stream contents', async () => {
    await bus.jsm.streams.add({ name: Streams.changes, subjects: ['sms.chg'], retention: RetentionPolicy.Workqueue, storage: StorageType.File, discard: DiscardPolicy.Old });
    await bus.js.publish('sms.chg', '{"old":true}');
    await ensureTopology(bus.jsm, opts);
    const info = await bus.jsm.streams.info(Streams.changes);
    expect(info.config.subjects).toEqual(['sms.chg.>']);
    expect(info.state.messages).toBe(1);
    await bus.js.publish(Subjects.changes, '{}');
    await bus.js.publish(Subjects.inboundChanges, '{}');
    expect((await bus.jsm.streams.info(Streams.changes)).state.messages).toBe(3);
  });
});
