/**
 * The receipt-before-resp race: the SMSC sends the delivery receipt (and waits for its deliver_sm_resp)
 * before answering submit_sm. The receipt event is still stored, and the real status writer on a real
 * PostgreSQL database retries the receipt it could not match yet, so every message ends `delivered`.
 */
import { createDeadLetterSink } from '../../internal/bus/dead-letters.js';
import { createPublisher } from '../../internal/bus/publisher.js';
import { openStatusSources } from '../../internal/status/status-sources.js';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Durables, Streams } from '../../internal/bus/subjects.js';
import { openDatabase, type Database } from '../../internal/db/client.js';
import { createPgStatusStore } from '../../internal/status/pg-status-store.js';
import type { StatusStore } from '../../internal/status/status-store.js';
import { startStatusWriter, type StatusWriter } from '../../internal/status/status-writer.js';
import { noopLogger } from '../../internal/log/logger.js';
import { createStatusMetrics } from '../../internal/metrics/status.js';
import { startHarness, waitUntil, type Harness } from '../support/connector-harness.js';
import { createTestDatabase } from '../support/postgres.js';

let h: Harness;
let db: { url: string; drop(): Promise<void> };
let database: Database;
let store: StatusStore;
let writer: StatusWriter;
const dlrRegistry = new Registry();

beforeAll(async () => {
  db = await createTestDatabase();
  database = await openDatabase({ url: db.url, maxConnections: 4 });
  store = createPgStatusStore(database);
  h = await startHarness({ carrier: { tps: 200, window: 10 }, sim: { receiptBeforeResp: true } });
  writer = await startStatusWriter({
    store,
    sources: await openStatusSources(h.bus, createDeadLetterSink({ publisher: createPublisher(h.bus), log: noopLogger }), noopLogger),
    metrics: createStatusMetrics(dlrRegistry),
    log: noopLogger,
    // One bus message per transaction: each receipt (stored before its submit) is applied before the submit
    // is, so the unmatched-receipt retry path runs every time rather than when batches happen to split.
    batchSize: 1,
  });
});

afterAll(async () => {
  await writer?.stop();
  await h?.close();
  await store?.close();
  await database?.close();
  await db?.drop();
});

async function dlrMetric(name: string): Promise<number> {
  const m = dlrRegistry.getSingleMetric(name);
  if (!m) return 0;
  return (await m.get()).values.reduce((a, v) => a + v.value, 0);
}

describe('receipt before submit_sm_resp', () => {
  it('the receipt event is stored first, and the message still ends delivered in the database', async () => {
    const msgs = await h.publish([
      ...Array.from({ length: 40 }, (_, i) => ({ to: `+447717${String(i).padStart(6, '0')}`, text: `race ${i}` })),
      { to: '+447717999999', text: 'three parts, every receipt first: '.padEnd(400, 'x') },
    ]);
    const ids = msgs.map((m) => m.id);
    await waitUntil('all submitted', () => h.settled(ids).submitted.size === ids.length, 15_000, 20);

    // The race really happened: each receipt event is in the stream before the submitted event it matches.
    const pos = new Map<string, { receipt?: number; submitted?: number }>();
    h.events.all.forEach((e, i) => {
      if (e.kind !== 'receipt' && e.kind !== 'submitted') return;
      const p = pos.get(e.smscMessageId) ?? {};
      if (e.kind === 'receipt') p.receipt ??= i;
      else p.submitted ??= i;
      pos.set(e.smscMessageId, p);
    });
    expect(pos.size).toBe(43);
    for (const [id, p] of pos) expect(p.receipt!, id).toBeLessThan(p.submitted!);

    const statuses = async () => Promise.all(ids.map(async (id) => (await store.getMessage(id, 'harness'))?.status ?? 'missing'));
    await waitUntil('every message delivered', async () => (await statuses()).every((s) => s === 'delivered'), 30_000, 250);
    const unmatched = await dlrMetric('smsmesh_status_unmatched_receipts_total');
    const orphans = await dlrMetric('smsmesh_status_orphan_receipts_total');
    console.log(`[receipt-first] ${ids.length} msgs (43 submits) delivered; ${unmatched} receipt deliveries retried as unmatched; ${orphans} orphans`);
    expect(unmatched).toBeGreaterThan(0);
    expect(orphans).toBe(0);
    const long = await store.getMessage(msgs[40]!.id, 'harness');
    expect(long).toMatchObject({ status: 'delivered', segments: 3 });
  });
});
