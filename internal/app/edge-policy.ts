/**
 * The edge's per-request policy and what keeps it current: clients and their limits (shared through the KV counters),
 * allowed senders, routes with carrier health from the census, and how a reloaded config replaces them.
 */
import { openKvStore } from '../bus/kv-store.js';
import { createKvClientCounters } from '../bus/client-counters.js';
import { startCarrierWatch } from '../bus/carrier-census.js';
import { Buckets } from '../bus/subjects.js';
import type { FileConfig } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { AuthResult, RuntimeKeySource } from '../frontdoor/client-auth.js';
import { createClientLimits, type ClientLimits } from '../frontdoor/client-limits.js';
import { createLivePolicy } from '../frontdoor/live-policy.js';
import { createRoutingMetrics } from '../metrics/routing.js';
import type { Router } from '../routing/route-rules.js';
import { createCarrierHealth } from '../routing/carrier-health.js';
import type { ReloadResult } from './reload.js';
import type { Runtime } from './runtime.js';

export interface EdgePolicy {
  authenticate(authorization: string | undefined): AuthResult;
  router: Router;
  allowSender(clientId: string, from: string): boolean;
  limits: ClientLimits;
  reload(file: FileConfig): ReloadResult;
  close(): Promise<void>;
}

/** Carrier ids fix the topology (consumers, subjects): a reload that changes them needs a restart. */
function carrierIdsChanged(before: FileConfig, after: FileConfig): string | undefined {
  const a = before.carriers.map((c) => c.id).sort().join(',');
  const b = after.carriers.map((c) => c.id).sort().join(',');
  return a === b ? undefined : `carriers changed from [${a}] to [${b}]: adding or removing a carrier needs a restart`;
}

export async function createEdgePolicy(rt: Runtime, runtimeKeys?: RuntimeKeySource): Promise<EdgePolicy> {
  let config: FileConfig = rt.config;
  const log = rt.log.child({ component: 'policy' });
  const metrics = createRoutingMetrics(rt.registry);
  const health = createCarrierHealth({ clock: systemClock, downAfterMs: config.routing.downAfterS * 1000, maxBacklog: config.routing.maxBacklog });
  const policy = createLivePolicy(config, { clock: systemClock, usable: (c) => health.usable(c), ...(runtimeKeys ? { runtimeKeys } : {}) });
  const counters = createKvClientCounters(await openKvStore(rt.bus, Buckets.clientRates), await openKvStore(rt.bus, Buckets.clientQuotas));
  const limits = createClientLimits({
    counters,
    onCountersDown: (err) => {
      metrics.limitCountersDown.inc();
      log.warn({ err: errorMessage(err) }, 'client limit counters unreachable: this edge limits each client alone at its full rate, quotas unchecked, for the next seconds');
    },
  });
  const usable = new Map<string, boolean>();
  const watch = startCarrierWatch({
    bus: rt.bus,
    carriers: () => config.carriers.map((c) => c.id),
    everyMs: () => config.routing.pollMs,
    onReading: (readings) => {
      health.observe(readings);
      // Only changes are logged: a carrier leaving or rejoining the routes is worth a line, a poll is not.
      for (const r of readings) {
        const s = health.state(r.carrier);
        metrics.carrierUsable.set({ carrier: r.carrier }, s.usable ? 1 : 0);
        if (usable.get(r.carrier) !== s.usable) {
          if (usable.has(r.carrier) || !s.usable) {
            log.warn({ carrier: r.carrier, usable: s.usable, reason: s.reason, bound: r.bound, backlog: r.backlog }, s.usable ? 'carrier takes new traffic again' : 'carrier takes no new traffic (failover and weighted routes skip it)');
          }
          usable.set(r.carrier, s.usable);
        }
      }
    },
    onError: (err) => log.debug({ err: errorMessage(err) }, 'carrier census failed'),
  });
  return {
    authenticate: policy.authenticate,
    router: policy.router,
    allowSender: policy.allowSender,
    limits,
    reload(file) {
      const refused = carrierIdsChanged(config, file);
      if (refused) return { ok: false, problems: [refused] };
      policy.apply(file);
      health.configure({ downAfterMs: file.routing.downAfterS * 1000, maxBacklog: file.routing.maxBacklog });
      config = file;
      return { ok: true, applied: ['clients', 'routes', 'routing', 'carriers[].prefixes'] };
    },
    async close() {
      watch.stop();
      await limits.close();
    },
  };
}
