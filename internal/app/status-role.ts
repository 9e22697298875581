/** The status writer role on top of a Runtime (which must have a database): message states and inbound messages. */
import { openPullConsumer } from '../bus/pull-consumer.js';
import { callbacksEnabled, forwardScope } from '../callbacks/callback-settings.js';
import { createChangeForwarder } from '../status/change-forwarder.js';
import { Durables, Streams } from '../bus/subjects.js';
import { decodeInboundPart, startMoWriter } from '../inbound/mo-writer.js';
import { createPgInboundStore } from '../inbound/pg-inbound-store.js';
import { createStatusMetrics } from '../metrics/status.js';
import type { InboundPart } from '../sms/inbound.js';
import { startReceiptTimeoutSweeper } from '../status/receipt-timeout.js';
import { openStatusSources } from '../status/status-sources.js';
import { startStatusWriter, type StatusWriter } from '../status/status-writer.js';
import { startStatusLagMetrics } from './queue-metrics.js';
import type { Runtime } from './runtime.js';

export async function startStatusRole(rt: Runtime): Promise<StatusWriter> {
  if (!rt.store || !rt.database) throw new Error('the status writer needs a database');
  const mo = await startMoWriter({
    source: await openPullConsumer<InboundPart>(rt.bus.js, {
      stream: Streams.mo,
      durable: Durables.moWriter,
      decode: decodeInboundPart,
      deadLetters: rt.deadLetters,
      log: rt.log,
    }),
    store: createPgInboundStore(rt.database),
    log: rt.log,
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
  const timeouts = startReceiptTimeoutSweeper({
    db: rt.database.db,
    carriers: rt.config.carriers,
    log: rt.log,
    onTimedOut: (carrier, n) => metrics.receiptTimeouts.inc({ carrier }, n),
  });
  return {
    async stop() {
      lag.stop();
      await timeouts.stop();
      await mo.stop();
      await status.stop();
    },
  };
}
