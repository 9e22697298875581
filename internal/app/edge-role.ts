/** The edge role: the HTTP API on top of a Runtime. */
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../api/app.js';
import { createPublisher } from '../bus/publisher.js';
import { createAcceptor } from '../ingest/accept-message.js';
import { createEdgeMetrics } from '../metrics/edge.js';
import { labelled } from '../metrics/labelled.js';
import { createRouteTable, routesFromCarriers } from '../routing/route-table.js';
import { withReadDeadline } from '../status/read-deadline.js';
import { createCarrierReport, createEdgeReadiness } from './readiness.js';
import type { Runtime } from './runtime.js';

export interface EdgeRole {
  port: number;
  stop(): Promise<void>;
}

export async function startEdge(rt: Runtime): Promise<EdgeRole> {
  const { config } = rt;
  const metrics = createEdgeMetrics(rt.registry);
  const concatByCarrier = new Map(config.carriers.map((c) => [c.id, c.concat] as const));
  const acceptedBy = labelled(metrics.accepted, {}, 'carrier');
  const publisher = createPublisher(rt.bus, { onRetry: () => metrics.publishRetries.inc() });
  const accept = createAcceptor({
    publisher,
    routes: createRouteTable(routesFromCarriers(config.carriers)),
    concatFor: (carrier) => concatByCarrier.get(carrier),
    maxTextLength: config.api.maxTextLength,
    publishDeadlineMs: config.nats.publishTimeoutMs,
    onAccepted: (carrier) => acceptedBy(carrier).inc(),
  });
  let draining = false;
  const app = createApp({
    clients: config.clients,
    accept,
    store: rt.store && withReadDeadline(rt.store, config.api.statusReadTimeoutMs),
    readiness: createEdgeReadiness({ bus: rt.bus, draining: () => draining }),
    carriers: createCarrierReport({ bus: rt.bus, carriers: config.carriers.map((c) => c.id) }),
    registry: rt.registry,
    metrics,
    log: rt.log.child({ component: 'http' }),
    maxBodyBytes: config.api.maxBodyBytes,
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  rt.log.info({ port }, 'edge listening');
  return {
    port,
    async stop() {
      // Still serving while /readyz says 503, until load balancers have taken this edge out.
      draining = true;
      if (config.api.drainDelayMs > 0) {
        rt.log.info({ drainDelayMs: config.api.drainDelayMs }, 'edge draining: /readyz answers 503, requests are still served');
        await new Promise((r) => setTimeout(r, config.api.drainDelayMs));
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // keep-alive connections would hold close() open; in-flight requests finish first
        (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
    },
  };
}
