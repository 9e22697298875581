/** Metrics of inbound routing, opt-outs and retention (status writer; the opt-out list size on edges). */
import { Counter, Gauge, type Registry } from 'prom-client';

export function createInboundMetrics(registry: Registry) {
  const m = {
    inbound: new Counter({
      name: 'smsmesh_inbound_messages_total',
      help: 'Inbound messages stored, by whether a route gave them a client (routed="false": nobody can list them).',
      labelNames: ['routed'] as const,
      registers: [registry],
    }),
    optOutKeywords: new Counter({
      name: 'smsmesh_opt_out_keywords_total',
      help: 'Inbound opt-out keywords applied, by action (opt_out, opt_out_all, opt_in).',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
    retentionDeleted: new Counter({
      name: 'smsmesh_retention_deleted_total',
      help: 'Rows deleted by retention, by table.',
      labelNames: ['table'] as const,
      registers: [registry],
    }),
  };
  // Present at 0 from the start, so that rate() and increase() see the first of each.
  for (const routed of ['true', 'false']) m.inbound.inc({ routed }, 0);
  for (const action of ['opt_out', 'opt_out_all', 'opt_in']) m.optOutKeywords.inc({ action }, 0);
  return m;
}
export type InboundMetrics = ReturnType<typeof createInboundMetrics>;

/** On edges: how many opt-out entries this edge holds in memory (about 370 bytes each). */
export function createOptOutMetrics(registry: Registry, size: () => number) {
  return new Gauge({
    name: 'smsmesh_opt_out_entries',
    help: 'Opt-out entries held in memory by this edge (every client).',
    registers: [registry],
    collect() {
      this.set(size());
    },
  });
}
