/** The window is never exceeded: with slow answers the SMSC never sees more than `window` submit_sm outstanding per bind. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

describe('bind window', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ carrier: { window: 10, tps: 1000 }, sim: { respondDelayMs: 50, receipts: false } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('window 10, answers after 50 ms, 500 messages: at most 10 outstanding at the SMSC, all acked', async () => {
    const msgs = await h.publishMany(500, '7700');
    const ids = msgs.map((m) => m.id);
    const t0 = Date.now();
    await waitUntil('all 500 submitted', () => h.settled(ids).submitted.size === 500, 30_000);
    const took = Date.now() - t0;
    const st = h.sim.stats();
    console.log(`[window] 500 msgs in ${took} ms; SMSC maxOutstanding=${st.maxOutstanding} (window 10); attempts=${st.attempts}`);
    expect(st.maxOutstanding).toBeLessThanOrEqual(10);
    // The window was actually used (the delay keeps it full), so the bound is tight, not vacuous.
    expect(st.maxOutstanding).toBeGreaterThanOrEqual(8);
    expect(st.submits).toBe(500);
    expect(h.settled(ids).failed.size).toBe(0);
    // Acked: nothing pending on the connector's durable.
    await waitUntil('acks', async () => {
      const info = await h.bus.jsm.consumers.info('SMS_MT', `connector-${h.carrier.id}`);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    }, 10_000);
    expect(await h.metric('smsmesh_messages_submitted_total')).toBe(500);
    // 500 at ≤10 per 50 ms cannot take less than 2.5 s.
    expect(took).toBeGreaterThanOrEqual(2_400);
  });
});
