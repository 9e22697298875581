/**
 * A permanent SMSC status (ESME_RINVDSTADR) ends the message `rejected` at once: one submit, no retry — shown by the
 * connector's durable, which has acked every message after handing each out exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

let h: Harness | undefined;
afterAll(async () => {
  await h?.close();
});

describe('permanent rejection', () => {
  it('rejectShare 1: failed events with status rejected and ESME_RINVDSTADR, each message submitted exactly once', async () => {
    h = await startHarness({ carrier: { tps: 500, window: 20, maxAttempts: 5 }, sim: { rejectShare: 1 } });
    const msgs = await h.publish([
      ...Array.from({ length: 100 }, (_, i) => ({ to: `+447706${String(i).padStart(6, '0')}`, text: `short ${i}` })),
      // A long one: its first rejected part decides; parts are each submitted once.
      { to: '+447706999999', text: 'L'.repeat(400) },
    ]);
    const ids = msgs.map((m) => m.id);
    await waitUntil('all rejected', () => h!.settled(ids).failed.size === ids.length, 20_000, 50);
    // Settled for good: every message acked by the connector, none waiting for a redelivery (a retry is a nak with
    // a delay, which keeps it ack-pending), and each handed out once. After this JetStream cannot send any again.
    await waitUntil('all acked', async () => {
      const info = await h!.bus.jsm.consumers.info('SMS_MT', `connector-${h!.carrier.id}`);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 20_000, 50);
    const info = await h.bus.jsm.consumers.info('SMS_MT', `connector-${h.carrier.id}`);
    expect(info.num_redelivered).toBe(0);
    expect(info.delivered.consumer_seq).toBe(ids.length);
    expect(info.ack_floor.consumer_seq).toBe(ids.length);
    const { failed, submitted } = h.settled(ids);
    expect(submitted.size).toBe(0);
    for (const f of failed.values()) {
      expect(f.status).toBe('rejected');
      expect(f.error).toContain('ESME_RINVDSTADR');
    }
    expect(h.events.failed).toHaveLength(ids.length);
    const byDest = h.attemptsByDestination();
    for (const m of msgs.slice(0, 100)) expect(byDest.get(m.to.slice(1)), m.to).toBe(1);
    expect(byDest.get('447706999999')).toBe(3);
    expect(h.attempts.every((a) => a.outcome === 'rejected')).toBe(true);
    expect(await h.metric('smsmesh_submit_outcomes_total', { outcome: 'rejected' })).toBe(h.attempts.length);
    expect(await h.metric('smsmesh_resubmits_total')).toBe(0);
    console.log(`[reject] ${ids.length} msgs → ${failed.size} rejected; example error: ${[...failed.values()][0]!.error}`);
  });
});
