/** The connector role: SMPP bind actors for every carrier, and the scheduler that releases held messages, on top of a Runtime. */
import { bindTpsCap } from '../config/schema.js';
import { join } from 'node:path';
import { decodeMt, encodeEvent } from '../bus/codec.js';
import { openKvStore } from '../bus/kv-store.js';
import { openPullConsumer } from '../bus/pull-consumer.js';
import { Buckets, Durables, Streams, Subjects } from '../bus/subjects.js';
import { carrierBacklogs } from '../admin/carrier-backlog.js';
import { openCarrierControl, startDrainCompleter, watchCarrierControl } from '../admin/carrier-control.js';
import { startConnector, type Connector } from '../connector/connector.js';
import { createConnectorMetrics } from '../metrics/connector.js';
import { watchCancellations } from '../schedule/cancellations.js';
import { startScheduler } from '../schedule/scheduler.js';
import type { MtMessage } from '../sms/message.js';
import type { Runtime } from './runtime.js';

/** Cancellations kept in memory per connector process (ids, ~100 B each). */
const MAX_CANCELLATIONS = 1_000_000;

export async function startConnectorRole(rt: Runtime): Promise<Connector> {
  const metrics = createConnectorMetrics(rt.registry);
  const canceled = await watchCancellations(await openKvStore(rt.bus, Buckets.canceled), { maxEntries: MAX_CANCELLATIONS, log: rt.log });
  const control = await watchCarrierControl(rt.bus, rt.log.child({ component: 'carrier-control' }));
  const drains = startDrainCompleter({
    control: await openCarrierControl(rt.bus),
    draining: () => control.draining().filter((c) => rt.config.carriers.some((k) => k.id === c)),
    backlog: async (carrier) => (await carrierBacklogs(rt.bus.jsm))(carrier),
    log: rt.log,
  });
  const connector = await startConnector({
    bus: rt.bus,
    publisher: rt.publisher,
    deadLetters: rt.deadLetters,
    receiptHoldMs: rt.config.connector.receiptHoldMs,
    journal: { dir: join(rt.config.dataDir, 'journal'), maxBytes: rt.config.connector.journalMaxBytes },
    carriers: rt.config.carriers,
    metrics,
    log: rt.log,
    isCanceled: (id) => canceled.has(id),
    leaseReplicas: rt.config.nats.replicas,
    isPaused: (carrier) => control.state(carrier) === 'paused',
  });
  const limits = new Map(rt.config.carriers.map((c) => [c.id, { tps: bindTpsCap(c), window: c.window }] as const));
  metrics.setBindSource(() => connector.binds().map((b) => ({ ...b, ...limits.get(b.carrier) })));
  const scheduler = startScheduler({
    source: await openPullConsumer<MtMessage>(rt.bus.js, {
      stream: Streams.scheduled,
      durable: Durables.scheduler,
      decode: (m) => {
        const mt = decodeMt(m.data);
        // Published straight to the bus under another carrier's subject: a release would route it elsewhere.
        if (m.subject !== Subjects.scheduled(mt.carrier)) throw new Error(`carrier "${mt.carrier}" in a message on ${m.subject}`);
        return mt;
      },
      deadLetters: rt.deadLetters,
      log: rt.log,
    }),
    publisher: rt.publisher,
    canceled,
    publishFinal: async (ev) => {
      await rt.publisher.publish(Subjects.failed(ev.carrier), encodeEvent(ev), { msgID: `final:${ev.id}`, deadlineMs: rt.config.nats.publishTimeoutMs });
    },
    recheckMs: rt.config.scheduling.recheckMs,
    publishDeadlineMs: rt.config.nats.publishTimeoutMs,
    log: rt.log,
  });
  return {
    binds: () => connector.binds(),
    async stop(timeoutMs) {
      await scheduler.stop();
      drains.stop();
      await connector.stop(timeoutMs);
      canceled.stop();
      control.stop();
    },
  };
}
