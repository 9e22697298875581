import type { Msg, NatsConnection, Subscription, SubscriptionOptions } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryKvBucket, type MemoryKvBucket, type MemoryKvView } from '../bus/memory-kv-store.js';
import { fakeClock, type FakeClock } from '../core/clock.js';
import { noopLogger } from '../log/logger.js';
import { createConnectorMetrics } from '../metrics/connector.js';
import { startCarrierCoordinator, type BindSlot, type CarrierCoordinator } from './carrier-coordinator.js';

/** Core NATS publish/subscribe between the "processes" of one test. */
function createFakeNats(): Pick<NatsConnection, 'publish' | 'subscribe'> {
  const subs: { subject: string; cb: (err: Error | null, m: Msg) => void }[] = [];
  return {
    publish(subject, data) {
      for (const s of subs) if (s.subject === subject) s.cb(null, { data: data as Uint8Array } as Msg);
    },
    subscribe(subject: string, opts?: SubscriptionOptions) {
      const entry = { subject, cb: opts!.callback! };
      subs.push(entry);
      return { unsubscribe: () => subs.splice(subs.indexOf(entry), 1) } as unknown as Subscription;
    },
  };
}

interface FakeBind {
  bindNo: number;
  slot: BindSlot;
  rate: number;
  lost: number;
  throttles: number[];
  /** Whether it holds a session: from acquire until lost or released. */
  bound: boolean;
}

interface Proc {
  kv: MemoryKvView;
  coordinator: CarrierCoordinator;
  binds: FakeBind[];
  share: number;
}

const TTL = 4000;

function startProc(clock: FakeClock, bucket: MemoryKvBucket, nc: ReturnType<typeof createFakeNats>, name: string, o: { binds: number; accountTps?: number; maxBinds: number; cap?: number }): Proc {
  const kv = bucket.view();
  const p: Proc = { kv, coordinator: undefined as unknown as CarrierCoordinator, binds: [], share: 0 };
  p.coordinator = startCarrierCoordinator({
    carrier: 'acme',
    accountTps: o.accountTps,
    maxBinds: o.maxBinds,
    bindCap: o.cap ?? 10_000,
    ttlMs: TTL,
    kv,
    nc,
    holder: name,
    metrics: createConnectorMetrics(new Registry()),
    log: noopLogger,
    clock,
    onShare: (s) => (p.share = s),
  });
  for (let n = 1; n <= o.binds; n++) {
    const b: FakeBind = { bindNo: n, slot: undefined as unknown as BindSlot, rate: 0, lost: 0, throttles: [], bound: false };
    b.slot = p.coordinator.register({
      bindNo: n,
      sends: true,
      onRate: (r) => (b.rate = r),
      onLost: () => {
        b.lost++;
        b.bound = false;
        b.slot.sending(false);
      },
      onThrottle: (ms) => b.throttles.push(ms),
    });
    // As a bind actor does: bound (and sending) as soon as it holds a slot.
    void b.slot.acquire().then((ok) => {
      b.bound = ok;
      if (ok) b.slot.sending(true);
    });
    p.binds.push(b);
  }
  return p;
}

const bound = (...ps: Proc[]): FakeBind[] => ps.flatMap((p) => p.binds.filter((b) => b.bound));
const sumRate = (...ps: Proc[]): number => bound(...ps).reduce((s, b) => s + b.rate, 0);

let procs: Proc[] = [];
afterEach(async () => {
  for (const p of procs) await p.coordinator.stop();
  procs = [];
});

