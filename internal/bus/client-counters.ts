/**
 * The cluster-wide counters behind per-client limits, in two KV buckets: SMSMESH_CLIENT_RATES holds one token bucket
 * per client ({tokens, at}), SMSMESH_CLIENT_QUOTAS one count per client per UTC day. Edges lease from them in blocks
 * (frontdoor/client-limits.ts), so a message costs no round trip of its own. Every change is a compare-and-set on the
 * key's revision: two edges leasing at once never grant the same tokens twice.
 */
import type { KvStore } from './kv-store.js';
import { KvConflictError } from './kv-store.js';

export interface RateLease {
  granted: number;
  /** When nothing (or less than asked) was granted: milliseconds until one token is there. */
  waitMs: number;
}

export interface ClientCounters {
  /** Takes up to `want` tokens from the client's shared bucket (`rate` per second, holding at most `burst`). */
  leaseRate(clientId: string, want: number, rate: number, burst: number): Promise<RateLease>;
  /** Takes up to `want` of the client's `quota` for `day` (YYYY-MM-DD, UTC); resolves to how many. */
  leaseQuota(clientId: string, day: string, want: number, quota: number): Promise<number>;
  /** Gives back quota leased but not used (an edge stopping). */
  returnQuota(clientId: string, day: string, n: number): Promise<void>;
}

export interface SharedBucket {
  tokens: number;
  /** Epoch ms of the last refill. */
  at: number;
}

/**
 * Refills a shared bucket to `now` and takes up to `want` whole tokens. Edges' clocks differ a little: a refill
 * never moves `at` backwards, so an edge behind the others only refills later, never twice.
 */
export function takeFromBucket(b: SharedBucket | null, now: number, want: number, rate: number, burst: number): { bucket: SharedBucket; lease: RateLease } {
  const at = b ? Math.max(b.at, now) : now;
  const tokens = b ? Math.min(burst, b.tokens + (Math.max(0, now - b.at) * rate) / 1000) : burst;
  const granted = Math.max(0, Math.min(want, Math.floor(tokens)));
  const left = tokens - granted;
  const waitMs = granted < want ? Math.ceil((Math.max(0, 1 - left) * 1000) / rate) : 0;
  return { bucket: { tokens: left, at }, lease: { granted, waitMs } };
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const MAX_ATTEMPTS = 8;

/** Read, change, compare-and-set; a conflict (another edge wrote in between) reads again. */
async function casLoop<T>(kv: KvStore, key: string, step: (current: unknown) => { next: unknown; out: T } | { out: T; next?: undefined }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const rec = await kv.get(key);
    let current: unknown = null;
    if (rec) {
      try {
        current = JSON.parse(dec.decode(rec.value));
      } catch {
        current = null;
      }
    }
    const r = step(current);
    if (r.next === undefined) return r.out;
    const data = enc.encode(JSON.stringify(r.next));
    try {
      if (rec) await kv.update(key, data, rec.revision);
      else await kv.create(key, data);
      return r.out;
    } catch (err) {
      if (!(err instanceof KvConflictError) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

function asBucket(v: unknown): SharedBucket | null {
  const b = v as Partial<SharedBucket> | null;
  return b && typeof b.tokens === 'number' && typeof b.at === 'number' ? { tokens: b.tokens, at: b.at } : null;
}

const asCount = (v: unknown): number => {
  const c = (v as { used?: unknown } | null)?.used;
  return typeof c === 'number' && c >= 0 ? c : 0;
};

export function createKvClientCounters(rates: KvStore, quotas: KvStore, now: () => number = Date.now): ClientCounters {
  return {
    leaseRate: (clientId, want, rate, burst) =>
      casLoop(rates, clientId, (cur) => {
        const { bucket, lease } = takeFromBucket(asBucket(cur), now(), want, rate, burst);
        // Nothing taken: nothing to write (a refused edge must not turn every refusal into a write).
        return lease.granted > 0 ? { next: bucket, out: lease } : { out: lease };
      }),
    leaseQuota: (clientId, day, want, quota) =>
      casLoop(quotas, `${clientId}.${day}`, (cur) => {
        const used = asCount(cur);
        const granted = Math.max(0, Math.min(want, quota - used));
        return granted > 0 ? { next: { used: used + granted }, out: granted } : { out: 0 };
      }),
    returnQuota: async (clientId, day, n) => {
      if (n <= 0) return;
      await casLoop(quotas, `${clientId}.${day}`, (cur) => ({ next: { used: Math.max(0, asCount(cur) - n) }, out: undefined }));
    },
  };
}
