/**
 * What one connector process knows of a carrier's bind-slot leases: which slots it holds and until when it can
 * prove them, what it last saw of every slot in the key-value bucket, which slots are free to take, and from
 * that the per-bind share of the account's TPS. Pure: time is passed in, nothing here does I/O.
 *
 * Liveness is judged by revisions, never by timestamps written by another host: a slot is live while its
 * revision changed within `ttlMs` of this process's own clock (a holder rewrites it every renew). A slot
 * whose revision stayed the same for `ttlMs` is stale and may be taken, compare-and-set on that revision.
 * A holder counts its lease from the moment it *sent* the write that succeeded: any other process saw that
 * revision only after it was written, so cannot take the slot before that moment + `ttlMs`; the holder stops
 * using it `marginMs` earlier. That is what keeps the sessions at or below `maxBinds`.
 */

export interface LeaseValue {
  /** The process holding the slot (host, pid and a random part). */
  holder: string;
  bindNo: number;
  /**
   * Whether the bind is bound and sending: a bind still binding, draining, or only receiving holds a slot but takes no
   * share of the TPS.
   */
  sends: boolean;
}

interface Observed {
  revision: number;
  /** Our clock when this revision was first seen. */
  seenAt: number;
  value: LeaseValue | undefined;
}

interface Held {
  bindNo: number;
  sends: boolean;
  revision: number;
  /** Until when this process can prove the lease: the send time of its last successful write + ttl − margin. */
  provenUntil: number;
}

export interface LeaseBookOptions {
  maxBinds: number;
  ttlMs: number;
  /** Stop using a lease this long before anyone else could take it (clock rates, scheduling delays). */
  marginMs: number;
}

export interface LeaseBook {
  /** What a read of slot `slot` (1…maxBinds) returned at `now`: its live value and revision, or null. */
  observe(slot: number, rec: { revision: number; value: LeaseValue | undefined } | null, now: number): void;
  /** A slot to try to take at `now` (lowest first): absent, or stale. `revision` 0 means create. */
  freeSlot(now: number): { slot: number; revision: number } | undefined;
  /** This process took or renewed `slot`; `sentAt` is when the write was sent. */
  held(slot: number, lease: { bindNo: number; sends: boolean }, revision: number, sentAt: number): void;
  /** One of this process's binds started or stopped sending (bound, or draining) on its slot. */
  setSends(slot: number, sends: boolean): void;
  /** This process gave the slot up, or lost it. */
  dropped(slot: number): void;
  /** The slots this process holds. */
  own(): { slot: number; bindNo: number; sends: boolean; revision: number; provenUntil: number }[];
  /** Slots held by this process whose lease it can no longer prove at `now`. */
  expired(now: number): number[];
  /** Live slots held by sending binds, this process's included. */
  liveSending(now: number): number;
}

export function createLeaseBook(o: LeaseBookOptions): LeaseBook {
  const seen = new Map<number, Observed>();
  const mine = new Map<number, Held>();

  function live(slot: number, now: number): boolean {
    const h = mine.get(slot);
    if (h) return now < h.provenUntil;
    const s = seen.get(slot);
    return s !== undefined && now - s.seenAt < o.ttlMs;
  }

  return {
    observe(slot, rec, now) {
      if (rec === null) {
        seen.delete(slot);
        return;
      }
      const s = seen.get(slot);
      if (s === undefined || s.revision !== rec.revision) seen.set(slot, { revision: rec.revision, seenAt: now, value: rec.value });
    },
    freeSlot(now) {
      for (let slot = 1; slot <= o.maxBinds; slot++) {
        if (mine.has(slot)) continue;
        const s = seen.get(slot);
        if (s === undefined) return { slot, revision: 0 };
        if (now - s.seenAt >= o.ttlMs) return { slot, revision: s.revision };
      }
      return undefined;
    },
    held(slot, lease, revision, sentAt) {
      mine.set(slot, { bindNo: lease.bindNo, sends: lease.sends, revision, provenUntil: sentAt + o.ttlMs - o.marginMs });
      seen.set(slot, { revision, seenAt: sentAt, value: undefined });
    },
    setSends(slot, sends) {
      const h = mine.get(slot);
      if (h) h.sends = sends;
    },
    dropped(slot) {
      mine.delete(slot);
    },
    own: () => [...mine].map(([slot, h]) => ({ slot, ...h })),
    expired: (now) => [...mine].filter(([, h]) => now >= h.provenUntil).map(([slot]) => slot),
    liveSending(now) {
      let n = 0;
      for (let slot = 1; slot <= o.maxBinds; slot++) {
        if (!live(slot, now)) continue;
        const h = mine.get(slot);
        if (h) {
          if (h.sends) n++;
          continue;
        }
        const v = seen.get(slot)?.value;
        // A value we cannot read counts as sending: overestimating the live count only lowers our share.
        if (v === undefined || v.sends) n++;
      }
      return n;
    },
  };
}

export interface ShareInput {
  accountTps: number;
  maxBinds: number;
  /** Live sending slots, this process's included. */
  liveSending: number;
  /** Whether this process's last renew and read of the bucket succeeded. */
  healthy: boolean;
  /** The per-bind cap (`tps`). */
  cap: number;
}

/**
 * One sending bind's rate. With the bucket in reach, the account rate split over the live sending leases; out of
 * reach, the share it would have with every slot taken (accountTps / maxBinds), which keeps the sum within the
 * account whatever the other processes do, and never the full rate.
 */
export function bindShare(i: ShareInput): number {
  const split = i.healthy ? Math.max(1, i.liveSending) : i.maxBinds;
  return Math.min(i.cap, i.accountTps / split);
}
