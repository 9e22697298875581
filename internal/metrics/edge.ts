/** Metrics of the HTTP edge. Labels are bounded: never a number or a message id. */
import { Counter, Histogram, type Registry } from 'prom-client';

export function createEdgeMetrics(registry: Registry) {
  return {
    accepted: new Counter({
      name: 'smsmesh_messages_accepted_total',
      help: 'Messages durably stored in JetStream and answered 202, by carrier.',
      labelNames: ['carrier'] as const,
      registers: [registry],
    }),
    rejectedRequests: new Counter({
      name: 'smsmesh_http_problems_total',
      help: 'Requests answered with a problem (4xx/5xx), by problem type.',
      labelNames: ['problem'] as const,
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'smsmesh_http_request_duration_seconds',
      help: 'HTTP request latency, by route and status code.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    natsRequestDuration: new Histogram({
      name: 'smsmesh_nats_api_request_duration_seconds',
      help: 'NATS API (sms.api.v1.*) request latency in the edge, by endpoint and the HTTP status the reply carries.',
      labelNames: ['endpoint', 'status'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    clientAccepted: new Counter({
      name: 'smsmesh_client_messages_accepted_total',
      help: 'Messages durably stored in JetStream, by client (HTTP and NATS API together; idempotent replays not counted).',
      labelNames: ['client'] as const,
      registers: [registry],
    }),
    clientRejected: new Counter({
      name: 'smsmesh_client_messages_rejected_total',
      help: 'Messages refused, by client and reason (the problem type): a refused request counts one, each refused item of a batch one.',
      labelNames: ['client', 'reason'] as const,
      registers: [registry],
    }),
    acceptedRecordsDropped: new Counter({
      name: 'smsmesh_accepted_records_dropped_total',
      help: 'Accepted records the edge could not store (bound reached, or still pending at stop); the connector\'s first event about each message repeats its facts.',
      registers: [registry],
    }),
    idempotencyTakeovers: new Counter({
      name: 'smsmesh_idempotency_takeovers_total',
      help: 'Idempotency-Key claims taken over from an edge that died holding them, and re-published under the same id; within_duplicate_window="false" ones may have stored their message twice.',
      labelNames: ['within_duplicate_window'] as const,
      registers: [registry],
    }),
    publishRetries: new Counter({
      name: 'smsmesh_edge_publish_retries_total',
      help: 'JetStream publishes retried with the same Nats-Msg-Id after a timeout.',
      registers: [registry],
    }),
  };
}
export type EdgeMetrics = ReturnType<typeof createEdgeMetrics>;
