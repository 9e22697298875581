/**
 * What an edge adds for operators: run-time API keys (watched, so new and revoked keys count at once), per-client
 * usage counted around the front door and answered over NATS, and the admin service behind /v1/admin/*.
 */
import { hostname } from 'node:os';
import { createAdminService, type AdminService } from '../admin/admin-service.js';
import { openApiKeyStore, watchApiKeys } from '../admin/api-key-store.js';
import { createAuditLog } from '../admin/audit-log.js';
import { moveBacklog } from '../admin/backlog-move.js';
import { openCarrierControl } from '../admin/carrier-control.js';
import { createUsageCounter, serveEdgeUsage } from '../admin/edge-usage.js';
import { bindTpsCap } from '../config/schema.js';
import { DEFAULT_SCOPES, type RuntimeKeySource } from '../frontdoor/client-auth.js';
import type { FrontDoor } from '../frontdoor/front-door.js';
import { readMessageTimeline } from '../status/message-timeline.js';
import type { Runtime } from './runtime.js';

export interface EdgeAdmin {
  /** Run-time API keys, watched: the edge's policy authenticates with them beside the config's keys. */
  keys: RuntimeKeySource;
  /** The front door with usage counted. */
  counted(fd: FrontDoor): FrontDoor;
  service(fd: FrontDoor): Promise<AdminService>;
  stop(): void;
}

export async function startEdgeAdmin(rt: Runtime): Promise<EdgeAdmin> {
  const { config } = rt;
  const keys = await watchApiKeys(rt.bus, rt.log.child({ component: 'api-keys' }));
  const usage = createUsageCounter(`${hostname()}:${process.pid}`);
  const sub = serveEdgeUsage(rt.bus.nc, usage);
  return {
    keys,
    counted: (fd) => usage.wrap(fd),
    async service(fd) {
      const store = await openApiKeyStore(rt.bus);
      const db = rt.database?.db;
      return createAdminService({
        carriers: config.carriers.map((c) => ({ id: c.id, binds: c.binds, window: c.window, tps: bindTpsCap(c) })),
        clients: config.clients.map((c) => ({
          id: c.id,
          rateLimit: c.rateLimit,
          scopes: c.scopes ?? DEFAULT_SCOPES,
          configKey: c.apiKey !== undefined || c.apiKeyHash !== undefined,
        })),
        control: await openCarrierControl(rt.bus),
        audit: createAuditLog({ publisher: rt.publisher, jsm: rt.bus.jsm, deadlineMs: config.nats.publishTimeoutMs }),
        listKeys: () => store.list(),
        jsm: rt.bus.jsm,
        nc: rt.bus.nc,
        timeline: db ? (id) => readMessageTimeline(db, id) : undefined,
        // Listing as the owner: the same filters, paging and problems as the client's own GET /v1/messages.
        listAs: (clientId, q) => fd.list({ id: clientId, rateLimit: 0, scopes: ['read'], keyId: 'admin' }, q),
        move: (from, to) =>
          moveBacklog(
            { bus: rt.bus, publisher: rt.publisher, deadLetters: rt.deadLetters, publishDeadlineMs: config.nats.publishTimeoutMs, log: rt.log.child({ component: 'admin' }) },
            { from, to },
          ),
      });
    },
    stop() {
      sub.unsubscribe();
      keys.stop();
    },
  };
}
