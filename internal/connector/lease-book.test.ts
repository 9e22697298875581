import { describe, expect, it } from 'vitest';
import { bindShare, createLeaseBook } from './lease-book.js';

const other = (bindNo: number, sends = true) => ({ holder: 'other-host', bindNo, sends });

describe('lease book', () => {
  it('offers the lowest absent slot first, to be created (revision 0)', () => {
    const b = createLeaseBook({ maxBinds: 3, ttlMs: 4000, marginMs: 500 });
    b.observe(1, { revision: 7, value: other(1) }, 0);
    expect(b.freeSlot(0)).toEqual({ slot: 2, revision: 0 });
  });

  it('a slot whose revision changed within the TTL is live; unchanged for the TTL it is free, at its last revision', () => {
    const b = createLeaseBook({ maxBinds: 1, ttlMs: 4000, marginMs: 500 });
    b.observe(1, { revision: 7, value: other(1) }, 0);
    expect(b.freeSlot(3999)).toBeUndefined();
    // Renewed at 3 s: live again for a whole TTL from when we saw it.
    b.observe(1, { revision: 9, value: other(1) }, 3000);
    expect(b.freeSlot(6999)).toBeUndefined();
    b.observe(1, { revision: 9, value: other(1) }, 6999);
    expect(b.freeSlot(7000)).toEqual({ slot: 1, revision: 9 });
  });

  it('a deleted slot is free at once', () => {
    const b = createLeaseBook({ maxBinds: 1, ttlMs: 4000, marginMs: 500 });
    b.observe(1, { revision: 7, value: other(1) }, 0);
    b.observe(1, null, 100);
    expect(b.freeSlot(100)).toEqual({ slot: 1, revision: 0 });
  });

  it('a held lease is proven from the send time of its last write, TTL minus the margin, never from its answer', () => {
    const b = createLeaseBook({ maxBinds: 2, ttlMs: 4000, marginMs: 500 });
    b.held(1, { bindNo: 1, sends: true }, 3, 1000);
    expect(b.expired(4499)).toEqual([]);
    expect(b.expired(4500)).toEqual([1]);
    b.held(1, { bindNo: 1, sends: true }, 4, 2000);
    expect(b.expired(4500)).toEqual([]);
    expect(b.own()).toEqual([{ slot: 1, bindNo: 1, sends: true, revision: 4, provenUntil: 5500 }]);
  });

  it('another process cannot see our slot free before our proof ends (the maxBinds guarantee)', () => {
    // Theirs: they first see our write at or after we sent it; ours: we stop using it margin before sentAt + TTL.
    const ours = createLeaseBook({ maxBinds: 1, ttlMs: 4000, marginMs: 500 });
    const theirs = createLeaseBook({ maxBinds: 1, ttlMs: 4000, marginMs: 500 });
    const sentAt = 10_000;
    ours.held(1, { bindNo: 1, sends: true }, 5, sentAt);
    theirs.observe(1, { revision: 5, value: other(1) }, sentAt + 30);
    const provenUntil = ours.own()[0]!.provenUntil;
    for (let t = sentAt; t < provenUntil; t += 10) expect(theirs.freeSlot(t)).toBeUndefined();
    expect(theirs.freeSlot(sentAt + 30 + 4000)).toEqual({ slot: 1, revision: 5 });
  });

  it('never offers its own slots', () => {
    const b = createLeaseBook({ maxBinds: 2, ttlMs: 4000, marginMs: 500 });
    b.held(1, { bindNo: 1, sends: true }, 3, 0);
    expect(b.freeSlot(100_000)).toEqual({ slot: 2, revision: 0 });
  });

  it('counts live sending slots: its own while proven, others while renewed, receivers left out, unreadable values in', () => {
    const b = createLeaseBook({ maxBinds: 5, ttlMs: 4000, marginMs: 500 });
    b.held(1, { bindNo: 1, sends: true }, 3, 0);
    b.held(2, { bindNo: 2, sends: false }, 4, 0);
    b.observe(3, { revision: 1, value: other(1) }, 0);
    b.observe(4, { revision: 2, value: other(2, false) }, 0);
    b.observe(5, { revision: 3, value: undefined }, 0);
    expect(b.liveSending(1000)).toBe(3);
    // Ours past proof, the others not renewed for a TTL: nothing live.
    expect(b.liveSending(4000)).toBe(0);
  });

  it('a dropped slot is neither held nor counted', () => {
    const b = createLeaseBook({ maxBinds: 2, ttlMs: 4000, marginMs: 500 });
    b.held(1, { bindNo: 1, sends: true }, 3, 0);
    b.dropped(1);
    expect(b.own()).toEqual([]);
    expect(b.expired(10_000)).toEqual([]);
  });
});

describe('bind share', () => {
  it('splits the account rate over the live sending leases', () => {
    expect(bindShare({ accountTps: 150, maxBinds: 5, liveSending: 5, healthy: true, cap: 1000 })).toBe(30);
    expect(bindShare({ accountTps: 150, maxBinds: 5, liveSending: 3, healthy: true, cap: 1000 })).toBe(50);
  });

  it('with no live lease seen (its own not yet counted) it still never exceeds the account', () => {
    expect(bindShare({ accountTps: 150, maxBinds: 5, liveSending: 0, healthy: true, cap: 1000 })).toBe(150);
  });

  it('out of reach of the bucket, falls back to accountTps / maxBinds, never the full rate', () => {
    expect(bindShare({ accountTps: 150, maxBinds: 5, liveSending: 1, healthy: false, cap: 1000 })).toBe(30);
  });

  it('the per-bind cap (tps) still applies', () => {
    expect(bindShare({ accountTps: 150, maxBinds: 5, liveSending: 1, healthy: true, cap: 40 })).toBe(40);
  });
});
