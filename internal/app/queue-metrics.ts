/**
 * Starts the periodic JetStream reads behind the queue metrics: each carrier's backlog (in edges, which every
 * deployment has and which outlive a dead connector, when the backlog matters most) and the status writer's lag.
 */
import { pollConsumers, pollStream, type Poller } from '../bus/queue-readings.js';
import { Durables, Streams } from '../bus/subjects.js';
import { createCarrierQueueMetrics } from '../metrics/queues.js';
import type { StatusMetrics } from '../metrics/status.js';
import type { Runtime } from './runtime.js';

/** Prometheus scrapes every 15 s or so; a reading at least that fresh costs one request per carrier per 5 s. */
export const QUEUE_READ_MS = 5000;

export function startCarrierQueueMetrics(rt: Runtime, everyMs = QUEUE_READ_MS): Poller {
  const m = createCarrierQueueMetrics(rt.registry);
  const carrierOf = new Map(rt.config.carriers.map((c) => [Durables.connector(c.id), c.id] as const));
  return pollConsumers({
    jsm: rt.bus.jsm,
    stream: Streams.mt,
    durables: [...carrierOf.keys()],
    everyMs,
    onReading(durable, r) {
      const carrier = carrierOf.get(durable)!;
      m.backlog.set({ carrier }, r.pending);
      m.ackPending.set({ carrier }, r.ackPending);
      m.redelivered.set({ carrier }, r.redelivered);
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
