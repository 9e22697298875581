/** The edge role: the HTTP API and the NATS API, over one front door, on top of a Runtime. */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createApp } from '../api/app.js';
import { directSend } from '../api/direct-send.js';
import { httpListener } from '../api/http-listener.js';
import { encodeEvent } from '../bus/codec.js';
import { encodeJob } from '../bus/codec-changes.js';
import { callbacksEnabled } from '../callbacks/callback-settings.js';
import { createPgCallbackStore } from '../callbacks/pg-callback-store.js';
import { createFailedCallbacks } from '../frontdoor/failed-callbacks.js';
import { openKvStore } from '../bus/kv-store.js';
import { createPublisher } from '../bus/publisher.js';
import { startBacklogGuard } from '../bus/backlog-guard.js';
import { Buckets, Streams, Subjects } from '../bus/subjects.js';
import { countRejections } from '../frontdoor/client-usage.js';
import { createFrontDoor } from '../frontdoor/front-door.js';
import { createInboundDoor } from '../frontdoor/inbound-door.js';
import { createPgInboundReader } from '../inbound/inbound-reader.js';
import { createOptOutWriter, watchOptOuts } from '../inbound/opt-outs.js';
import { createTextCipher } from '../inbound/text-cipher.js';
import { createAcceptor } from '../ingest/accept-message.js';
import { createAcceptedRecords } from '../ingest/accepted-records.js';
import { natsClaimOwners, serveClaimOwner } from '../ingest/claim-owners.js';
import { createKvIdempotencyStore } from '../ingest/kv-idempotency-store.js';
import { createCauseLog } from '../log/cause-log.js';
import { createEdgeMetrics } from '../metrics/edge.js';
import { createOptOutMetrics } from '../metrics/inbound.js';
import { labelled } from '../metrics/labelled.js';
import { startSmsService } from '../natsapi/sms-service.js';
import { createCancelWriter } from '../schedule/cancellations.js';
import { withReadDeadline } from '../status/read-deadline.js';
import type { FileConfig } from '../config/schema.js';
import { createEdgePolicy } from './edge-policy.js';
import { startQueueMetrics } from './queue-metrics.js';
import { startEdgeAdmin } from './edge-admin.js';
import { createCarrierReport, createEdgeReadiness } from './readiness.js';
import type { ReloadResult } from './reload.js';
import type { Runtime } from './runtime.js';

export interface EdgeRole {
  port: number;
  stop(): Promise<void>;
  /** Applies a reloaded config's clients, limits and routes; refuses one this process cannot apply without a restart. */
  reload(file: FileConfig): ReloadResult;
}

