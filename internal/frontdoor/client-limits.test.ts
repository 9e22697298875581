import { describe, expect, it } from 'vitest';
import { takeFromBucket, type ClientCounters, type SharedBucket } from '../bus/client-counters.js';
import { fakeClock, type FakeClock } from '../core/clock.js';
import { createClientLimits, secondsToMidnight, utcDay } from './client-limits.js';

/** The counters' contract in memory, with a count of calls (what the edges cost the KV store). */
function memoryCounters(clock: FakeClock): ClientCounters & { calls: number; used: Map<string, number>; failing: boolean } {
  const buckets = new Map<string, SharedBucket>();
  const used = new Map<string, number>();
  const c = {
    calls: 0,
    used,
    failing: false,
    async leaseRate(id: string, want: number, rate: number, burst: number) {
      c.calls++;
      if (c.failing) throw new Error('no responders');
      const r = takeFromBucket(buckets.get(id) ?? null, clock.now(), want, rate, burst);
      if (r.lease.granted > 0) buckets.set(id, r.bucket);
      return r.lease;
    },
    async leaseQuota(id: string, day: string, want: number, quota: number) {
      c.calls++;
      if (c.failing) throw new Error('no responders');
      const k = `${id}.${day}`;
      const u = used.get(k) ?? 0;
      const g = Math.max(0, Math.min(want, quota - u));
      used.set(k, u + g);
      return g;
    },
    async returnQuota(id: string, day: string, n: number) {
      const k = `${id}.${day}`;
      used.set(k, Math.max(0, (used.get(k) ?? 0) - n));
    },
  };
  return c;
}

const NOON = Date.UTC(2026, 11, 3, 12);

describe('client limits shared by edges', () => {
  it('holds a client to its rate over 10 s however its requests spread over three edges', async () => {
    const clock = fakeClock(NOON);
    const counters = memoryCounters(clock);
    const edges = [0, 1, 2].map(() => createClientLimits({ counters, clock }));
    const policy = { rateLimit: 50 };
    let granted = 0;
    let requests = 0;
    // 200 requests a second, unevenly spread (half to the first edge), for 10 s.
    for (let ms = 0; ms < 10_000; ms += 5) {
      const edge = edges[ms % 10 < 5 ? 0 : ms % 20 < 10 ? 1 : 2]!;
      const a = await edge.admit('c', policy, 1);
      granted += a.granted;
      requests++;
      if (a.granted === 0) expect(a.refusal?.kind).toBe('rate');
      clock.advance(5);
    }
    expect(requests).toBe(2000);
    // One second of burst at the start, then the rate: 50 + 10 × 50.
    const expected = 50 + 10 * 50;
    expect(Math.abs(granted - expected) / expected).toBeLessThan(0.1);
    expect(granted).toBeLessThanOrEqual(expected);
    // Leases come in blocks and refusals are remembered: far fewer counter calls than requests.
    expect(counters.calls).toBeLessThan(requests / 2);
  });

  it('answers a Retry-After of at least one second when refused', async () => {
    const clock = fakeClock(NOON);
    const limits = createClientLimits({ counters: memoryCounters(clock), clock });
    expect((await limits.admit('c', { rateLimit: 2 }, 2)).granted).toBe(2);
    const a = await limits.admit('c', { rateLimit: 2 }, 1);
    expect(a).toEqual({ granted: 0, refusal: { kind: 'rate', retryAfterS: 1 } });
  });

  it('admits the first part of a batch up to the burst', async () => {
    const clock = fakeClock(NOON);
    const limits = createClientLimits({ counters: memoryCounters(clock), clock });
    const a = await limits.admit('c', { rateLimit: 10, rateBurst: 30 }, 100);
    expect(a.granted).toBe(30);
    expect(a.refusal?.kind).toBe('rate');
  });

  it('keeps the daily quota across edges and a restart, and gives back what was not sent', async () => {
    const clock = fakeClock(NOON);
    const counters = memoryCounters(clock);
    const policy = { rateLimit: 0, dailyQuota: 30 };
    const a = createClientLimits({ counters, clock });
    const b = createClientLimits({ counters, clock });
    for (let i = 0; i < 10; i++) expect((await a.admit('c', policy, 1)).granted).toBe(1);
    expect((await b.admit('c', policy, 5)).granted).toBe(5);
    b.refund('c', 2);
    await b.close();
    await a.close();
    const a2 = createClientLimits({ counters, clock });
    const batch = await a2.admit('c', policy, 20);
    expect(batch.granted).toBe(17);
    expect(batch.refusal).toEqual({ kind: 'quota', retryAfterS: 12 * 3600 });
    expect((await b.admit('c', policy, 1)).refusal?.kind).toBe('quota');
    expect(counters.used.get(`c.${utcDay(NOON)}`)).toBe(30);
  });

  it('serves concurrent requests from one lease for all of them', async () => {
    const clock = fakeClock(NOON);
    const counters = memoryCounters(clock);
    const limits = createClientLimits({ counters, clock });
    const answers = await Promise.all(Array.from({ length: 20 }, () => limits.admit('c', { rateLimit: 100, dailyQuota: 30 }, 1)));
    expect(answers.every((a) => a.granted === 1)).toBe(true);
    expect(counters.calls).toBeLessThanOrEqual(6);
  });

  it('starts a new quota at UTC midnight', async () => {
    const clock = fakeClock(Date.UTC(2026, 11, 3, 23, 59, 59));
    const limits = createClientLimits({ counters: memoryCounters(clock), clock });
    expect((await limits.admit('c', { rateLimit: 0, dailyQuota: 1 }, 2)).granted).toBe(1);
    clock.advance(1000);
    expect((await limits.admit('c', { rateLimit: 0, dailyQuota: 1 }, 1)).granted).toBe(1);
    expect(secondsToMidnight(Date.UTC(2026, 11, 3, 23, 59, 59, 500))).toBe(1);
  });

  it('limits alone at the full rate while the counters are unreachable, and says so once', async () => {
    const clock = fakeClock(NOON);
    const counters = memoryCounters(clock);
    counters.failing = true;
    const errors: unknown[] = [];
    const limits = createClientLimits({ counters, clock, onCountersDown: (e) => errors.push(e) });
    let granted = 0;
    for (let i = 0; i < 20; i++) granted += (await limits.admit('c', { rateLimit: 5, dailyQuota: 3 }, 1)).granted;
    expect(granted).toBe(5);
    expect(errors).toHaveLength(1);
    expect(counters.calls).toBe(1);
  });

  it('costs nothing for a client without limits', async () => {
    const clock = fakeClock(NOON);
    const counters = memoryCounters(clock);
    const limits = createClientLimits({ counters, clock });
    expect(await limits.admit('c', { rateLimit: 0 }, 1000)).toEqual({ granted: 1000 });
    expect(counters.calls).toBe(0);
  });
});
