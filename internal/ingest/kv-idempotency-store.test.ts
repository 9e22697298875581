import { describe, expect, it, vi } from 'vitest';
import { createMemoryKvBucket, type MemoryKvView } from '../bus/memory-kv-store.js';
import type { KvStore } from '../bus/kv-store.js';
import type { ClaimOwners } from './claim-owners.js';
import type { StoredResult } from './idempotency.js';
import { createKvIdempotencyStore, settledMarkKey, type KvIdempotencyOptions, type KvIdempotencyStore } from './kv-idempotency-store.js';

const answer = (carrier = 'uk'): StoredResult => ({ id: 'k1', status: 'accepted', carrier, segments: 1, encoding: 'gsm7' });
const enc = new TextEncoder();

/** Edges sharing one bucket; an edge is alive while it is in the map, as it answers on NATS while its process lives. */
function fleet() {
  const bucket = createMemoryKvBucket();
  const alive = new Map<string, KvIdempotencyStore>();
  const owners: ClaimOwners = {
    ask: async (owner, key) => {
      const e = alive.get(owner);
      return e ? (e.isOpen(key) ? 'open' : 'closed') : 'gone';
    },
  };
  return {
    bucket,
    edge(owner: string, o: Partial<KvIdempotencyOptions> & { kv?: KvStore } = {}) {
      const s = createKvIdempotencyStore(o.kv ?? bucket.view(), { owner, owners, leaseMs: 8000, duplicateWindowMs: 600_000, markEveryMs: 3_600_000, ...o });
      alive.set(owner, s);
      return s;
    },
    kill: (owner: string) => alive.delete(owner),
  };
}

