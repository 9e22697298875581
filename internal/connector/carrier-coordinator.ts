/**
 * A carrier's account limits across every connector process: bind-slot leases in the SMSMESH_CARRIER_LEASES bucket
 * (at most `maxBinds` sessions), the account TPS split over the live leases, and the carrier-wide throttle signal.
 * One per coordinated carrier per process; the bind actors of that carrier register with it.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { KvConflictError, type KvStore } from '../bus/kv-store.js';
import { Subjects } from '../bus/subjects.js';
import { systemClock, type Cancel, type Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import type { ConnectorMetrics } from '../metrics/connector.js';
import { bindShare, createLeaseBook, type LeaseValue } from './lease-book.js';

/** What a bind actor tells the coordinator it can do. */
export interface BindSlotOwner {
  bindNo: number;
  /** A receiver bind holds a slot (it is a session) but takes no share of the rate. */
  sends: boolean;
  /** The rate this bind may send at changed. */
  onRate(tps: number): void;
  /** The lease can no longer be proven (bucket out of reach past its TTL) or was taken: close the session now. */
  onLost(): void;
  /** Another bind of the carrier was throttled by the SMSC: back off for `pauseMs`. */
  onThrottle(pauseMs: number): void;
}

/** A bind's handle on its slot. */
export interface BindSlot {
  /** Resolves true once a slot is held, false when released or stopped meanwhile. */
  acquire(): Promise<boolean>;
  /** Whether a slot is held and provable now. */
  holds(): boolean;
  /** Gives the slot up (and ends a pending acquire). */
  release(): Promise<void>;
  /** Ends a pending acquire (false), leaving a held slot alone. */
  cancelWait(): void;
  /** This bind was throttled by the SMSC: tell every bind of the carrier, in every process. */
  throttled(pauseMs: number): void;
  /**
   * The bind is bound and sending (true), or binding, lost or draining (false): only sending binds share the rate, so
   * a bind still connecting or draining takes nothing from the others.
   */
  sending(active: boolean): void;
}

export interface CarrierCoordinator {
  register(owner: BindSlotOwner): BindSlot;
  /** This process's part of the carrier's sending leases (0…1): what per-sender rates are multiplied by. */
  share(): number;
  stop(): Promise<void>;
}

export interface CarrierCoordinatorOptions {
  carrier: string;
  /** The whole account's rate; undefined = binds keep their own `tps` (maxBinds only). */
  accountTps: number | undefined;
  maxBinds: number;
  /** Per-bind cap (`tps`). */
  bindCap: number;
  ttlMs: number;
  kv: KvStore;
  /** Core NATS for the throttle signal. */
  nc: Pick<NatsConnection, 'publish' | 'subscribe'>;
  /** Unique per process. */
  holder: string;
  metrics: ConnectorMetrics;
  log: Logger;
  clock?: Clock;
  /** Told the process's share whenever it changes. */
  onShare?: (share: number) => void;
}

interface Registered {
  owner: BindSlotOwner;
  slot: number | undefined;
  /** Bound and sending now. */
  active: boolean;
  /** What the bucket says of it (`sends`) since our last write. */
  written: boolean | undefined;
  waiter: ((ok: boolean) => void) | undefined;
  rate: number;
}

/** The rate of a bind the bucket does not count yet (a token a quarter of an hour): in effect, none. */
const UNCOUNTED_RATE = 0.001;

const enc = new TextEncoder();
const dec = new TextDecoder();

