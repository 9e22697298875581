/**
 * Per-client rate limits and daily quotas that hold across every edge and both transports. Each edge leases its share
 * from the cluster-wide counters (bus/client-counters.ts) in blocks — a tenth of a second of the client's rate, or a
 * slice of its quota — and answers from the block it holds, so most messages cost no network round trip at all; the
 * request that finds the block empty awaits one lease, and requests arriving meanwhile wait for that same one.
 *
 * A share an edge holds lapses after a second (a client moving to other edges does not leave tokens stranded for
 * long), and an edge refused by the shared bucket asks again only when a block should have refilled, so a client over
 * its limit costs the counters a few writes per second, not one per request. When the counters cannot be reached,
 * each edge falls back to limiting alone at the full rate for a few seconds (the message bus is down then, so little
 * is accepted anyway), and the quota is not enforced meanwhile: both are logged.
 */
import type { ClientCounters } from '../bus/client-counters.js';
import type { Clock } from '../core/clock.js';
import { createRateLimiter } from './rate-limiter.js';

export interface LimitPolicy {
  /** Messages per second; 0 = none. */
  rateLimit: number;
  /** Bucket size; one second of rateLimit by default. */
  rateBurst?: number | undefined;
  /** Messages per UTC day; 0 or absent = none. */
  dailyQuota?: number | undefined;
}

export type LimitRefusal =
  | { kind: 'rate'; retryAfterS: number }
  | { kind: 'quota'; retryAfterS: number };

export interface Admission {
  /** Messages that may go ahead (the first `granted` of the request's). */
  granted: number;
  /** Why the others may not. */
  refusal?: LimitRefusal;
}

export interface ClientLimits {
  admit(clientId: string, policy: LimitPolicy, n: number): Promise<Admission>;
  /** Gives back the quota of admitted messages that were not sent after all (refused later, replays, dry runs). */
  refund(clientId: string, n: number): void;
  /** Returns the quota this edge holds unused, so that a restart does not cost the client its share. */
  close(): Promise<void>;
}

export interface ClientLimitsDeps {
  /** Absent: each edge limits rates alone (per process) and quotas are not counted. */
  counters?: ClientCounters | undefined;
  /** Epoch milliseconds (quota days are UTC). */
  clock?: Pick<Clock, 'now'>;
  /** Told when the counters failed and this edge limits alone for a while. */
  onCountersDown?: (err: unknown) => void;
}

/** A share older than this is dropped: it was leased for traffic that has moved on. */
export const SHARE_LIFETIME_MS = 1000;
/** After the counters failed, this long without asking them. */
export const FALLBACK_MS = 5000;
/** A client found at its quota is not asked about again for this long (edges stopping may give some back). */
const QUOTA_RECHECK_MS = 10_000;
/**
 * Leases one request may wait through: each grants something or ends the wait (refused, exhausted), and the requests
 * that arrive meanwhile are counted into the next; the bound only stops a request starved by later ones.
 */
const MAX_ROUNDS = 16;
const DAY_MS = 86_400_000;

export const rateBlock = (rate: number): number => Math.max(1, Math.ceil(rate / 10));
/** 1 % of the quota (1 to 100): an edge holds at most that unused, which a crash costs the client (a stop returns it). */
export const quotaBlock = (quota: number): number => Math.max(1, Math.min(100, Math.ceil(quota / 100)));
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
/** Whole seconds to the next UTC midnight (at least 1). */
export const secondsToMidnight = (ms: number): number => Math.max(1, Math.ceil((DAY_MS - (((ms % DAY_MS) + DAY_MS) % DAY_MS)) / 1000));

interface RateShare {
  held: number;
  /** Tokens the requests now waiting on this share want: one lease asks for all of them. */
  demand: number;
  heldUntil: number;
  refusedUntil: number;
  leasing: Promise<void> | undefined;
}

interface QuotaShare {
  day: string;
  held: number;
  demand: number;
  exhaustedUntil: number;
  leasing: Promise<void> | undefined;
}

