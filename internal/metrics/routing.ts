/** Metrics of the edge's routing and client limits. Labels are bounded: carrier ids and limit kinds from the config. */
import { Counter, Gauge, type Registry } from 'prom-client';

export function createRoutingMetrics(registry: Registry) {
  return {
    carrierUsable: new Gauge({
      name: 'smsmesh_edge_carrier_usable',
      help: 'Whether this edge sends new failover and weighted traffic to the carrier (1) or skips it (0: unbound for routing.downAfterS, or backlog over routing.maxBacklog).',
      labelNames: ['carrier'] as const,
      registers: [registry],
    }),
    limitCountersDown: new Counter({
      name: 'smsmesh_edge_limit_counters_failures_total',
      help: 'Times the shared client-limit counters (KV) could not be reached and this edge limited clients alone for a while.',
      registers: [registry],
    }),
  };
}
export type RoutingMetrics = ReturnType<typeof createRoutingMetrics>;
