/**
 * The callback worker's store on both backends: changes resolved to their messages (one-part by the message's SMSC
 * id, multi-part by a part's, verdicts by id), failed callbacks listed per client in pages and replayed once, and
 * endpoints disabled and switched on again by a replay.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackJob } from '../../internal/bus/codec-changes.js';
import type { CallbackStore } from '../../internal/callbacks/callback-store.js';
import { createPgCallbackStore } from '../../internal/callbacks/pg-callback-store.js';
import { createPgStatusStore } from '../../internal/status/pg-status-store.js';
import type { StatusStore } from '../../internal/status/status-store.js';
import { backends, type OpenedBackend } from './backends.js';

const T0 = Date.UTC(2026, 11, 3, 10, 0, 0, 0);

const job = (wid: string, client = 'acme', o: Partial<CallbackJob> = {}): CallbackJob => ({ wid, client, url: 'https://hooks.example/cb', body: `{"id":"${wid}"}`, attempts: 3, due: 0, made: 0, ref: wid, type: 'message.status', ...o });

describe.each(backends)('callback store on $name', (backend) => {
  let opened: OpenedBackend;
  let status: StatusStore;
  let store: CallbackStore;

  beforeAll(async () => {
    opened = await backend.open();
    status = createPgStatusStore(opened.database);
    store = createPgCallbackStore(opened.database);
  });

  afterAll(async () => {
    await status?.close();
    await opened?.cleanup();
  });

  it('resolves receipts and verdicts to the message rows they changed, with the message\'s own callbackUrl', async () => {
    const [one, multi, rejected] = [randomUUID(), randomUUID(), randomUUID()];
    const facts = (id: string, extra: Record<string, unknown> = {}) => ({ id, clientId: 'acme', clientRef: `ref-${id.slice(0, 4)}`, carrier: 'k', to: '+447700900001', from: 'X', encoding: 'gsm7' as const, segments: 1, acceptedAt: T0, ...extra });
    await status.apply([
      { kind: 'accepted', message: facts(one, { callbackUrl: 'https://own.example/x' }) },
      { kind: 'accepted', message: facts(multi, { segments: 2 }) },
      { kind: 'accepted', message: facts(rejected) },
      { kind: 'submitted', id: one, carrier: 'k', part: 1, parts: 1, smscMessageId: `s-${one}`, at: T0 + 100 },
      { kind: 'submitted', id: multi, carrier: 'k', part: 1, parts: 2, smscMessageId: `s1-${multi}`, at: T0 + 100 },
      { kind: 'submitted', id: multi, carrier: 'k', part: 2, parts: 2, smscMessageId: `s2-${multi}`, at: T0 + 100 },
    ]);
    await status.apply([
      { kind: 'receipt', carrier: 'k', smscMessageId: `s-${one}`, status: 'delivered', stat: 'DELIVRD', err: null, doneAt: null, at: T0 + 1000 },
      { kind: 'receipt', carrier: 'k', smscMessageId: `s2-${multi}`, status: 'undeliverable', stat: 'UNDELIV', err: '001', doneAt: null, at: T0 + 1000 },
      { kind: 'failed', id: rejected, carrier: 'k', status: 'rejected', error: 'smsc status 0x0000000b ESME_RINVDSTADR', at: T0 + 500 },
    ]);
    const rows = await store.resolveChanges([
      { k: 'r', c: 'k', x: `s-${one}`, st: 'delivered', stat: 'DELIVRD', err: null, at: T0 + 1000 },
      { k: 'r', c: 'k', x: `s2-${multi}`, st: 'undeliverable', stat: 'UNDELIV', err: '001', at: T0 + 1000 },
      { k: 'f', id: rejected, st: 'rejected', at: T0 + 500 },
      { k: 'r', c: 'k', x: 'nobody', st: 'delivered', stat: 'DELIVRD', err: null, at: T0 },
      { k: 'f', id: randomUUID(), st: 'failed', at: T0 },
    ]);
    expect([...rows.keys()].sort()).toEqual([0, 1, 2]);
    expect(rows.get(0)).toEqual({ id: one, clientId: 'acme', clientRef: `ref-${one.slice(0, 4)}`, status: 'delivered', carrier: 'k', to: '+447700900001', segments: 1, error: null, doneAt: new Date(T0 + 1000).toISOString(), callbackUrl: 'https://own.example/x' });
    expect(rows.get(1)).toMatchObject({ id: multi, status: 'undeliverable', segments: 2, error: 'stat:UNDELIV err:001', callbackUrl: null });
    expect(rows.get(2)).toMatchObject({ id: rejected, status: 'rejected', error: 'smsc status 0x0000000b ESME_RINVDSTADR' });
  });

  it('lists a client\'s failed callbacks newest first in pages, and hands each out for replay once', async () => {
    for (let i = 0; i < 5; i++) await store.recordFailure(job(`w${i}`), `HTTP 500 (${i})`, T0 + i * 1000);
    await store.recordFailure(job('other', 'someone-else'), 'HTTP 500', T0);
    const first = await store.listFailures('acme', 2);
    expect(first.callbacks.map((c) => c.webhookId)).toEqual(['w4', 'w3']);
    expect(first.callbacks[0]).toMatchObject({ attempts: 3, lastError: 'HTTP 500 (4)', failedAt: new Date(T0 + 4000).toISOString(), body: '{"id":"w4"}' });
    const second = await store.listFailures('acme', 2, first.next!);
    expect(second.callbacks.map((c) => c.webhookId)).toEqual(['w2', 'w1']);
    const third = await store.listFailures('acme', 2, second.next!);
    expect(third.callbacks.map((c) => c.webhookId)).toEqual(['w0']);
    expect(third.next).toBeNull();

    expect(await store.takeForReplay('someone-else', 'w4')).toBeNull();
    expect((await store.takeForReplay('acme', 'w4'))?.webhookId).toBe('w4');
    expect(await store.takeForReplay('acme', 'w4')).toBeNull();
    expect((await store.listFailures('acme', 10)).callbacks.map((c) => c.webhookId)).toEqual(['w3', 'w2', 'w1', 'w0']);
    // Failing again after a replay puts it back on the list.
    await store.recordFailure(job('w4'), 'HTTP 503', T0 + 9000);
    expect((await store.listFailures('acme', 1)).callbacks[0]).toMatchObject({ webhookId: 'w4', lastError: 'HTTP 503' });
  });

  it('keeps endpoints disabled until a replay of one of their callbacks', async () => {
    const url = 'https://gone.example/cb';
    await store.disableEndpoint(url, 'acme', 'answered 410 Gone', T0);
    await store.disableEndpoint(url, 'acme', 'answered 410 Gone', T0 + 1);
    expect(await store.disabledEndpoints()).toEqual(new Set([url]));
    await store.recordFailure(job('g1', 'acme', { url }), 'disabled', T0);
    await store.takeForReplay('acme', 'g1');
    expect(await store.disabledEndpoints()).toEqual(new Set());
  });

  it('parks callbacks until due, hands out the due ones oldest first, and forgets them once unparked', async () => {
    await store.park('a@2', job('a', 'acme', { due: T0 + 2000 }));
    await store.park('b@1', job('b', 'acme', { due: T0 + 1000 }));
    await store.park('c@9', job('c', 'acme', { due: T0 + 9000 }));
    await store.park('b@1', job('b', 'acme', { due: T0 + 1000, attempts: 7 }));
    expect(await store.dueParked(T0 + 500, 10)).toEqual([]);
    const due = await store.dueParked(T0 + 2000, 10);
    expect(due.map((p) => p.key)).toEqual(['b@1', 'a@2']);
    expect(due[0]!.job).toEqual(job('b', 'acme', { due: T0 + 1000 }));
    expect((await store.dueParked(T0 + 2000, 1)).map((p) => p.key)).toEqual(['b@1']);
    await store.unpark(['b@1', 'a@2']);
    expect(await store.dueParked(T0 + 10_000, 10)).toEqual([{ key: 'c@9', job: job('c', 'acme', { due: T0 + 9000 }) }]);
  });
});
