/**
 * Submitted events carry the message's facts (clientRef, callbackUrl, …), so a turn's batch of them can outgrow one
 * SMS_EVENTS message (64 KiB). Such a batch must go out as several messages: a refused publish gives every MT in it
 * back for another submit, and the SMSC sees the same messages again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

describe('large event batches', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ carrier: { window: 200, tps: 5000 }, sim: { receipts: false } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('1,000 messages with long clientRefs and callback URLs: each submitted once, every submitted event stored', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({
      to: `+447700${String(i).padStart(6, '0')}`,
      text: `large facts ${i}`,
      clientRef: `order-${String(i).padStart(6, '0')}-${'r'.repeat(51)}`,
      callbackUrl: `https://hooks.example.com/sms/status/${'c'.repeat(400)}`,
    }));
    const msgs = await h.publish(items);
    const ids = msgs.map((m) => m.id);
    await waitUntil('a submitted event for each', () => h.settled(ids).submitted.size === 1000, 60_000);
    const st = h.sim.stats();
    const biggest = Math.max(...h.events.submitted.map((e) => JSON.stringify(e).length));
    console.log(`[large-event-batches] 1000 messages: ${st.submits} submit_sm, ${st.attempts} attempts; largest submitted event ${biggest} bytes`);
    // 200 such events would not fit in one bus message: the case this test is about did arise.
    expect(biggest * 200).toBeGreaterThan(64 * 1024);
    expect(st.submits).toBe(1000);
    expect(st.attempts).toBe(1000);
    expect([...h.attemptsByDestination().values()].every((n) => n === 1)).toBe(true);
    expect(await h.metric('smsmesh_messages_submitted_total')).toBe(1000);
    expect(h.settled(ids).failed.size).toBe(0);
    await waitUntil('acks', async () => {
      const info = await h.bus.jsm.consumers.info('SMS_MT', `connector-${h.carrier.id}`);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    }, 10_000);
  });
});
