/** The edge role: the HTTP API and the NATS API, over one front door, on top of a Runtime. */
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../api/app.js';
import { encodeEvent } from '../bus/codec.js';
import { openKvStore } from '../bus/kv-store.js';
import { createPublisher } from '../bus/publisher.js';
import { startBacklogGuard } from '../bus/backlog-guard.js';
import { Buckets, Streams, Subjects } from '../bus/subjects.js';
import { createFrontDoor } from '../frontdoor/front-door.js';
import { createRateLimiter } from '../frontdoor/rate-limiter.js';
import { createAcceptor } from '../ingest/accept-message.js';
import { createAcceptedRecords } from '../ingest/accepted-records.js';
import { createKvIdempotencyStore } from '../ingest/kv-idempotency-store.js';
import { createCauseLog } from '../log/cause-log.js';
import { createEdgeMetrics } from '../metrics/edge.js';
import { labelled } from '../metrics/labelled.js';
import { startSmsService } from '../natsapi/sms-service.js';
import { createRouteTable, routesFromCarriers } from '../routing/route-table.js';
import { createCancelWriter } from '../schedule/cancellations.js';
import { withReadDeadline } from '../status/read-deadline.js';
import { startEdgeAdmin } from './edge-admin.js';
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
  const backlog = startBacklogGuard({ jsm: rt.bus.jsm, stream: Streams.mt, log: rt.log });
  const records = createAcceptedRecords({
    publish: async (data) => {
      await publisher.publish(Subjects.accepted, data, { msgID: '', deadlineMs: config.nats.publishTimeoutMs });
    },
    log: rt.log,
    onDropped: (n) => metrics.acceptedRecordsDropped.inc(n),
  });
  const acceptor = createAcceptor({
    publisher,
    routes: createRouteTable(routesFromCarriers(config.carriers)),
    concatFor: (carrier) => concatByCarrier.get(carrier),
    maxTextLength: config.api.maxTextLength,
    publishDeadlineMs: config.nats.publishTimeoutMs,
    maxAheadMs: config.scheduling.maxAheadMs,
    // A claim not completed within the publish deadline (and some) belongs to an edge that died mid-request.
    idempotency: createKvIdempotencyStore(await openKvStore(rt.bus, Buckets.idempotency), { leaseMs: config.nats.publishTimeoutMs + 5000 }),
    onAccepted: (carrier) => acceptedBy(carrier).inc(),
    backlogFull: () => backlog.full(),
    onStored: (bytes) => backlog.stored(bytes),
    onRecorded: (mt, scheduled) => records.record(mt, scheduled),
  });
  const log = rt.log.child({ component: 'api' });
  const operators = await startEdgeAdmin(rt);
  const authenticate = operators.authenticate;
  const frontDoor = operators.counted(createFrontDoor({
    acceptor,
    limiter: createRateLimiter(),
    store: rt.store && withReadDeadline(rt.store, config.api.statusReadTimeoutMs),
    cancels: createCancelWriter(await openKvStore(rt.bus, Buckets.canceled)),
    publishCanceled: async (ev) => {
      await publisher.publish(Subjects.failed(ev.carrier), encodeEvent(ev), { msgID: `canceled:${ev.id}`, deadlineMs: config.nats.publishTimeoutMs });
    },
    logCause: createCauseLog(log, 'answering 503'),
    maxBatchSize: config.api.maxBatchSize,
    retryAfterS: 1,
  }));
  let draining = false;
  const limits = {
    maxTextLength: config.api.maxTextLength,
    maxBatchSize: config.api.maxBatchSize,
    maxBodyBytes: config.api.maxBodyBytes,
    maxBatchBodyBytes: config.api.maxBatchBodyBytes,
    idempotencyTtlMs: config.idempotency.ttlMs,
  };
  const app = createApp({
    frontDoor,
    authenticate,
    readiness: createEdgeReadiness({ bus: rt.bus, draining: () => draining }),
    carriers: createCarrierReport({ bus: rt.bus, carriers: config.carriers.map((c) => c.id) }),
    registry: rt.registry,
    metrics,
    log: rt.log.child({ component: 'http' }),
    limits,
    admin: await operators.service(frontDoor),
  });
  const service = startSmsService({
    nc: rt.bus.nc,
    frontDoor,
    authenticate,
    maxBodyBytes: limits.maxBodyBytes,
    maxBatchBodyBytes: limits.maxBatchBodyBytes,
    log: rt.log,
    observe: (endpoint, status, seconds) => metrics.natsRequestDuration.observe({ endpoint, status: String(status) }, seconds),
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
      await service.stop();
      operators.stop();
      backlog.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // keep-alive connections would hold close() open; in-flight requests finish first
        (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
      // Every request is answered now: what they accepted is recorded before the process goes.
      await records.close(config.nats.publishTimeoutMs);
    },
  };
}
