/** Readiness of a gateway process: NATS connected, database answering, and at least one bind up per carrier. */
import type { ReadinessReport } from '../api/routes/health.js';
import type { Bus } from '../bus/connection.js';
import { Subjects } from '../bus/subjects.js';
import { errorMessage } from '../core/errors.js';

export interface ReadinessDeps {
  bus: Bus;
  carriers: readonly string[];
  /** Resolves when the database answers; undefined when this process has none. */
  pingDb?: () => Promise<void>;
  cacheMs?: number;
}

/** Asks every connector (scatter-gather over core NATS) which binds it has up. */
async function boundCarriers(bus: Bus, waitMs: number): Promise<Set<string>> {
  const up = new Set<string>();
  const replies = await bus.nc.requestMany(Subjects.bindStatus, undefined, { strategy: 'timer', maxWait: waitMs });
  for await (const m of replies) {
    try {
      for (const b of m.json<{ carrier: string; state: string }[]>()) if (b.state === 'bound') up.add(b.carrier);
    } catch {
      // a malformed reply counts as no binds from that connector
    }
  }
  return up;
}

export function createReadiness(deps: ReadinessDeps): () => Promise<ReadinessReport> {
  const cacheMs = deps.cacheMs ?? 1000;
  let cached: { at: number; report: Promise<ReadinessReport> } | undefined;

  async function check(): Promise<ReadinessReport> {
    const checks: ReadinessReport['checks'] = {};
    checks.nats = deps.bus.connected() ? { ok: true } : { ok: false, detail: 'not connected' };
    if (deps.pingDb) {
      try {
        await deps.pingDb();
        checks.database = { ok: true };
      } catch (err) {
        checks.database = { ok: false, detail: errorMessage(err) };
      }
    }
    if (checks.nats.ok) {
      try {
        const up = await boundCarriers(deps.bus, 250);
        for (const c of deps.carriers) checks[`carrier:${c}`] = up.has(c) ? { ok: true } : { ok: false, detail: 'no bind up' };
      } catch (err) {
        for (const c of deps.carriers) checks[`carrier:${c}`] = { ok: false, detail: errorMessage(err) };
      }
    }
    const ready = Object.values(checks).every((c) => c.ok);
    return { ready, checks };
  }

  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > cacheMs) cached = { at: now, report: check() };
    return cached.report;
  };
}
