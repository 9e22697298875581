/** Metrics of each carrier's queue in JetStream (its connector consumer on SMS_MT), read every few seconds. */
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
