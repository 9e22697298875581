/**
 * Starts the roles of one process and returns them in the order they must stop (intake first: edge, then
 * connector, then status writer). A process without an edge gets a listener of its own for /metrics and a
 * /readyz that reflects its roles.
 */
import { startCallbacksRole } from './callbacks-role.js';
import { startConnectorRole } from './connector-role.js';
import { startEdge } from './edge-role.js';
import { startMetricsServer } from './metrics-server.js';
import { allOf, createCallbacksReadiness, createConnectorReadiness, createStatusWriterReadiness, type Readiness } from './readiness.js';
import { ROLE_NEEDS, ROLES, type Role } from './role-needs.js';
import type { Reloadable } from './reload.js';
import { dbPinger, type Runtime } from './runtime.js';
import { startStatusRole } from './status-role.js';

/** A role as the process sees it: stopped on SIGTERM, and told of a reloaded config on SIGHUP when it applies one. */
export interface Stoppable extends Reloadable {
  stop(): Promise<void>;
}

/** A connector returns unsent messages and waits this long for outstanding submit_sm responses. */
export const CONNECTOR_DRAIN_MS = 10_000;

export async function startRoles(rt: Runtime, roles: ReadonlySet<Role>): Promise<Stoppable[]> {
  const writer = roles.has('status-writer') ? await startStatusRole(rt) : undefined;
  const callbacks = roles.has('callbacks') ? await startCallbacksRole(rt) : undefined;
  const connector = roles.has('connector') ? await startConnectorRole(rt) : undefined;
  const edge = roles.has('edge') ? await startEdge(rt) : undefined;
  const stops: Stoppable[] = [];
  if (edge) stops.push(edge);
  if (connector) stops.push({ stop: () => connector.stop(CONNECTOR_DRAIN_MS) });
  if (writer) stops.push(writer);
  if (callbacks) stops.push(callbacks);
  if (!edge) {
    const parts: Readiness[] = [];
    if (connector) parts.push(createConnectorReadiness({ bus: rt.bus, carriers: rt.config.carriers.map((c) => c.id) }));
    const pingDb = dbPinger(rt);
    if (writer && pingDb) parts.push(createStatusWriterReadiness({ bus: rt.bus, pingDb }));
    if (callbacks && pingDb) parts.push(createCallbacksReadiness({ bus: rt.bus, pingDb }));
    const first = ROLES.find((r) => roles.has(r));
    const port = rt.config.metricsPort ?? (first && ROLE_NEEDS[first].metricsPort) ?? 9101;
    const metrics = await startMetricsServer({ registry: rt.registry, port, host: rt.config.host, readiness: allOf(parts) });
    rt.log.info({ port: metrics.port }, 'metrics and readiness listening');
    stops.push(metrics);
  }
  return stops;
}
