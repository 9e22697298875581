/**
 * Metrics of the queues in JetStream, read every few seconds by the edges: each carrier's (its connector consumer on
 * SMS_MT) and the callback workers' (the callbacks consumer on SMS_CHANGES).
 */
import { Gauge, type Registry } from 'prom-client';

export function createCarrierQueueMetrics(registry: Registry) {
  const labelNames = ['carrier'] as const;
  return {
    backlog: new Gauge({
      name: 'smsmesh_carrier_backlog_messages',
      help: 'Messages waiting in JetStream for a carrier that no bind has taken yet (its consumer\'s num_pending). Every edge reports it: aggregate with max by (carrier).',
      labelNames,
      registers: [registry],
    }),
    ackPending: new Gauge({
      name: 'smsmesh_carrier_ack_pending_messages',
      help: 'Messages of a carrier taken by a bind and not yet settled: in a window, or waiting for a retry (num_ack_pending).',
      labelNames,
      registers: [registry],
    }),
    redelivered: new Gauge({
      name: 'smsmesh_carrier_redelivered_messages',
      help: 'Of the unsettled messages of a carrier, those delivered more than once (num_redelivered): retries, or a connector that died holding them.',
      labelNames,
      registers: [registry],
    }),
  };
}
export type CarrierQueueMetrics = ReturnType<typeof createCarrierQueueMetrics>;

/**
 * Registered only where callbacks are on: a deployment without them has no worker, and the inbound changes it still
 * stores there (until max_age) are nobody's backlog.
 */
export function createCallbackQueueMetrics(registry: Registry) {
  return {
    backlog: new Gauge({
      name: 'smsmesh_callback_backlog_messages',
      help: 'Messages in SMS_CHANGES that no callback worker has taken yet (the callbacks consumer\'s num_pending): committed status batches, stored inbound messages, callbacks due for an attempt. Every edge reports it: aggregate with max.',
      registers: [registry],
    }),
    ackPending: new Gauge({
      name: 'smsmesh_callback_ack_pending_messages',
      help: 'Messages of SMS_CHANGES taken by a callback worker and not yet settled: being resolved or POSTed, or a callback waiting in JetStream for its endpoint (num_ack_pending).',
      registers: [registry],
    }),
  };
}
export type CallbackQueueMetrics = ReturnType<typeof createCallbackQueueMetrics>;
