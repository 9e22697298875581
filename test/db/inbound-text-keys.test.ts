/**
 * Inbound texts at rest on PostgreSQL and PGlite: sealed under the newest configured key, the key id stored with each
 * row, read back through the inbound listing; after a rotation (a key added) old rows still open and new rows use
 * the new key; once a key is dropped its rows come back without text, saying which key is missing.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMessageId } from '../../internal/core/ids.js';
import { inboundMessages } from '../../internal/db/schema.js';
import { createPgInboundReader } from '../../internal/inbound/inbound-reader.js';
import type { InboundMessage } from '../../internal/inbound/inbound-store.js';
import { createPgInboundStore } from '../../internal/inbound/pg-inbound-store.js';
import { createTextCipher } from '../../internal/inbound/text-cipher.js';
import { backends, type OpenedBackend } from './backends.js';

const k1 = { id: 'k1', key: randomBytes(32).toString('base64') };
const k2 = { id: 'k2', key: randomBytes(32).toString('base64') };
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

const mo = (text: string, at: number, clientId: string | null = 'shop'): InboundMessage => ({
  id: newMessageId(at),
  carrier: 'uk',
  from: '+447700900001',
  to: '12345',
  text,
  dataCoding: 8,
  parts: 1,
  receivedAt: at,
  clientId,
});

describe.each(backends)('inbound texts at rest on $name', (backend) => {
  let opened: OpenedBackend;

  beforeAll(async () => {
    opened = await backend.open();
  });
  afterAll(async () => {
    await opened?.cleanup();
  });

  it('seals, lists, rotates and reports a retired key', async () => {
    const db = opened.database.db;
    const first = mo('Привет, первый ключ', T0);
    await createPgInboundStore(opened.database, createTextCipher([k1])).record([first]);
    const [raw] = await db.select().from(inboundMessages).where(eq(inboundMessages.id, first.id));
    expect(raw).toMatchObject({ textKeyId: 'k1', clientId: 'shop' });
    expect(raw!.text).not.toContain('Привет');

    // Rotation: k2 added after k1 seals new rows; both open.
    const rotated = createTextCipher([k1, k2]);
    const second = mo('second key 👋', T0 + 1000);
    await createPgInboundStore(opened.database, rotated).record([second, mo('nobody routed this', T0 + 2000, null)]);
    const [raw2] = await db.select().from(inboundMessages).where(eq(inboundMessages.id, second.id));
    expect(raw2!.textKeyId).toBe('k2');
    const page = await createPgInboundReader(opened.database, rotated).listInbound('shop', { limit: 10 });
    expect(page.messages.map((m) => [m.text, m.encoding])).toEqual([
      ['second key 👋', 'ucs2'],
      ['Привет, первый ключ', 'ucs2'],
    ]);
    expect(page.next).toBeNull();

    // Storing again (a redelivered MO) changes nothing.
    await createPgInboundStore(opened.database, rotated).record([first]);
    expect((await db.select().from(inboundMessages).where(eq(inboundMessages.id, first.id)))[0]!.text).toBe(raw!.text);

    // k1 retired: its row has no text and says why; the k2 row still opens.
    const after = await createPgInboundReader(opened.database, createTextCipher([k2])).listInbound('shop', { limit: 10 });
    expect(after.messages[0]).toMatchObject({ text: 'second key 👋' });
    expect(after.messages[1]).toMatchObject({ text: null, textError: expect.stringContaining('"k1" is not configured') });
  });

  it('pages newest first with a cursor, and stores texts as they are without keys', async () => {
    const plain = createTextCipher([]);
    const ms = Array.from({ length: 5 }, (_, i) => ({ ...mo(`page ${i}`, T0 + 10_000 + i), clientId: 'pager' }));
    await createPgInboundStore(opened.database, plain).record(ms);
    const [raw] = await opened.database.db.select().from(inboundMessages).where(eq(inboundMessages.id, ms[0]!.id));
    expect(raw).toMatchObject({ text: 'page 0', textKeyId: null });
    const reader = createPgInboundReader(opened.database, plain);
    const p1 = await reader.listInbound('pager', { limit: 2 });
    const p2 = await reader.listInbound('pager', { limit: 2, after: p1.next! });
    const p3 = await reader.listInbound('pager', { limit: 2, after: p2.next! });
    expect([...p1.messages, ...p2.messages, ...p3.messages].map((m) => m.text)).toEqual(['page 4', 'page 3', 'page 2', 'page 1', 'page 0']);
    expect(p3.next).toBeNull();
    const since = await reader.listInbound('pager', { limit: 10, since: T0 + 10_003 });
    expect(since.messages.map((m) => m.text)).toEqual(['page 4', 'page 3']);
  });
});