export function startCarrierCoordinator(o: CarrierCoordinatorOptions): CarrierCoordinator {
  const clock = o.clock ?? systemClock;
  const log = o.log.child({ component: 'carrier-limits', carrier: o.carrier });
  const renewMs = Math.max(200, Math.floor(o.ttlMs / 4));
  const book = createLeaseBook({ maxBinds: o.maxBinds, ttlMs: o.ttlMs, marginMs: Math.max(100, Math.floor(o.ttlMs / 8)) });
  const binds = new Map<number, Registered>();
  const labels = { carrier: o.carrier };
  // Present at 0 from the start, so that rate() and increase() see the first lost lease and the first signal.
  o.metrics.leasesLost.inc(labels, 0);
  o.metrics.throttleSignals.inc({ ...labels, direction: 'sent' }, 0);
  o.metrics.throttleSignals.inc({ ...labels, direction: 'received' }, 0);
  const key = (slot: number): string => `${o.carrier}.${slot}`;
  let stopped = false;
  let lastGoodTick = clock.now();
  let ticking: Promise<void> | undefined;
  /** Asked for while a tick ran: run another as soon as it ends. */
  let again = false;
  let tickTimer: Cancel | undefined;
  let lastShare = -1;

  // Two renew periods without a good tick: the safe share, well before the leases themselves run out (ttl − ttl/8).
  const healthy = (): boolean => clock.now() - lastGoodTick < 2 * renewMs;

  function valueOf(r: Registered): Uint8Array {
    const v: LeaseValue = { holder: o.holder, bindNo: r.owner.bindNo, sends: sendsNow(r) };
    return enc.encode(JSON.stringify(v));
  }

  const sendsNow = (r: Registered): boolean => r.owner.sends && r.active;

  function lose(slot: number, why: string): void {
    book.dropped(slot);
    for (const r of binds.values()) {
      if (r.slot !== slot) continue;
      r.slot = undefined;
      o.metrics.leasesLost.inc(labels);
      log.warn({ bindNo: r.owner.bindNo, slot, why }, 'bind-slot lease lost; closing the bind');
      r.owner.onLost();
    }
  }

  /** Every sending bind's rate and this process's share, from what the book says now. */
  function rebalance(): void {
    const now = clock.now();
    const live = book.liveSending(now);
    const ok = healthy();
    let held = 0;
    let ownSending = 0;
    for (const r of binds.values()) {
      if (r.slot === undefined) continue;
      held++;
      if (!r.owner.sends) continue;
      if (r.active) ownSending++;
      const share = o.accountTps === undefined ? o.bindCap : bindShare({ accountTps: o.accountTps, maxBinds: o.maxBinds, liveSending: live, healthy: ok, cap: o.bindCap });
      // Bound, but the bucket does not say so yet: the other processes do not count this bind, so it must not send.
      const rate = o.accountTps !== undefined && r.active && r.written !== true ? UNCOUNTED_RATE : share;
      if (Math.abs(rate - r.rate) > 1e-9) {
        r.rate = rate;
        r.owner.onRate(rate);
        o.metrics.bindTps.set(labels, rate);
      }
    }
    o.metrics.leasesHeld.set(labels, held);
    const share = ok ? ownSending / Math.max(1, live, ownSending) : ownSending / o.maxBinds;
    if (share !== lastShare) {
      lastShare = share;
      o.onShare?.(share);
    }
  }

  async function renew(): Promise<boolean> {
    const own = book.own();
    const results = await Promise.allSettled(
      own.map(async (h) => {
        const r = [...binds.values()].find((b) => b.slot === h.slot);
        if (!r) return;
        const sentAt = clock.now();
        const sends = sendsNow(r);
        try {
          const rev = await o.kv.update(key(h.slot), valueOf(r), h.revision);
          if (r.slot === h.slot) {
            book.held(h.slot, { bindNo: r.owner.bindNo, sends: sendsNow(r) }, rev, sentAt);
            // Started or stopped sending: the others split the rate again now.
            if (r.written !== sends) announce();
            r.written = sends;
          }
          // Released while this renew was on its way (the release's delete lost the race): give it up now, or the
          // slot would look held for a whole TTL.
          else await o.kv.delete(key(h.slot), rev).then(announce, () => {});
        } catch (err) {
          if (err instanceof KvConflictError) lose(h.slot, 'taken by another process');
          else throw err;
        }
      }),
    );
    return results.every((x) => x.status === 'fulfilled');
  }

  async function readAll(): Promise<boolean> {
    const slots = Array.from({ length: o.maxBinds }, (_, i) => i + 1);
    const results = await Promise.allSettled(
      slots.map(async (slot) => {
        const rec = await o.kv.get(key(slot));
        book.observe(slot, rec && { revision: rec.revision, value: parseValue(rec.value) }, clock.now());
      }),
    );
    return results.every((x) => x.status === 'fulfilled');
  }

  async function take(): Promise<boolean> {
    for (const r of binds.values()) {
      if (stopped) return true;
      if (!r.waiter || r.slot !== undefined) continue;
      const free = book.freeSlot(clock.now());
      if (!free) return true;
      const sentAt = clock.now();
      try {
        const rev = free.revision === 0 ? await o.kv.create(key(free.slot), valueOf(r)) : await o.kv.update(key(free.slot), valueOf(r), free.revision);
        if (!r.waiter) {
          // Released while the write was on its way: give the slot straight back.
          await o.kv.delete(key(free.slot), rev).catch(() => {});
          continue;
        }
        book.held(free.slot, { bindNo: r.owner.bindNo, sends: sendsNow(r) }, rev, sentAt);
        r.slot = free.slot;
        r.written = sendsNow(r);
        // The bind's rate is set before it can bind, and the other binds here make room for it.
        rebalance();
        const w = r.waiter;
        r.waiter = undefined;
        log.info({ bindNo: r.owner.bindNo, slot: free.slot }, 'bind-slot lease taken');
        announce();
        w(true);
      } catch (err) {
        if (!(err instanceof KvConflictError)) throw err;
        // Someone else was quicker (or renewed it): see the slot as it is now, try the next one at the next tick.
        const rec = await o.kv.get(key(free.slot));
        book.observe(free.slot, rec && { revision: rec.revision, value: parseValue(rec.value) }, clock.now());
      }
    }
    return true;
  }

  async function tick(): Promise<void> {
    let ok = await renew().catch(() => false);
    ok = (await readAll().catch(() => false)) && ok;
    if (ok) ok = await take().catch((err: unknown) => {
      log.warn({ err: errorMessage(err) }, 'could not take a bind-slot lease');
      return false;
    });
    if (ok) lastGoodTick = clock.now();
    rebalance();
  }

  function kick(): void {
    if (stopped) return;
    if (ticking) {
      again = true;
      return;
    }
    tickTimer?.();
    ticking = tick().finally(() => {
      ticking = undefined;
      if (stopped) return;
      if (again) {
        again = false;
        kick();
      } else tickTimer = clock.setTimer(renewMs, kick, { unref: true });
    });
  }

  /**
   * Tells the other processes a slot was taken or given up, so they split the rate again now rather than at their next
   * read (up to a renew period later: a joining bind's share would be sent on top of theirs meanwhile, a leaving one's
   * left unused). Only a hint: the bucket stays the truth, read on every tick anyway.
   */
  function announce(): void {
    try {
      o.nc.publish(Subjects.carrierLeases(o.carrier), enc.encode(o.holder));
    } catch {
      // NATS away: the others notice at their next read.
    }
  }

  // Independent of the tick, which can hang on an unreachable bucket: leases past proof are dropped on time.
  let watchdog: Cancel | undefined;
  const watch = (): void => {
    watchdog = clock.setTimer(Math.min(250, renewMs), () => {
      for (const slot of book.expired(clock.now())) lose(slot, 'not renewed in time (key-value bucket out of reach)');
      rebalance();
      if (!stopped) watch();
    }, { unref: true });
  };
  watch();
  kick();

  const sub: Subscription = o.nc.subscribe(Subjects.carrierThrottle(o.carrier), {
    callback: (_err, m) => {
      let signal: { holder?: string; bindNo?: number; pauseMs?: number };
      try {
        signal = JSON.parse(dec.decode(m.data)) as typeof signal;
      } catch {
        return;
      }
      const pauseMs = Math.min(60_000, Math.max(0, Number(signal.pauseMs) || 0));
      o.metrics.throttleSignals.inc({ ...labels, direction: 'received' });
      for (const r of binds.values()) {
        if (r.slot === undefined || !r.owner.sends) continue;
        if (signal.holder === o.holder && signal.bindNo === r.owner.bindNo) continue;
        r.owner.onThrottle(pauseMs);
      }
    },
  });

  const leaseSub: Subscription = o.nc.subscribe(Subjects.carrierLeases(o.carrier), {
    callback: (_err, m) => {
      if (dec.decode(m.data) !== o.holder) kick();
    },
  });

  return {
    register(owner) {
      const r: Registered = { owner, slot: undefined, active: false, written: undefined, waiter: undefined, rate: -1 };
      binds.set(owner.bindNo, r);
      return {
        acquire() {
          if (stopped) return Promise.resolve(false);
          if (r.slot !== undefined) return Promise.resolve(true);
          return new Promise<boolean>((resolve) => {
            r.waiter?.(false);
            r.waiter = resolve;
            kick();
          });
        },
        holds: () => r.slot !== undefined,
        cancelWait() {
          const w = r.waiter;
          r.waiter = undefined;
          w?.(false);
        },
        async release() {
          const w = r.waiter;
          r.waiter = undefined;
          w?.(false);
          const slot = r.slot;
          if (slot === undefined) return;
          r.slot = undefined;
          r.active = false;
          r.rate = -1;
          const h = book.own().find((x) => x.slot === slot);
          book.dropped(slot);
          rebalance();
          // A delete lets another process take the slot at once rather than after the TTL.
          if (h) {
            await o.kv.delete(key(slot), h.revision).then(announce, () => {});
          }
        },
        sending(active) {
          if (r.active === active) return;
          r.active = active;
          if (r.slot === undefined) return;
          book.setSends(r.slot, sendsNow(r));
          rebalance();
          // The next renew writes it (and says so); now rather than up to a renew period later.
          kick();
        },
        throttled(pauseMs) {
          try {
            o.nc.publish(Subjects.carrierThrottle(o.carrier), enc.encode(JSON.stringify({ holder: o.holder, bindNo: owner.bindNo, pauseMs })));
            o.metrics.throttleSignals.inc({ ...labels, direction: 'sent' });
          } catch (err) {
            // NATS is away: this bind still backs off; the others learn of it from their own SMSC answers.
            log.warn({ bindNo: owner.bindNo, err: errorMessage(err) }, 'could not signal the throttle to the other binds');
          }
        },
      };
    },
    share: () => Math.max(0, lastShare),
    async stop() {
      stopped = true;
      tickTimer?.();
      watchdog?.();
      sub.unsubscribe();
      leaseSub.unsubscribe();
      await ticking;
    },
  };
}

function parseValue(b: Uint8Array): LeaseValue | undefined {
  try {
    const v = JSON.parse(dec.decode(b)) as Partial<LeaseValue>;
    return typeof v.holder === 'string' && typeof v.bindNo === 'number' && typeof v.sends === 'boolean' ? (v as LeaseValue) : undefined;
  } catch {
    return undefined;
  }
}
