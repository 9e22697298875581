/** The callback worker role on top of a Runtime (which must have a database): signed webhooks from SMS_CHANGES. */
import { decodeChangeMessage, type ChangeMessage } from '../bus/codec-changes.js';
import { openPullConsumer } from '../bus/pull-consumer.js';
import { Durables, Streams } from '../bus/subjects.js';
import { startCallbackWorker, type CallbackWorker } from '../callbacks/callback-worker.js';
import { createEndpointGate } from '../callbacks/endpoint-gate.js';
import { createPoster } from '../callbacks/http-poster.js';
import { createPgCallbackStore } from '../callbacks/pg-callback-store.js';
import { createCallbackMetrics } from '../metrics/callbacks.js';
import { applyWebhookSecrets, callbackClients } from './callback-clients.js';
import type { Reloadable } from './reload.js';
import type { Runtime } from './runtime.js';

export async function startCallbacksRole(rt: Runtime): Promise<CallbackWorker & Required<Reloadable>> {
  if (!rt.database) throw new Error('the callback worker needs a database');
  const cfg = rt.config.callbacks;
  // The worker looks clients up for every callback, so a reload that replaces an entry takes effect at once.
  const clients = callbackClients(rt.config.clients);
  const gate = createEndpointGate({
    concurrency: cfg.concurrencyPerEndpoint,
    threshold: cfg.breakerThreshold,
    openMs: cfg.breakerOpenMs,
    busyRetryMs: Math.max(50, Math.min(1000, Math.round(cfg.timeoutMs / 10))),
  });
  const source = await openPullConsumer<ChangeMessage>(rt.bus.js, {
    stream: Streams.changes,
    durable: Durables.callbacks,
    decode: (m) => decodeChangeMessage(m.subject, m.data),
    deadLetters: rt.deadLetters,
    log: rt.log,
  });
  const worker = await startCallbackWorker({
    source,
    publisher: rt.publisher,
    store: createPgCallbackStore(rt.database),
    poster: createPoster({ timeoutMs: cfg.timeoutMs, allowPrivateTargets: cfg.allowPrivateTargets, maxSockets: cfg.concurrencyPerEndpoint }),
    clients,
    retryScheduleMs: cfg.retryScheduleMs,
    timeoutMs: cfg.timeoutMs,
    concurrencyPerEndpoint: cfg.concurrencyPerEndpoint,
    breakerThreshold: cfg.breakerThreshold,
    breakerOpenMs: cfg.breakerOpenMs,
    parkAfterMs: cfg.parkAfterMs,
    gate,
    metrics: createCallbackMetrics(rt.registry, () => gate.openCount(Date.now())),
    log: rt.log,
  });
  rt.log.info({ clients: [...clients.values()].filter((c) => c.callbackUrl).length, retries: cfg.retryScheduleMs.length }, 'callback worker started');
  return { stop: () => worker.stop(), reload: (file) => applyWebhookSecrets(clients, file) };
}
