/** Metrics of the status writer: what reached the database, and how batches went. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function createStatusMetrics(registry: Registry) {
  return {
    persisted: new Counter({
      name: 'smsmesh_messages_persisted_total',
      help: 'Messages whose final state was committed to the database, by status.',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    events: new Counter({
      name: 'smsmesh_status_events_total',
      help: 'Status events committed, by kind.',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    unmatched: new Counter({
      name: 'smsmesh_status_unmatched_receipts_total',
      help: 'Receipts that matched no submitted message yet and were retried later.',
      registers: [registry],
    }),
    orphans: new Counter({
      name: 'smsmesh_status_orphan_receipts_total',
      help: 'Receipts that never matched a message and were stored as orphans.',
      registers: [registry],
    }),
    receiptTimeouts: new Counter({
      name: 'smsmesh_status_receipt_timeouts_total',
      help: 'Messages marked unknown because no receipt came within the carrier\'s receiptTimeoutS, by carrier.',
      labelNames: ['carrier'] as const,
      registers: [registry],
    }),
    batchFailures: new Counter({
      name: 'smsmesh_status_batch_failures_total',
      help: 'Batches whose transaction failed; their events are redelivered.',
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'smsmesh_status_batch_duration_seconds',
      help: 'Time to commit one batch.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'smsmesh_status_lag_seconds',
      help: 'Age of the oldest status event not yet committed to the database (0 when none waits), read from SMS_EVENTS every few seconds.',
      registers: [registry],
    }),
    unapplied: new Gauge({
      name: 'smsmesh_status_unapplied_events',
      help: 'Status events stored in SMS_EVENTS and not yet committed to the database.',
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'smsmesh_status_batch_size',
      help: 'Events per committed batch.',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2000],
      registers: [registry],
    }),
  };
}
export type StatusMetrics = ReturnType<typeof createStatusMetrics>;
