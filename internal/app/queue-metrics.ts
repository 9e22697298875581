/**
 * Starts the periodic JetStream reads behind the queue metrics: each carrier's backlog and the callback workers'
 * (in edges, which every deployment has and which outlive a dead connector or callback worker, when the backlog
 * matters most) and the status writer's lag.
 */
import { pollConsumers, pollStream, type ConsumerRef, type Poller } from '../bus/queue-readings.js';
import { Durables, Streams } from '../bus/subjects.js';
import { callbacksEnabled } from '../callbacks/callback-settings.js';
import { createCallbackQueueMetrics, createCarrierQueueMetrics } from '../metrics/queues.js';
import type { StatusMetrics } from '../metrics/status.js';
import type { Runtime } from './runtime.js';

/** Prometheus scrapes every 15 s or so; a reading at least that fresh costs one request per consumer per 5 s. */
export const QUEUE_READ_MS = 5000;

/** One loop over every consumer an edge reports on, so the callbacks consumer costs one more request a round, not a poller. */
export function startQueueMetrics(rt: Pick<Runtime, 'registry' | 'config' | 'bus'>, everyMs = QUEUE_READ_MS): Poller {
  const carriers = createCarrierQueueMetrics(rt.registry);
  const carrierOf = new Map(rt.config.carriers.map((c) => [Durables.connector(c.id), c.id] as const));
  const consumers: ConsumerRef[] = [...carrierOf.keys()].map((durable) => ({ stream: Streams.mt, durable }));
  const callbacks = callbacksEnabled(rt.config) ? createCallbackQueueMetrics(rt.registry) : undefined;
  if (callbacks) consumers.push({ stream: Streams.changes, durable: Durables.callbacks });
  return pollConsumers({
    jsm: rt.bus.jsm,
    consumers,
    everyMs,
    onReading(c, r) {
      if (c.stream === Streams.changes) {
        callbacks?.backlog.set(r.pending);
        callbacks?.ackPending.set(r.ackPending);
        return;
      }
      const carrier = carrierOf.get(c.durable)!;
      carriers.backlog.set({ carrier }, r.pending);
      carriers.ackPending.set({ carrier }, r.ackPending);
      carriers.redelivered.set({ carrier }, r.redelivered);
    },
  });
}

/**
 * SMS_EVENTS keeps a message until every consumer with interest acked it, and the status writer is its only
 * consumer: the oldest message stored is the oldest event not yet committed.
 */
export function startStatusLagMetrics(rt: Runtime, metrics: StatusMetrics, everyMs = QUEUE_READ_MS): Poller {
  return pollStream({
    jsm: rt.bus.jsm,
    stream: Streams.events,
    everyMs,
    onReading(r) {
      metrics.unapplied.set(r.messages);
      metrics.lag.set(r.oldestAt === undefined ? 0 : Math.max(0, Date.now() - r.oldestAt) / 1000);
    },
  });
}
