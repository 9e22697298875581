/**
 * Readiness of each role, from what that role itself needs: an edge needs NATS and the MT stream to accept
 * (never a carrier's bind: JetStream queues while an SMSC is down), a connector its consumers, a status writer
 * its consumers and the database. Carriers' bind state is a report of its own (GET /readyz/carriers).
 */
import type { ReadinessReport } from '../api/routes/health.js';
import type { Bus } from '../bus/connection.js';
import { Durables, Streams, Subjects } from '../bus/subjects.js';
import { errorMessage } from '../core/errors.js';

type CheckResult = { ok: boolean; detail?: string };
type Check = () => Promise<CheckResult>;
export type Readiness = () => Promise<ReadinessReport>;

/** A probe answers within its own timeout (1 s by default in Kubernetes); JetStream calls get less than that. */
const JS_DEADLINE_MS = 750;

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Keeps a report briefly, so that probes, load balancers and scrapes together cost one round of checks. */
function cachedFor(run: Readiness, cacheMs = 1000): Readiness {
  let cached: { at: number; report: Promise<ReadinessReport> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > cacheMs) cached = { at: now, report: run() };
    return cached.report;
  };
}

/** Runs every check in parallel; a check that throws fails with its message. */
function report(checks: Record<string, Check>, cacheMs?: number): Readiness {
  return cachedFor(async () => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          return [name, await check()] as const;
        } catch (err) {
          return [name, { ok: false, detail: errorMessage(err) }] as const;
        }
      }),
    );
    const out: ReadinessReport['checks'] = Object.fromEntries(entries);
    return { ready: entries.every(([, c]) => c.ok), checks: out };
  }, cacheMs);
}

const NOT_CONNECTED: CheckResult = { ok: false, detail: 'NATS is not connected' };

function natsConnected(bus: Bus): Check {
  return async () => (bus.connected() ? { ok: true } : NOT_CONNECTED);
}

function streamPresent(bus: Bus, stream: string): Check {
  return async () => {
    if (!bus.connected()) return NOT_CONNECTED;
    await withDeadline(bus.jsm.streams.info(stream), JS_DEADLINE_MS);
    return { ok: true };
  };
}

function consumerPresent(bus: Bus, stream: string, durable: string): Check {
  return async () => {
    if (!bus.connected()) return NOT_CONNECTED;
    await withDeadline(bus.jsm.consumers.info(stream, durable), JS_DEADLINE_MS);
    return { ok: true };
  };
}

export function createEdgeReadiness(deps: { bus: Bus; draining: () => boolean; cacheMs?: number }): Readiness {
  return report(
    {
      nats: natsConnected(deps.bus),
      [`stream:${Streams.mt}`]: streamPresent(deps.bus, Streams.mt),
      draining: async () => (deps.draining() ? { ok: false, detail: 'this edge is stopping' } : { ok: true }),
    },
    deps.cacheMs,
  );
}

export function createConnectorReadiness(deps: { bus: Bus; carriers: readonly string[] }): Readiness {
  const checks: Record<string, Check> = { nats: natsConnected(deps.bus) };
  for (const c of deps.carriers) checks[`consumer:${Durables.connector(c)}`] = consumerPresent(deps.bus, Streams.mt, Durables.connector(c));
  return report(checks);
}

export function createStatusWriterReadiness(deps: { bus: Bus; pingDb: () => Promise<void> }): Readiness {
  return report({
    nats: natsConnected(deps.bus),
    [`consumer:${Durables.statusWriter}`]: consumerPresent(deps.bus, Streams.events, Durables.statusWriter),
    [`consumer:${Durables.moWriter}`]: consumerPresent(deps.bus, Streams.mo, Durables.moWriter),
    database: async () => {
      await withDeadline(deps.pingDb(), JS_DEADLINE_MS);
      return { ok: true };
    },
  });
}

/** The callback worker: NATS, its consumer on SMS_CHANGES, and the database (failed callbacks are recorded there). */
export function createCallbacksReadiness(deps: { bus: Bus; pingDb: () => Promise<void> }): Readiness {
  return report({
    nats: natsConnected(deps.bus),
    [`consumer:${Durables.callbacks}`]: consumerPresent(deps.bus, Streams.changes, Durables.callbacks),
    database: async () => {
      await withDeadline(deps.pingDb(), JS_DEADLINE_MS);
      return { ok: true };
    },
  });
}

/** One report from several (a process running more than one role): ready when all are. */
export function allOf(parts: readonly Readiness[]): Readiness {
  return async () => {
    const reports = await Promise.all(parts.map((p) => p()));
    return { ready: reports.every((r) => r.ready), checks: Object.assign({}, ...reports.map((r) => r.checks)) };
  };
}

/** Asks every connector (scatter-gather over core NATS) for its binds; counts the bound ones per carrier. */
async function boundBinds(bus: Bus, waitMs: number): Promise<Map<string, number>> {
  const up = new Map<string, number>();
  const replies = await bus.nc.requestMany(Subjects.bindStatus, undefined, { strategy: 'timer', maxWait: waitMs });
  for await (const m of replies) {
    try {
      for (const b of m.json<{ carrier: string; state: string }[]>()) if (b.state === 'bound') up.set(b.carrier, (up.get(b.carrier) ?? 0) + 1);
    } catch {
      // a malformed reply counts as no binds from that connector
    }
  }
  return up;
}

/**
 * Carriers' bind state across every connector: ready when each carrier has at least one bind up. Reported at
 * GET /readyz/carriers and never part of an edge's /readyz.
 */
export function createCarrierReport(deps: { bus: Bus; carriers: readonly string[]; cacheMs?: number }): Readiness {
  return cachedFor(async () => {
    const checks: ReadinessReport['checks'] = {};
    if (!deps.bus.connected()) {
      for (const c of deps.carriers) checks[`carrier:${c}`] = NOT_CONNECTED;
      return { ready: false, checks };
    }
    try {
      const up = await boundBinds(deps.bus, 250);
      for (const c of deps.carriers) {
        const n = up.get(c) ?? 0;
        checks[`carrier:${c}`] = n > 0 ? { ok: true, detail: `${n} bind${n === 1 ? '' : 's'} up` } : { ok: false, detail: 'no bind up' };
      }
    } catch (err) {
      for (const c of deps.carriers) checks[`carrier:${c}`] = { ok: false, detail: errorMessage(err) };
    }
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }, deps.cacheMs);
}
