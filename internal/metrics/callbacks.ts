/** Metrics of the callback worker: attempts and their outcomes, callbacks failed for good, latency, open breakers. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

// The label values internal/callbacks/callback-worker.ts uses, each a closed set.
const TYPES = ['message.status', 'message.inbound'];
const OUTCOMES = ['delivered', 'retry', 'gone', 'refused'];
const FAILURES = ['exhausted', 'refused', 'gone', 'disabled'];
const WAITS = ['busy', 'open', 'scheduled', 'parked'];

export function createCallbackMetrics(registry: Registry, openBreakers: () => number) {
  const m = {
    made: new Counter({
      name: 'smsmesh_callbacks_made_total',
      help: 'Callbacks made from committed changes and stored inbound messages, by type; each once, however often its change is delivered or forwarded.',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    attempts: new Counter({
      name: 'smsmesh_callback_attempts_total',
      help: 'Callback POSTs, by outcome (delivered, retry, gone, refused).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    failed: new Counter({
      name: 'smsmesh_callbacks_failed_total',
      help: 'Callbacks failed for good and listed at /v1/callbacks/failed (dead letters), by reason (exhausted, refused, gone, disabled).',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    deferred: new Counter({
      name: 'smsmesh_callbacks_deferred_total',
      help: 'Callbacks put back to wait (busy endpoint, open breaker, next attempt scheduled), and those of them parked in the database for a long wait, by why.',
      labelNames: ['why'] as const,
      registers: [registry],
    }),
    attemptSeconds: new Histogram({
      name: 'smsmesh_callback_attempt_duration_seconds',
      help: 'Time of one callback POST, until the answer or the timeout.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    deliveredSeconds: new Histogram({
      name: 'smsmesh_callback_delivery_latency_seconds',
      help: 'From the callback\'s change being committed (stored in SMS_CHANGES) to its receiver\'s 2xx, retries and any wait for a worker included.',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 600, 3600, 86400],
      registers: [registry],
    }),
    openBreakers: new Gauge({
      name: 'smsmesh_callback_open_breakers',
      help: 'Endpoints whose circuit breaker is open in this worker.',
      registers: [registry],
      collect() {
        this.set(openBreakers());
      },
    }),
  };
  // Present at 0 from the start, so that rate() and increase() see the first of each (a first failure included).
  for (const type of TYPES) m.made.inc({ type }, 0);
  for (const outcome of OUTCOMES) m.attempts.inc({ outcome }, 0);
  for (const reason of FAILURES) m.failed.inc({ reason }, 0);
  for (const why of WAITS) m.deferred.inc({ why }, 0);
  return m;
}
export type CallbackMetrics = ReturnType<typeof createCallbackMetrics>;