export function createClientLimits(deps: ClientLimitsDeps = {}): ClientLimits {
  const clock = deps.clock ?? { now: Date.now };
  const counters = deps.counters;
  const local = createRateLimiter(() => clock.now());
  const rates = new Map<string, RateShare>();
  const quotas = new Map<string, QuotaShare>();
  let fallbackUntil = 0;

  function countersDown(err: unknown): void {
    if (clock.now() >= fallbackUntil) deps.onCountersDown?.(err);
    fallbackUntil = clock.now() + FALLBACK_MS;
  }
  const shared = () => counters !== undefined && clock.now() >= fallbackUntil;

  async function takeRate(id: string, rate: number, burst: number, n: number): Promise<{ granted: number; retryAfterS: number }> {
    if (!shared()) return local.take(id, rate, n);
    let s = rates.get(id);
    if (!s) rates.set(id, (s = { held: 0, demand: 0, heldUntil: 0, refusedUntil: 0, leasing: undefined }));
    const share = s;
    share.demand += n;
    try {
      return await takeRateShare(id, share, rate, burst, n);
    } finally {
      share.demand -= n;
    }
  }

  async function takeRateShare(id: string, share: RateShare, rate: number, burst: number, n: number): Promise<{ granted: number; retryAfterS: number }> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = clock.now();
      if (now >= share.heldUntil) share.held = 0;
      if (share.held >= n || now < share.refusedUntil) break;
      share.leasing ??= (async () => {
        const want = Math.max(rateBlock(rate), share.demand - share.held);
        try {
          const r = await counters!.leaseRate(id, want, rate, burst);
          const at = clock.now();
          if (at >= share.heldUntil) share.held = 0;
          share.held += r.granted;
          share.heldUntil = at + SHARE_LIFETIME_MS;
          // Refused outright: ask again once a block has had time to refill, or when the next token is due.
          if (r.granted === 0) share.refusedUntil = at + Math.max(r.waitMs, (Math.min(rateBlock(rate), burst) * 1000) / rate);
        } catch (err) {
          countersDown(err);
        }
      })().finally(() => {
        share.leasing = undefined;
      });
      await share.leasing;
      if (!shared()) return local.take(id, rate, n);
    }
    const granted = Math.max(0, Math.min(n, Math.floor(share.held)));
    share.held -= granted;
    const wait = Math.max(share.refusedUntil - clock.now(), 1000 / rate);
    return { granted, retryAfterS: granted < n ? Math.max(1, Math.ceil(wait / 1000)) : 0 };
  }

  async function takeQuota(id: string, quota: number, n: number): Promise<number> {
    if (!shared()) return n;
    const day = utcDay(clock.now());
    let s = quotas.get(id);
    // Yesterday's unused share was counted yesterday; today starts empty.
    if (!s || s.day !== day) quotas.set(id, (s = { day, held: 0, demand: 0, exhaustedUntil: 0, leasing: undefined }));
    const share = s;
    share.demand += n;
    try {
      return await takeQuotaShare(id, share, quota, n);
    } finally {
      share.demand -= n;
    }
  }

  async function takeQuotaShare(id: string, share: QuotaShare, quota: number, n: number): Promise<number> {
    const day = share.day;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (share.held >= n || clock.now() < share.exhaustedUntil) break;
      share.leasing ??= (async () => {
        const want = Math.max(quotaBlock(quota), share.demand - share.held);
        try {
          const got = await counters!.leaseQuota(id, day, want, quota);
          share.held += got;
          if (got < want) share.exhaustedUntil = clock.now() + QUOTA_RECHECK_MS;
        } catch (err) {
          countersDown(err);
        }
      })().finally(() => {
        share.leasing = undefined;
      });
      await share.leasing;
      if (!shared()) return n;
    }
    const granted = Math.min(n, share.held);
    share.held -= granted;
    return granted;
  }

  return {
    async admit(id, policy, n) {
      let granted = n;
      let refusal: LimitRefusal | undefined;
      if (policy.rateLimit > 0) {
        const r = await takeRate(id, policy.rateLimit, policy.rateBurst ?? policy.rateLimit, n);
        if (r.granted < n) refusal = { kind: 'rate', retryAfterS: r.retryAfterS };
        granted = r.granted;
      }
      const quota = policy.dailyQuota ?? 0;
      if (quota > 0 && granted > 0) {
        const q = await takeQuota(id, quota, granted);
        if (q < granted) {
          // The rate tokens of the messages the quota stops are this edge's to use for the next request.
          const rs = rates.get(id);
          if (rs && policy.rateLimit > 0 && shared()) rs.held += granted - q;
          refusal = { kind: 'quota', retryAfterS: secondsToMidnight(clock.now()) };
          granted = q;
        }
      }
      return refusal ? { granted, refusal } : { granted };
    },
    refund(id, n) {
      const s = quotas.get(id);
      if (s && n > 0 && s.day === utcDay(clock.now())) s.held += n;
    },
    async close() {
      const today = utcDay(clock.now());
      await Promise.all(
        [...quotas].map(async ([id, s]) => {
          await s.leasing?.catch(() => {});
          if (!counters || s.day !== today || s.held <= 0) return;
          const n = s.held;
          s.held = 0;
          await counters.returnQuota(id, today, n).catch(() => {});
        }),
      );
    },
  };
}