export async function startEdge(rt: Runtime): Promise<EdgeRole> {
  const { config } = rt;
  const metrics = createEdgeMetrics(rt.registry);
  const concatByCarrier = new Map(config.carriers.map((c) => [c.id, c.concat] as const));
  const acceptedBy = labelled(metrics.accepted, {}, 'carrier');
  const acceptedFrom = labelled(metrics.clientAccepted, {}, 'client');
  for (const c of config.clients) acceptedFrom(c.id).inc(0);
  const queues = startQueueMetrics(rt);
  const publisher = createPublisher(rt.bus, { onRetry: () => metrics.publishRetries.inc() });
  const backlog = startBacklogGuard({ jsm: rt.bus.jsm, stream: Streams.mt, log: rt.log });
  const records = createAcceptedRecords({
    publish: async (data) => {
      await publisher.publish(Subjects.accepted, data, { msgID: '', deadlineMs: config.nats.publishTimeoutMs });
    },
    log: rt.log,
    onDropped: (n) => metrics.acceptedRecordsDropped.inc(n),
  });
  const operators = await startEdgeAdmin(rt);
  const policy = await createEdgePolicy(rt, operators.keys);
  // Loaded before the edge serves: a send it accepted must never be one its opt-out list would have refused.
  const optOutKv = await openKvStore(rt.bus, Buckets.optOuts);
  const optOuts = await watchOptOuts(optOutKv, { log: rt.log });
  createOptOutMetrics(rt.registry, () => optOuts.size);
  // Both series from the start: a dashboard or alert sees 0, not nothing, until the first takeover.
  for (const within of ['true', 'false']) metrics.idempotencyTakeovers.inc({ within_duplicate_window: within }, 0);
  // Each edge process records its claims under its own id and answers for them while it lives (ingest/claim-owners.ts).
  const owner = randomBytes(8).toString('hex');
  const idempotency = createKvIdempotencyStore(await openKvStore(rt.bus, Buckets.idempotency), {
    owner,
    owners: natsClaimOwners(rt.bus.nc, 1000),
    // An earlier release's claim not completed within the publish deadline (and some) belongs to an edge that died.
    leaseMs: config.nats.publishTimeoutMs + 5000,
    duplicateWindowMs: config.nats.duplicateWindowMs,
    onTakeover: (within) => metrics.idempotencyTakeovers.inc({ within_duplicate_window: String(within) }),
    log: rt.log,
  });
  const claimOwner = serveClaimOwner(rt.bus.nc, owner, idempotency.isOpen);
  const acceptor = createAcceptor({
    publisher,
    routes: policy.router,
    allowSender: policy.allowSender,
    concatFor: (carrier) => concatByCarrier.get(carrier),
    maxTextLength: config.api.maxTextLength,
    publishDeadlineMs: config.nats.publishTimeoutMs,
    maxAheadMs: config.scheduling.maxAheadMs,
    idempotency,
    onAccepted: (carrier, client) => {
      acceptedBy(carrier).inc();
      acceptedFrom(client).inc();
    },
    backlogFull: () => backlog.full(),
    onStored: (bytes) => backlog.stored(bytes),
    onRecorded: (mt, scheduled, traceparent) => records.record(mt, scheduled, traceparent),
    log: rt.log,
    callbacksEnabled: callbacksEnabled(config),
    optedOut: (client, to, from) => optOuts.isOptedOut(client, to, from),
  });
  const log = rt.log.child({ component: 'api' });
  const authenticate = policy.authenticate;
  const frontDoor = operators.counted(countRejections(createFrontDoor({
    acceptor,
    limits: policy.limits,
    store: rt.store && withReadDeadline(rt.store, config.api.statusReadTimeoutMs),
    cancels: createCancelWriter(await openKvStore(rt.bus, Buckets.canceled)),
    publishCanceled: async (ev) => {
      await publisher.publish(Subjects.failed(ev.carrier), encodeEvent(ev), { msgID: `canceled:${ev.id}`, deadlineMs: config.nats.publishTimeoutMs });
    },
    logCause: createCauseLog(log, 'answering 503'),
    maxBatchSize: config.api.maxBatchSize,
    retryAfterS: 1,
  }), (client, reason) => metrics.clientRejected.inc({ client, reason })));
  const inboundDoor = createInboundDoor({
    reader: rt.database && createPgInboundReader(rt.database, createTextCipher(config.textKeys)),
    optOuts,
    optOutWriter: createOptOutWriter(optOutKv),
    logCause: createCauseLog(log, 'answering 503'),
    retryAfterS: 1,
    readTimeoutMs: config.api.statusReadTimeoutMs,
  });
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
    failedCallbacks: createFailedCallbacks({
      store: rt.database && createPgCallbackStore(rt.database),
      publishJob: async (job, msgID) => {
        await publisher.publish(Subjects.callbackJobs, encodeJob(job), { msgID, deadlineMs: config.nats.publishTimeoutMs });
      },
      logCause: createCauseLog(log, 'answering 503'),
    }),
    inboundDoor,
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
    inboundDoor,
  });
  const direct = directSend({ frontDoor, authenticate, maxBodyBytes: limits.maxBodyBytes, metrics, log: rt.log.child({ component: 'http' }) });
  const server = createServer(httpListener(app, direct, config.host));
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  rt.log.info({ port }, 'edge listening');
  return {
    port,
    reload: policy.reload,
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
      queues.stop();
      optOuts.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // keep-alive connections would hold close() open; in-flight requests finish first
        server.closeIdleConnections();
      });
      // Every request is answered now: what they accepted is recorded before the process goes.
      await records.close(config.nats.publishTimeoutMs);
      // Every claim is settled now: the last mark says so, and other edges replay these keys without asking.
      await idempotency.close(config.nats.publishTimeoutMs);
      claimOwner.unsubscribe();
      await policy.close();
    },
  };
}
