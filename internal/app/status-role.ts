/** The status writer role on top of a Runtime (which must have a database): message states and inbound messages. */
import { openKvStore } from '../bus/kv-store.js';
import { openPullConsumer } from '../bus/pull-consumer.js';
import { callbacksEnabled, forwardScope } from '../callbacks/callback-settings.js';
import { createChangeForwarder } from '../status/change-forwarder.js';
import { Buckets, Durables, Streams, Subjects } from '../bus/subjects.js';
import { createInboundEffects } from '../inbound/inbound-effects.js';
import { decodeInboundPart, startMoWriter } from '../inbound/mo-writer.js';
import { createOptOutWriter } from '../inbound/opt-outs.js';
import { createPgInboundStore } from '../inbound/pg-inbound-store.js';
import { createTextCipher } from '../inbound/text-cipher.js';
import { createInboundRouter } from '../routing/inbound-route.js';
import { createOptOutClassifier, type OptOutAction } from '../sms/opt-out-keywords.js';
import { startGrowthAnalyze } from '../status/growth-analyze.js';
import { startRetention } from '../status/retention.js';
import { createInboundMetrics } from '../metrics/inbound.js';
import { createStatusMetrics } from '../metrics/status.js';
import type { InboundPart } from '../sms/inbound.js';
import { startReceiptTimeoutSweeper } from '../status/receipt-timeout.js';
import { openStatusSources } from '../status/status-sources.js';
import { startStatusWriter, type StatusWriter } from '../status/status-writer.js';
import { startStatusLagMetrics } from './queue-metrics.js';
import type { Runtime } from './runtime.js';

export async function startStatusRole(rt: Runtime): Promise<StatusWriter> {
  if (!rt.store || !rt.database) throw new Error('the status writer needs a database');
  const { config } = rt;
  const classifiers = new Map(config.clients.map((c) => [c.id, createOptOutClassifier(c.optOut)] as const));
  const enc = new TextEncoder();
  const inboundMetrics = createInboundMetrics(rt.registry);
  const effects = createInboundEffects({
    optOuts: createOptOutWriter(await openKvStore(rt.bus, Buckets.optOuts)),
    actionOf: (client, text): OptOutAction => classifiers.get(client)?.(text) ?? { kind: 'none' },
    onApplied: (_client, a) => inboundMetrics.optOutKeywords.inc({ action: a.kind === 'optIn' ? 'opt_in' : a.clientWide ? 'opt_out_all' : 'opt_out' }),
    // Published for every routed MO, whether or not the client takes callbacks: the callback worker decides.
    publishChange: async (change, msgId) => {
      await rt.publisher.publish(Subjects.inboundChanges, enc.encode(JSON.stringify(change)), { msgID: msgId, deadlineMs: config.nats.publishTimeoutMs });
    },
  });
  const mo = await startMoWriter({
    source: await openPullConsumer<InboundPart>(rt.bus.js, {
      stream: Streams.mo,
      durable: Durables.moWriter,
      decode: decodeInboundPart,
      deadLetters: rt.deadLetters,
      log: rt.log,
    }),
    store: createPgInboundStore(rt.database, createTextCipher(config.textKeys)),
    log: rt.log,
    route: createInboundRouter(config.inbound),
    afterStore: async (m) => {
      await effects(m);
      inboundMetrics.inbound.inc({ routed: String(m.clientId !== null) });
    },
  });
  const metrics = createStatusMetrics(rt.registry);
  for (const c of rt.config.carriers) metrics.receiptTimeouts.inc({ carrier: c.id }, 0);
  const status = await startStatusWriter({
    store: rt.store,
    sources: await openStatusSources(rt.bus, rt.deadLetters, rt.log),
    metrics,
    log: rt.log,
    // Only when callbacks are on: a forward is one more JetStream write per committed batch.
    ...(callbacksEnabled(rt.config) ? { forward: createChangeForwarder({ publisher: rt.publisher, scope: forwardScope(rt.config) }) } : {}),
  });
  const lag = startStatusLagMetrics(rt, metrics);
  const growthAnalyze = startGrowthAnalyze({ db: rt.database.db, log: rt.log });
  const timeouts = startReceiptTimeoutSweeper({
    db: rt.database.db,
    carriers: rt.config.carriers,
    log: rt.log,
    onTimedOut: (carrier, n) => metrics.receiptTimeouts.inc({ carrier }, n),
  });
  const retention = startRetention({
    db: rt.database.db,
    config: config.retention,
    log: rt.log,
    onDeleted: (table, n) => inboundMetrics.retentionDeleted.inc({ table }, n),
  });
  return {
    async stop() {
      lag.stop();
      await growthAnalyze.stop();
      await retention.stop();
      await timeouts.stop();
      await mo.stop();
      await status.stop();
    },
  };
}
