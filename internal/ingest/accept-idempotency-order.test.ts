import { describe, expect, it } from 'vitest';
import { createMemoryKvBucket } from '../bus/memory-kv-store.js';
import type { Publisher } from '../bus/publisher.js';
import { createRouteTable } from '../routing/route-table.js';
import { createAcceptor } from './accept-message.js';
import type { IdempotencyStore } from './idempotency.js';
import { createKvIdempotencyStore } from './kv-idempotency-store.js';

/** A KV idempotency store whose `complete` calls wait until the test opens the gate. */
function gatedStore() {
  const bucket = createMemoryKvBucket();
  const inner = createKvIdempotencyStore(bucket.view(), { leaseMs: 60_000 });
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let completed = 0;
  const store: IdempotencyStore = {
    claim: (k, fp) => inner.claim(k, fp),
    release: (k, r) => inner.release(k, r),
    async complete(k, r, fp, result) {
      await gate;
      await inner.complete(k, r, fp, result);
      completed++;
    },
  };
  return { store, open, completed: () => completed };
}

function acceptorWith(idempotency: IdempotencyStore, maxCompleting?: number) {
  let published = 0;
  const publisher: Publisher = {
    async publish() {
      published++;
      return { stream: 'SMS_MT', seq: published, duplicate: false };
    },
  };
  const a = createAcceptor({ publisher, routes: createRouteTable([{ prefix: '+44', carrier: 'uk' }]), maxTextLength: 1600, publishDeadlineMs: 1000, idempotency, maxCompleting });
  return { a, published: () => published };
}

const body = (n: number) => ({ to: '+447700900123', from: 'ACME', text: `hi ${n}` });
const tick = () => new Promise((r) => setImmediate(r));

describe('a keyed send is answered once its message is stored, before its idempotency record is completed', () => {
  it('answers while the record is still pending; a retry meanwhile is in flight, and afterwards gets the first answer', async () => {
    const g = gatedStore();
    const { a, published } = acceptorWith(g.store);
    const first = await a.accept({ clientId: 'c', body: body(1), idempotencyKey: 'k1' });
    expect(first).toMatchObject({ kind: 'accepted', replayed: false, status: 'accepted' });
    expect(g.completed()).toBe(0);
    expect((await a.accept({ clientId: 'c', body: body(1), idempotencyKey: 'k1' })).kind).toBe('key_in_flight');
    const settled = a.settle();
    let done = false;
    void settled.then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    g.open();
    await settled;
    expect(g.completed()).toBe(1);
    const again = await a.accept({ clientId: 'c', body: body(1), idempotencyKey: 'k1' });
    expect(again).toEqual({ ...first, replayed: true });
    expect(published()).toBe(1);
  });

  it('past maxCompleting outstanding records, an answer waits for its own record', async () => {
    const g = gatedStore();
    const { a } = acceptorWith(g.store, 2);
    expect((await a.accept({ clientId: 'c', body: body(1), idempotencyKey: 'a' })).kind).toBe('accepted');
    expect((await a.accept({ clientId: 'c', body: body(2), idempotencyKey: 'b' })).kind).toBe('accepted');
    let third: unknown;
    const p = a.accept({ clientId: 'c', body: body(3), idempotencyKey: 'c' }).then((r) => (third = r));
    for (let i = 0; i < 5; i++) await tick();
    expect(third).toBeUndefined();
    g.open();
    await p;
    expect(third).toMatchObject({ kind: 'accepted' });
    await a.settle();
    expect(g.completed()).toBe(3);
  });

  it('a record that cannot be completed leaves the answer standing and settle() still returns', async () => {
    const bucket = createMemoryKvBucket();
    const view = bucket.view();
    const inner = createKvIdempotencyStore(view, { leaseMs: 60_000 });
    const failing: IdempotencyStore = { ...inner, complete: async () => Promise.reject(new Error('bus away')) };
    const { a } = acceptorWith(failing);
    expect((await a.accept({ clientId: 'c', body: body(1), idempotencyKey: 'x' })).kind).toBe('accepted');
    await a.settle();
  });
});