describe('carrier coordinator', () => {
  it('hands out at most maxBinds slots across processes and splits accountTps over the live ones', async () => {
    const clock = fakeClock(0);
    const bucket = createMemoryKvBucket();
    const nc = createFakeNats();
    const a = startProc(clock, bucket, nc, 'a', { binds: 2, accountTps: 120, maxBinds: 3 });
    procs.push(a);
    await clock.advanceAsync(2000, 50);
    expect(bound(a)).toHaveLength(2);
    expect(sumRate(a)).toBeCloseTo(120, 6);
    const b = startProc(clock, bucket, nc, 'b', { binds: 2, accountTps: 120, maxBinds: 3 });
    procs.push(b);
    await clock.advanceAsync(3000, 50);
    expect(bound(a, b)).toHaveLength(3);
    expect(bound(b)).toHaveLength(1);
    expect(bucket.entries().size).toBe(3);
    // Every bind at 120 / 3, once each process has read the other's leases.
    for (const x of bound(a, b)) expect(x.rate).toBeCloseTo(40, 6);
    expect(a.share + b.share).toBeCloseTo(1, 6);
  });

  it('a process that dies without releasing: its slots age out after the TTL, the waiting bind takes one, the survivors share the whole account', async () => {
    const clock = fakeClock(0);
    const bucket = createMemoryKvBucket();
    const nc = createFakeNats();
    const a = startProc(clock, bucket, nc, 'a', { binds: 2, accountTps: 120, maxBinds: 3 });
    const b = startProc(clock, bucket, nc, 'b', { binds: 2, accountTps: 120, maxBinds: 3 });
    procs.push(b);
    await clock.advanceAsync(3000, 50);
    expect(bound(a)).toHaveLength(2);
    // SIGKILL: no release, no more renewals.
    await a.coordinator.stop();
    for (const x of a.binds) x.bound = false;
    await clock.advanceAsync(TTL - 1500, 50);
    // Not yet: the dead process's leases still count.
    expect(bound(b)).toHaveLength(1);
    expect(sumRate(b)).toBeCloseTo(40, 6);
    await clock.advanceAsync(3000, 50);
    // Both dead slots aged out together: B's waiting bind took one, and the account is split over B's two binds.
    expect(bound(b)).toHaveLength(2);
    expect(sumRate(b)).toBeCloseTo(120, 6);
    expect(bucket.entries().size).toBe(3);
  });

  it('out of reach of the bucket: the safe share at once, binds closed before anyone else may take their slots; never more than maxBinds', async () => {
    const clock = fakeClock(0);
    const bucket = createMemoryKvBucket();
    const nc = createFakeNats();
    const a = startProc(clock, bucket, nc, 'a', { binds: 2, accountTps: 120, maxBinds: 2 });
    await clock.advanceAsync(2000, 50);
    const b = startProc(clock, bucket, nc, 'b', { binds: 2, accountTps: 120, maxBinds: 2 });
    procs.push(a, b);
    await clock.advanceAsync(2000, 50);
    expect(bound(a)).toHaveLength(2);
    expect(bound(b)).toHaveLength(0);
    expect(sumRate(a)).toBeCloseTo(120, 6);
    a.kv.reachable = false;
    let fellBack = -1;
    for (let t = 0; t < 3 * TTL; t += 50) {
      await clock.advanceAsync(50, 50);
      expect(bound(a, b).length).toBeLessThanOrEqual(2);
      if (fellBack < 0 && bound(a).length > 0 && bound(a).every((x) => x.rate === 60)) fellBack = t;
      // While A still holds its binds, it never sends above the safe share (120 / maxBinds per bind).
      if (fellBack >= 0) for (const x of bound(a)) expect(x.rate).toBeLessThanOrEqual(60);
    }
    expect(fellBack).toBeGreaterThanOrEqual(0);
    expect(a.binds.every((x) => x.lost === 1)).toBe(true);
    expect(bound(b)).toHaveLength(2);
    expect(sumRate(b)).toBeCloseTo(120, 6);
  });

  it('the safe share applies as soon as the bucket is out of reach, even with slots to spare', async () => {
    const clock = fakeClock(0);
    const bucket = createMemoryKvBucket();
    const nc = createFakeNats();
    const a = startProc(clock, bucket, nc, 'a', { binds: 1, accountTps: 100, maxBinds: 4 });
    procs.push(a);
    await clock.advanceAsync(2000, 50);
    expect(a.binds[0]!.rate).toBeCloseTo(100, 6);
    a.kv.reachable = false;
    // Within two renew periods, the safe share, while the lease is still proven (the bind stays up).
    let waited = 0;
    while (a.binds[0]!.rate !== 25 && waited < TTL) {
      await clock.advanceAsync(50, 50);
      waited += 50;
    }
    expect(waited).toBeLessThanOrEqual(2 * (TTL / 4) + 100);
    expect(a.binds[0]!.bound).toBe(true);
    expect(a.binds[0]!.rate).toBeCloseTo(25, 6);
    // Back in reach before the lease ran out: the next renew keeps it, and the split rate returns.
    a.kv.reachable = true;
    await clock.advanceAsync(1100, 50);
    expect(a.binds[0]!.bound).toBe(true);
    expect(a.binds[0]!.lost).toBe(0);
    expect(a.binds[0]!.rate).toBeCloseTo(100, 6);
  });

  it('a release frees the slot at once for another process', async () => {
    const clock = fakeClock(0);
    const bucket = createMemoryKvBucket();
    const nc = createFakeNats();
    const a = startProc(clock, bucket, nc, 'a', { binds: 1, accountTps: 100, maxBinds: 1 });
    await clock.advanceAsync(1000, 50);
    const b = startProc(clock, bucket, nc, 'b', { binds: 1, accountTps: 100, maxBinds: 1 });
    procs.push(a, b);
    await clock.advanceAsync(2000, 50);
    expect(bound(b)).toHaveLength(0);
    await a.binds[0]!.slot.release();
    a.binds[0]!.bound = false;
    // One renew period, far less than the TTL.
    await clock.advanceAsync(1100, 50);
    expect(bound(b)).toHaveLength(1);
  });

  it('a throttle on one bind reaches every other bind of the carrier, in this process and others, not itself', async () => {
    const clock = fakeClock(0);
    const bucket = createMemoryKvBucket();
    const nc = createFakeNats();
    const a = startProc(clock, bucket, nc, 'a', { binds: 2, accountTps: 100, maxBinds: 4 });
    const b = startProc(clock, bucket, nc, 'b', { binds: 2, accountTps: 100, maxBinds: 4 });
    procs.push(a, b);
    await clock.advanceAsync(2000, 50);
    a.binds[0]!.slot.throttled(1000);
    expect(a.binds[0]!.throttles).toEqual([]);
    expect(a.binds[1]!.throttles).toEqual([1000]);
    expect(b.binds.map((x) => x.throttles)).toEqual([[1000], [1000]]);
  });

  it('a bind that holds a slot but is not sending (binding, draining) takes no share from the others', async () => {
    const clock = fakeClock(0);
    const bucket = createMemoryKvBucket();
    const nc = createFakeNats();
    const a = startProc(clock, bucket, nc, 'a', { binds: 2, accountTps: 100, maxBinds: 4 });
    const b = startProc(clock, bucket, nc, 'b', { binds: 2, accountTps: 100, maxBinds: 4 });
    procs.push(a, b);
    await clock.advanceAsync(2000, 50);
    expect(sumRate(a, b)).toBeCloseTo(100, 6);
    // B's binds start draining: A's two binds get the whole account at once (the change is announced, not polled).
    for (const x of b.binds) x.slot.sending(false);
    await clock.advanceAsync(50, 50);
    for (const x of a.binds) expect(x.rate).toBeCloseTo(50, 6);
    expect(bucket.entries().size).toBe(4);
    for (const x of b.binds) x.slot.sending(true);
    // Bound again, but until the bucket says so A does not count them: they must not send yet.
    for (const x of b.binds) expect(x.rate).toBeLessThan(0.01);
    await clock.advanceAsync(50, 50);
    for (const x of [...a.binds, ...b.binds]) expect(x.rate).toBeCloseTo(25, 6);
  });

  it('maxBinds alone: binds keep their own tps, only the sessions are limited', async () => {
    const clock = fakeClock(0);
    const bucket = createMemoryKvBucket();
    const nc = createFakeNats();
    const a = startProc(clock, bucket, nc, 'a', { binds: 3, maxBinds: 2, cap: 70 });
    procs.push(a);
    await clock.advanceAsync(2000, 50);
    expect(bound(a)).toHaveLength(2);
    for (const x of bound(a)) expect(x.rate).toBe(70);
  });
});
