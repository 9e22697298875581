/**
 * What each edge has accepted and refused, per client, and how long accepts took (a histogram), since it started:
 * counted around the front door (both transports), answered over core NATS (smsmesh.edges.usage) so the admin API
 * can sum every edge's counts (GET /v1/admin/clients, /v1/admin/summary).
 */
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { Subjects } from '../bus/subjects.js';
import type { FrontDoor } from '../frontdoor/front-door.js';
import type { Reply } from '../frontdoor/reply.js';

/** Upper bounds (seconds) of the accept latency buckets; the last bucket is +Inf. */
export const ACCEPT_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

export interface ClientUsage {
  accepted: number;
  /** Requests (or batch items) answered with a problem, by problem type. */
  rejected: Record<string, number>;
}

export interface EdgeUsage {
  edge: string;
  startedAt: string;
  clients: Record<string, ClientUsage>;
  /** Accepted single sends and batch calls: count per bucket of ACCEPT_BUCKETS_S (+ one for +Inf), not cumulative. */
  acceptLatency: number[];
}

export interface UsageCounter {
  snapshot(): EdgeUsage;
  /** The front door with every answer counted. */
  wrap(fd: FrontDoor): FrontDoor;
}

export function createUsageCounter(edge: string, now: () => number = Date.now): UsageCounter {
  const clients = new Map<string, ClientUsage>();
  const latency = new Array<number>(ACCEPT_BUCKETS_S.length + 1).fill(0);
  const startedAt = new Date(now()).toISOString();
  const of = (id: string): ClientUsage => {
    let u = clients.get(id);
    if (!u) clients.set(id, (u = { accepted: 0, rejected: {} }));
    return u;
  };
  const count = (u: ClientUsage, status: number, body: unknown) => {
    if (status === 202) u.accepted++;
    else if (status >= 400) {
      const type = String((body as { type?: string }).type ?? status).replace('urn:smsmesh:problem:', '');
      u.rejected[type] = (u.rejected[type] ?? 0) + 1;
    }
  };
  const observe = (seconds: number) => {
    let i = ACCEPT_BUCKETS_S.findIndex((b) => seconds <= b);
    if (i < 0) i = ACCEPT_BUCKETS_S.length;
    latency[i]!++;
  };
  return {
    snapshot: () => ({ edge, startedAt, clients: Object.fromEntries(clients), acceptLatency: [...latency] }),
    wrap(fd) {
      return {
        ...fd,
        async send(client, r) {
          const t0 = performance.now();
          const reply: Reply = await fd.send(client, r);
          count(of(client.id), reply.status, reply.body);
          if (reply.status === 202) observe((performance.now() - t0) / 1000);
          return reply;
        },
        async batch(client, r) {
          const t0 = performance.now();
          const reply = await fd.batch(client, r);
          const u = of(client.id);
          const results = (reply.body as { results?: { status?: unknown; id?: unknown }[] }).results;
          if (reply.status === 200 && Array.isArray(results)) {
            for (const it of results) count(u, typeof it.id === 'string' ? 202 : typeof it.status === 'number' ? it.status : 200, it);
            observe((performance.now() - t0) / 1000);
          } else count(u, reply.status, reply.body);
          return reply;
        },
      };
    },
  };
}

export function serveEdgeUsage(nc: NatsConnection, usage: UsageCounter): Subscription {
  return nc.subscribe(Subjects.edgeUsage, {
    callback: (_err, m) => {
      m.respond(new TextEncoder().encode(JSON.stringify(usage.snapshot())));
    },
  });
}

/** Every edge's counts (scatter-gather: the replies that come within `waitMs`). */
export async function gatherEdgeUsage(nc: NatsConnection, waitMs = 300): Promise<EdgeUsage[]> {
  const out: EdgeUsage[] = [];
  const replies = await nc.requestMany(Subjects.edgeUsage, undefined, { strategy: 'timer', maxWait: waitMs });
  for await (const m of replies) {
    try {
      out.push(m.json<EdgeUsage>());
    } catch {
      // a malformed reply is left out
    }
  }
  return out;
}

/** Binds as every connector reports them (scatter-gather on Subjects.bindStatus). */
export async function gatherBinds<T>(nc: NatsConnection, waitMs = 300): Promise<T[]> {
  const out: T[] = [];
  const replies = await nc.requestMany(Subjects.bindStatus, undefined, { strategy: 'timer', maxWait: waitMs });
  for await (const m of replies) {
    try {
      out.push(...m.json<T[]>());
    } catch {
      // a malformed reply counts as no binds from that connector
    }
  }
  return out;
}