describe('KV idempotency store', () => {
  it('writes one record per keyed send: in flight until settled, then replayed by every edge', async () => {
    const f = fleet();
    const a = f.edge('a');
    const b = f.edge('b');
    const c = await a.claim('k1', 'fp', answer());
    expect(c).toMatchObject({ kind: 'owner' });
    expect(await a.claim('k1', 'fp', answer())).toEqual({ kind: 'in_flight' });
    expect(await b.claim('k1', 'fp', answer())).toEqual({ kind: 'in_flight' });
    const revision = f.bucket.entries().get('k1')!.revision;
    a.settle('k1');
    expect(await b.claim('k1', 'fp', answer('other'))).toEqual({ kind: 'replay', result: answer() });
    expect(await a.claim('k1', 'fp', answer())).toEqual({ kind: 'replay', result: answer() });
    // Settling wrote nothing: the claim's record is the answer.
    expect(f.bucket.entries().get('k1')!.revision).toBe(revision);
    expect(await b.claim('k1', 'another body', answer())).toEqual({ kind: 'mismatch' });
  });

  it('gives one of concurrent claims on one edge the key, keeps it open, and refuses another body there with a mismatch', async () => {
    const f = fleet();
    const a = f.edge('a');
    const all = await Promise.all(Array.from({ length: 5 }, () => a.claim('k1', 'fp', answer())));
    expect(all.filter((c) => c.kind === 'owner')).toHaveLength(1);
    expect(all.filter((c) => c.kind === 'in_flight')).toHaveLength(4);
    expect(a.isOpen('k1')).toBe(true);
    expect(await a.claim('k1', 'another body', answer())).toEqual({ kind: 'mismatch' });
    expect(await f.edge('b').claim('k1', 'fp', answer())).toEqual({ kind: 'in_flight' });
  });

  it('says a claim is open while its write is landed but not yet acknowledged, so no other edge replays it early', async () => {
    const f = fleet();
    const view = f.bucket.view();
    let acknowledge: () => void = () => {};
    const acked = new Promise<void>((r) => (acknowledge = r));
    const kv: KvStore = {
      ...view,
      async create(key, value) {
        const rev = await view.create(key, value);
        await acked; // stored in the bucket; its PubAck still on the way
        return rev;
      },
    };
    const a = f.edge('a', { kv });
    const b = f.edge('b');
    const claiming = a.claim('k1', 'fp', answer());
    await new Promise((r) => setImmediate(r));
    expect(f.bucket.entries().has('k1')).toBe(true);
    expect(await b.claim('k1', 'fp', answer())).toEqual({ kind: 'in_flight' });
    acknowledge();
    expect(await claiming).toMatchObject({ kind: 'owner' });
    expect(await b.claim('k1', 'fp', answer())).toEqual({ kind: 'in_flight' });
  });

  it('writes a key once at a time on one edge: a second request meanwhile is answered from the record, and cannot close the first', async () => {
    const f = fleet();
    const view = f.bucket.view();
    let creates = 0;
    let acknowledge: () => void = () => {};
    const acked = new Promise<void>((r) => (acknowledge = r));
    const kv: KvStore = {
      ...view,
      async create(key, value) {
        creates++;
        const rev = await view.create(key, value);
        await acked;
        return rev;
      },
    };
    const a = f.edge('a', { kv });
    const first = a.claim('k1', 'fp', answer());
    await new Promise((r) => setImmediate(r));
    expect(await a.claim('k1', 'fp', answer())).toEqual({ kind: 'in_flight' });
    expect(await a.claim('k1', 'another body', answer())).toEqual({ kind: 'mismatch' });
    acknowledge();
    expect(await first).toMatchObject({ kind: 'owner' });
    expect(creates).toBe(1);
    expect(a.isOpen('k1')).toBe(true);
    expect(await f.edge('b').claim('k1', 'fp', answer())).toEqual({ kind: 'in_flight' });
  });

  it('lets a retry store the message again after its claim was released', async () => {
    const f = fleet();
    const a = f.edge('a');
    const b = f.edge('b');
    const c = await a.claim('k1', 'fp', answer());
    if (c.kind !== 'owner') throw new Error('not owner');
    await a.release('k1', c.revision);
    expect(a.isOpen('k1')).toBe(false);
    expect(await b.claim('k1', 'fp', answer())).toMatchObject({ kind: 'owner' });
  });

  it('takes over at once the claim of an edge that died holding it, to store it as that edge recorded it', async () => {
    const f = fleet();
    const onTakeover = vi.fn();
    const a = f.edge('a');
    const b = f.edge('b', { onTakeover });
    await a.claim('k1', 'fp', answer('uk'));
    f.kill('a');
    const c = await b.claim('k1', 'fp', answer('routed-elsewhere-now'));
    expect(c).toMatchObject({ kind: 'owner', prior: answer('uk') });
    expect(onTakeover).toHaveBeenCalledWith(true);
    // The record is b's now: in flight until b settles it, then replayed with the first answer.
    expect(await f.edge('c').claim('k1', 'fp', answer())).toEqual({ kind: 'in_flight' });
    b.settle('k1');
    expect(await f.edge('d').claim('k1', 'fp', answer())).toEqual({ kind: 'replay', result: answer('uk') });
  });

  it('replays, without a takeover, the claims a gone edge had settled before its last mark', async () => {
    const f = fleet();
    const a = f.edge('a');
    await a.claim('k1', 'fp', answer());
    a.settle('k1');
    await a.close(1000);
    expect(f.bucket.entries().has(settledMarkKey('a'))).toBe(true);
    f.kill('a');
    const onTakeover = vi.fn();
    expect(await f.edge('b', { onTakeover }).claim('k1', 'fp', answer())).toEqual({ kind: 'replay', result: answer() });
    expect(onTakeover).not.toHaveBeenCalled();
  });

  it('does not let the mark pass a claim still open, and says when a takeover comes after the duplicate window', async () => {
    let t = 1_000_000;
    const now = () => t;
    const f = fleet();
    const a = f.edge('a', { now });
    await a.claim('k0', 'fp', answer());
    a.settle('k0');
    t += 5;
    await a.claim('k1', 'fp', answer());
    t += 5;
    await a.claim('k2', 'fp', answer());
    a.settle('k2');
    await a.close(0);
    f.kill('a');
    t += 700_000;
    const onTakeover = vi.fn();
    const b = f.edge('b', { now, onTakeover });
    expect(await b.claim('k0', 'fp', answer())).toEqual({ kind: 'replay', result: answer() });
    // k2 was stored, but the mark stops before k1, which never was: both are taken over (a re-publish, not a loss).
    expect(await b.claim('k2', 'fp', answer())).toMatchObject({ kind: 'owner', prior: answer() });
    expect(await b.claim('k1', 'fp', answer())).toMatchObject({ kind: 'owner', prior: answer() });
    expect(onTakeover).toHaveBeenCalledWith(false);
  });

  it('keeps a claim open while its withdrawal cannot reach NATS, and withdraws it once it can', async () => {
    const f = fleet();
    const kv = f.bucket.view() as MemoryKvView;
    const a = f.edge('a', { kv });
    const b = f.edge('b');
    const c = await a.claim('k1', 'fp', answer());
    if (c.kind !== 'owner') throw new Error('not owner');
    kv.reachable = false;
    await expect(a.release('k1', c.revision)).rejects.toThrow();
    // Not stored, and the record still stands: nobody may replay it.
    expect(await b.claim('k1', 'fp', answer())).toEqual({ kind: 'in_flight' });
    kv.reachable = true;
    await vi.waitFor(() => expect(a.isOpen('k1')).toBe(false), { timeout: 3000 });
    expect(f.bucket.entries().has('k1')).toBe(false);
    expect(await b.claim('k1', 'fp', answer())).toMatchObject({ kind: 'owner' });
  });

  it('withdraws a claim whose write timed out but landed, so that a retry stores the message instead of replaying it', async () => {
    const f = fleet();
    const view = f.bucket.view();
    let lose = true;
    const kv: KvStore = {
      ...view,
      async create(key, value) {
        const rev = await view.create(key, value);
        if (lose) {
          lose = false;
          throw new Error('timeout waiting for the PubAck');
        }
        return rev;
      },
    };
    const a = f.edge('a', { kv });
    const b = f.edge('b');
    await expect(a.claim('k1', 'fp', answer())).rejects.toThrow(/timeout/);
    await vi.waitFor(() => expect(a.isOpen('k1')).toBe(false));
    expect(await b.claim('k1', 'fp', answer())).toMatchObject({ kind: 'owner' });
  });

  it('reads the records of an earlier release: done is replayed, pending is in flight until its lease, then taken over', async () => {
    let t = 5_000_000;
    const f = fleet();
    const view = f.bucket.view();
    await view.create('done', enc.encode(JSON.stringify({ s: 'd', fp: 'fp', r: answer() })));
    await view.create('pending', enc.encode(JSON.stringify({ s: 'p', fp: 'fp', at: t })));
    const b = f.edge('b', { now: () => t });
    expect(await b.claim('done', 'fp', answer())).toEqual({ kind: 'replay', result: answer() });
    expect(await b.claim('pending', 'fp', answer())).toEqual({ kind: 'in_flight' });
    t += 9000;
    const c = await b.claim('pending', 'fp', answer());
    expect(c).toMatchObject({ kind: 'owner' });
    expect(c).not.toHaveProperty('prior');
  });
});
