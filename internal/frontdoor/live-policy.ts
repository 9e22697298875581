/**
 * What an edge decides per request from the config — who a client is (API keys), what it may send (limits, sender
 * IDs) and where its messages go (routes, carriers' prefixes) — compiled once, and swapped whole when the config is
 * reloaded: a request sees the old policy or the new one, never a mix.
 */
import type { FileConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import { createRoutePlan, type Router } from '../routing/route-rules.js';
import { createRouteTable, routesFromCarriers } from '../routing/route-table.js';
import { compileSenderPatterns } from '../routing/sender-pattern.js';
import { createClientAuth, type AuthResult, type RuntimeKeySource } from './client-auth.js';

export type PolicyConfig = Pick<FileConfig, 'clients' | 'routes' | 'carriers'>;

export interface LivePolicy {
  authenticate(authorization: string | undefined): AuthResult;
  readonly router: Router;
  allowSender(clientId: string, from: string): boolean;
  /** Replaces the policy with one compiled from `cfg` (already validated). */
  apply(cfg: PolicyConfig): void;
}

export interface LivePolicyDeps {
  clock: Pick<Clock, 'now'>;
  /** Whether a carrier takes new traffic (failover and weighted routes). */
  usable?: (carrier: string) => boolean;
  random?: () => number;
  /** Run-time API keys (smsmesh keys create), beside the config's. */
  runtimeKeys?: RuntimeKeySource;
}

interface Compiled {
  authenticate: (authorization: string | undefined) => AuthResult;
  router: Router;
  senders: Map<string, (from: string) => boolean>;
}

function compile(cfg: PolicyConfig, deps: LivePolicyDeps): Compiled {
  const senders = new Map<string, (from: string) => boolean>();
  for (const c of cfg.clients) if (c.allowedSenders) senders.set(c.id, compileSenderPatterns(c.allowedSenders));
  return {
    authenticate: createClientAuth(cfg.clients, deps.runtimeKeys),
    router: createRoutePlan({
      rules: cfg.routes,
      fallback: createRouteTable(routesFromCarriers(cfg.carriers)),
      clock: deps.clock,
      ...(deps.usable ? { usable: deps.usable } : {}),
      ...(deps.random ? { random: deps.random } : {}),
    }),
    senders,
  };
}

export function createLivePolicy(cfg: PolicyConfig, deps: LivePolicyDeps): LivePolicy {
  let current = compile(cfg, deps);
  return {
    authenticate: (h) => current.authenticate(h),
    router: { lookup: (to, clientId, from) => current.router.lookup(to, clientId, from) },
    allowSender(clientId, from) {
      const ok = current.senders.get(clientId);
      return ok === undefined || ok(from);
    },
    apply(next) {
      current = compile(next, deps);
    },
  };
}
