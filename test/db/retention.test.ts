/**
 * Retention on PostgreSQL and PGlite: a sweep deletes exactly the message rows (with their parts), unmatched receipts
 * and inbound messages older than their ages, in batches, and nothing else — not a message held for a sendAt after
 * the cut-off, not a row without an acceptance time, not a young row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../internal/core/clock.js';
import { newMessageId } from '../../internal/core/ids.js';
import { inboundMessages, messageParts, messages, orphanReceipts } from '../../internal/db/schema.js';
import { noopLogger } from '../../internal/log/logger.js';
import { STATUS_RANK } from '../../internal/sms/status.js';
import { startRetention } from '../../internal/status/retention.js';
import { backends, type OpenedBackend } from './backends.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

describe.each(backends)('retention on $name', (backend) => {
  let opened: OpenedBackend;
  const keep = new Set<string>();
  const doomed = new Set<string>();
  let multiPartOld = '';

  beforeAll(async () => {
    opened = await backend.open();
    const db = opened.database.db;
    const row = (id: string, acceptedAt: Date | null, sendAt: Date | null = null) => ({
      id,
      clientId: 'c',
      carrier: 'acme',
      status: 'delivered' as const,
      statusRank: STATUS_RANK.delivered,
      acceptedAt,
      sendAt,
      updatedAt: new Date(NOW - 90 * DAY),
    });
    const rows = [];
    for (let i = 0; i < 25; i++) {
      const id = newMessageId(NOW - 40 * DAY + i);
      doomed.add(id);
      rows.push(row(id, new Date(NOW - (31 + i) * DAY)));
    }
    multiPartOld = [...doomed][0]!;
    for (let i = 0; i < 5; i++) {
      const id = newMessageId(NOW - 29 * DAY + i);
      keep.add(id);
      rows.push(row(id, new Date(NOW - 29 * DAY + i * 1000)));
    }
    const heldFuture = newMessageId(NOW - 60 * DAY);
    keep.add(heldFuture);
    rows.push(row(heldFuture, new Date(NOW - 60 * DAY), new Date(NOW + DAY)));
    const heldPast = newMessageId(NOW - 60 * DAY + 1);
    doomed.add(heldPast);
    rows.push(row(heldPast, new Date(NOW - 60 * DAY), new Date(NOW - 45 * DAY)));
    const neverAccepted = newMessageId(NOW - 60 * DAY + 2);
    keep.add(neverAccepted);
    rows.push(row(neverAccepted, null));
    await db.insert(messages).values(rows);
    const part = (messageId: string, n: number) => ({ messageId, part: n, parts: 2, carrier: 'acme', smscMessageId: `${messageId}-${n}`, submittedAt: new Date(NOW - 35 * DAY) });
    const youngMulti = [...keep][0]!;
    await db.insert(messageParts).values([part(multiPartOld, 1), part(multiPartOld, 2), part(youngMulti, 1), part(youngMulti, 2)]);
    await db.insert(orphanReceipts).values(
      [40, 35, 31, 20, 1].map((d, i) => ({ carrier: 'acme', smscMessageId: `orphan-${i}`, stat: 'DELIVRD', receivedAt: new Date(NOW - d * DAY) })),
    );
    await db.insert(inboundMessages).values(
      Array.from({ length: 15 }, (_, i) => ({
        id: newMessageId(NOW - 10 * DAY + i),
        carrier: 'acme',
        from: '+447700900001',
        to: '12345',
        text: `mo ${i}`,
        dataCoding: 0,
        // 12 are 8 days old or more, 3 are younger than the 7 days kept.
        receivedAt: new Date(NOW - (i < 12 ? 8 + i / 10 : 6) * DAY),
        clientId: 'c',
      })),
    );
  });

  afterAll(async () => {
    await opened?.cleanup();
  });

  it('deletes only what is older than its age, in batches, and nothing on a second sweep', async () => {
    const db = opened.database.db;
    const retention = startRetention({
      db,
      config: { messagesDays: 30, inboundDays: 7, batchSize: 10, intervalMs: 60_000, pauseMs: 0 },
      log: noopLogger,
      clock: { now: () => NOW, setTimer: systemClock.setTimer },
      periodic: false,
    });
    // 26 old messages at 10 per statement, stored newest first (against time order): the statements that follow the
    // newest time deleted pass the others over, and the pass from the beginning finds them within the same sweep.
    expect(await retention.sweep()).toEqual({ messages: 26, orphanReceipts: 3, inbound: 12 });
    const left = await db.select({ id: messages.id }).from(messages);
    expect(new Set(left.map((r) => r.id))).toEqual(keep);
    const parts = await db.select({ id: messageParts.messageId }).from(messageParts);
    expect(parts.map((p) => p.id)).not.toContain(multiPartOld);
    expect(parts).toHaveLength(2);
    const orphans = await db.select({ id: orphanReceipts.smscMessageId }).from(orphanReceipts);
    expect(orphans.map((o) => o.id).sort()).toEqual(['orphan-3', 'orphan-4']);
    const inbound = await db.select({ text: inboundMessages.text }).from(inboundMessages);
    expect(inbound.map((r) => r.text).sort()).toEqual(['mo 12', 'mo 13', 'mo 14']);
    expect(await retention.sweep()).toEqual({ messages: 0, orphanReceipts: 0, inbound: 0 });
    await retention.stop();
  });

  it('keeps everything when no age is set', async () => {
    const db = opened.database.db;
    const before = (await db.select({ id: messages.id }).from(messages)).length;
    const retention = startRetention({
      db,
      config: { batchSize: 10, intervalMs: 60_000, pauseMs: 0 },
      log: noopLogger,
      clock: { now: () => NOW + 365 * DAY, setTimer: systemClock.setTimer },
      periodic: false,
    });
    expect(await retention.sweep()).toEqual({ messages: 0, orphanReceipts: 0, inbound: 0 });
    expect((await db.select({ id: messages.id }).from(messages)).length).toBe(before);
    await retention.stop();
  });
});
