/** The status store's scheduled and canceled states and its keyset listing, on PostgreSQL and on PGlite. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMessageId } from '../../internal/core/ids.js';
import { createPgStatusStore } from '../../internal/status/pg-status-store.js';
import type { ListFilter, StatusStore } from '../../internal/status/status-store.js';
import type { AcceptedEvent, StatusEvent } from '../../internal/sms/events.js';
import { backends, type OpenedBackend } from './backends.js';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0, 0);

function accepted(id: string, o: { at?: number; client?: string; to?: string; ref?: string; sendAt?: number; scheduled?: boolean } = {}): AcceptedEvent {
  const message = {
    id,
    clientId: o.client ?? 'client-a',
    clientRef: o.ref,
    carrier: 'acme',
    to: o.to ?? '+447700900123',
    from: 'ACME',
    encoding: 'gsm7' as const,
    segments: 1,
    acceptedAt: o.at ?? T0,
    ...(o.sendAt !== undefined ? { sendAt: o.sendAt, validUntil: o.sendAt + 60_000 } : {}),
  };
  return o.scheduled ? { kind: 'accepted', message, scheduled: true } : { kind: 'accepted', message };
}

describe.each(backends)('listing and scheduled states on $name', (backend) => {
  let opened: OpenedBackend;
  let store: StatusStore;

  beforeAll(async () => {
    opened = await backend.open();
    store = createPgStatusStore(opened.database);
  });
  afterAll(async () => {
    await store?.close();
    await opened?.cleanup();
  });

  it('records a held message as scheduled, raises it to accepted on release in any order, and never lowers it', async () => {
    const id = newMessageId(T0);
    const sendAt = T0 + 3_600_000;
    await store.apply([accepted(id, { scheduled: true, sendAt })]);
    expect(await store.getMessage(id, 'client-a')).toMatchObject({ status: 'scheduled', sendAt: new Date(sendAt).toISOString(), validUntil: new Date(sendAt + 60_000).toISOString() });
    await store.apply([accepted(id, { sendAt })]);
    expect((await store.getMessage(id, 'client-a'))!.status).toBe('accepted');
    // A late replay of the scheduled event changes nothing.
    await store.apply([accepted(id, { scheduled: true, sendAt })]);
    expect((await store.getMessage(id, 'client-a'))!.status).toBe('accepted');
    // Both in one batch, either order: accepted wins.
    for (const order of [[true, false], [false, true]]) {
      const j = newMessageId(T0);
      await store.apply(order.map((s) => accepted(j, { scheduled: s, sendAt })));
      expect((await store.getMessage(j, 'client-a'))!.status).toBe('accepted');
    }
  });

  it('ends a canceled message canceled, first final wins, and a later accepted event does not revive it', async () => {
    const id = newMessageId(T0);
    const events: StatusEvent[] = [accepted(id, { scheduled: true, sendAt: T0 + 1000 }), { kind: 'failed', id, carrier: 'acme', status: 'canceled', error: 'canceled by the client', at: T0 + 10 }];
    const r = await store.apply(events);
    expect(r.finals).toEqual({ canceled: 1 });
    await store.apply([accepted(id, { sendAt: T0 + 1000 })]);
    expect(await store.getMessage(id, 'client-a')).toMatchObject({ status: 'canceled', error: 'canceled by the client' });
  });

  it('pages newest first across ties in acceptance time, with every filter, one client at a time', async () => {
    const client = `lister-${backend.name}`;
    const ids: string[] = [];
    const events: StatusEvent[] = [];
    // 30 messages: ten per instant (a batch shares its acceptance time), three instants.
    for (let i = 0; i < 30; i++) {
      const id = newMessageId(T0 + Math.floor(i / 10) * 1000);
      ids.push(id);
      events.push(accepted(id, { client, at: T0 + Math.floor(i / 10) * 1000, to: i % 3 === 0 ? '+447700900999' : `+4477009001${String(i).padStart(2, '0')}`, ref: `r-${i}` }));
    }
    events.push(accepted(newMessageId(T0), { client: 'someone-else' }));
    await store.apply(events);
    const byNewest = [...ids].sort((a, b) => {
      const ta = T0 + Math.floor(ids.indexOf(a) / 10) * 1000;
      const tb = T0 + Math.floor(ids.indexOf(b) / 10) * 1000;
      return tb - ta || (a < b ? 1 : -1);
    });
    const all: string[] = [];
    let f: ListFilter = { limit: 7 };
    for (let n = 0; n < 10; n++) {
      const page = await store.listMessages(client, f);
      all.push(...page.messages.map((m) => m.id));
      if (!page.next) break;
      f = { limit: 7, after: page.next };
    }
    expect(all).toEqual(byNewest);
    const to = await store.listMessages(client, { limit: 100, to: '+447700900999' });
    expect(to.messages.map((m) => m.id)).toEqual(byNewest.filter((id) => ids.indexOf(id) % 3 === 0));
    expect((await store.listMessages(client, { limit: 100, clientRef: 'r-4' })).messages.map((m) => m.id)).toEqual([ids[4]]);
    expect((await store.listMessages(client, { limit: 100, since: T0 + 1000, until: T0 + 2000 })).messages).toHaveLength(10);
    expect((await store.listMessages(client, { limit: 100, status: 'delivered' })).messages).toEqual([]);
    expect((await store.listMessages(client, { limit: 100, status: 'accepted' })).messages).toHaveLength(30);
    expect((await store.listMessages('nobody', { limit: 100 })).messages).toEqual([]);
  });
});
