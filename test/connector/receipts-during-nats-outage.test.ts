/**
 * Receipts that arrive while NATS is away, from an SMSC that never re-sends a receipt the ESME refused (many do
 * not). Before, the connector answered them ESME_RX_T_APPN and the messages stayed `submitted` for ever. Now a short
 * outage is bridged by holding the deliver_sm answer until NATS is back, and a longer one by the local journal,
 * replayed into JetStream afterwards: every receipt reaches the bus and none is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, waitUntil, type Harness } from '../support/connector-harness.js';
import type { TestNats } from '../support/nats.js';

let h: Harness | undefined;
let restarted: TestNats | undefined;
let journalDir: string | undefined;

afterEach(async () => {
  await h?.close();
  await restarted?.destroy();
  if (journalDir) rmSync(journalDir, { recursive: true, force: true });
  h = restarted = journalDir = undefined;
});

async function outage(o: { holdMs: number; downMs: number }): Promise<{ receipts: number; refused: number; journaled: number; replayed: number }> {
  journalDir = mkdtempSync(join(tmpdir(), 'smsmesh-journal-'));
  h = await startHarness({
    carrier: { tps: 500, window: 20 },
    // Receipts come 1.5 s after each submit: inside the outage that starts once every message is submitted.
    sim: { receiptDelayMs: 1500, receiptAttempts: 1 },
    journalDir,
    receiptHoldMs: o.holdMs,
  });
  const msgs = await h.publishMany(20, '7700');
  await waitUntil('every message submitted', () => h!.settled(msgs.map((m) => m.id)).submitted.size === 20, 20_000);
  await h.nats.stop();
  await new Promise((r) => setTimeout(r, o.downMs));
  restarted = await h.nats.restart();
  const smscIds = new Set(h.events.submitted.map((e) => e.smscMessageId));
  await waitUntil('every receipt on the bus', () => new Set(h!.events.receipts.filter((r) => smscIds.has(r.smscMessageId)).map((r) => r.smscMessageId)).size === 20, 30_000);
  return {
    receipts: new Set(h.events.receipts.map((r) => r.smscMessageId)).size,
    refused: h.sim.stats().receiptsRefused,
    journaled: await h.metric('smsmesh_journaled_total'),
    replayed: await h.metric('smsmesh_journal_replayed_total'),
  };
}

describe('receipts while NATS is away', () => {
  it('a short outage: answers are held until NATS is back, nothing is journaled or refused', async () => {
    const r = await outage({ holdMs: 8000, downMs: 2500 });
    expect(r).toEqual({ receipts: 20, refused: 0, journaled: 0, replayed: 0 });
  });

  it('a longer outage: receipts go to the local journal, are answered OK, and reach the bus once NATS is back', async () => {
    const r = await outage({ holdMs: 300, downMs: 3000 });
    expect(r.receipts).toBe(20);
    expect(r.refused).toBe(0);
    expect(r.journaled).toBe(20);
    expect(r.replayed).toBe(20);
  });
});
