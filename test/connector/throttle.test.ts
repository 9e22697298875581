/**
 * ESME_RTHROTTLED for 2 s over real NATS and SMPP: the bind slows down, loses and doubles nothing, and its rate comes
 * back to the configured TPS. The bounds come from the rule as the README states it — on a throttle "pause the bind
 * 1 s, halve its rate (recovering 5% of the configured rate per second), re-send the same segment" — and hold on a
 * loaded machine: durations are measured, not assumed, and the only upper bound on time has slack for polling. The
 * exact AIMD trajectory is a unit test on a fake clock (internal/connector/bind-actor-rate.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sleep, startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

const TPS = 200;
const WINDOW = 50;
const THROTTLE_MS = 2000;
/** The rule. */
const PAUSE_MS = 1000;
const DECREASE = 0.5;
const RECOVER_PER_S = 0.05 * TPS;

let h: Harness | undefined;
afterAll(async () => {
  await h?.close();
});

describe('throttling', () => {
  it('slows down under ESME_RTHROTTLED, loses and doubles nothing, and recovers to the configured TPS', async () => {
    h = await startHarness({ carrier: { tps: TPS, window: WINDOW }, sim: { receipts: false, respondDelayMs: 20 }, start: false });
    const msgs = await h.publishMany(2500, '7702');
    const ids = msgs.map((m) => m.id);
    await h.startConnector();
    const rate = (): number => h!.connector!.binds()[0]!.rate;
    const attempts = (): number => h!.sim.stats().attempts;
    await waitUntil('a full window sent', () => attempts() >= 2 * WINDOW, 30_000, 10);
    expect(rate()).toBe(TPS);

    const aOn = attempts();
    const tOn = Date.now();
    h.sim.setBehaviour({ throttleShare: 1 });
    let minRate = rate();
    const sampler = setInterval(() => (minRate = Math.min(minRate, rate())), 20);
    await sleep(THROTTLE_MS);
    h.sim.setBehaviour({ throttleShare: 0 });
    const tOff = Date.now();
    const throttledMs = tOff - tOn;
    const during = attempts() - aOn;
    const throttled = h.sim.stats().throttled;

    // Each cut is followed by a full pause with nothing sent, and only a send answered while the SMSC throttles makes
    // a cut: at most one at the start and one per pause that fits in the time it throttled.
    const maxCuts = Math.floor(throttledMs / PAUSE_MS) + 1;
    const lowest = TPS * DECREASE ** maxCuts;
    // Sent while throttled: what was in flight when it started, and after each pause no more than a window before the
    // first throttled answer cuts again (the bucket is emptied by a cut, so no burst either).
    const maxDuring = WINDOW * maxCuts;
    // From the end of throttling: at most one pause, then the climb from the lowest possible rate.
    const N = (PAUSE_MS + ((TPS - lowest) / RECOVER_PER_S) * 1000) / 1000;
    await waitUntil('rate back at the configured TPS', () => rate() >= TPS, (N + 10) * 1000, 50);
    const recovery = (Date.now() - tOff) / 1000;
    clearInterval(sampler);
    console.log(
      `[throttle] throttled for ${throttledMs} ms: ${during} attempts (≤ ${maxDuring.toFixed(0)}), ${throttled} throttled answers, ` +
        `lowest rate ${minRate.toFixed(1)} (≥ ${lowest}), back at ${TPS}/s after ${recovery.toFixed(1)} s (N = ${N.toFixed(1)} s)`,
    );
    expect(throttled).toBeGreaterThan(0);
    expect(minRate).toBeLessThanOrEqual(TPS * DECREASE);
    expect(minRate).toBeGreaterThanOrEqual(lowest - 1e-6);
    expect(during).toBeLessThanOrEqual(maxDuring);
    // N from the rule; 3 s of slack for polling the rate on a loaded machine.
    expect(recovery).toBeLessThanOrEqual(N + 3);
    expect(await h.metric('smsmesh_submit_outcomes_total', { outcome: 'throttled' })).toBe(throttled);

    await waitUntil('all submitted', () => h!.settled(ids).submitted.size === ids.length, 60_000, 100);
    expect(h.events.failed).toHaveLength(0);
    // Nothing lost, nothing doubled: each message accepted exactly once at the SMSC (throttled ones were sent again).
    const accepted = new Map<string, number>();
    for (const s of h.submits) accepted.set(s.destinationAddr, (accepted.get(s.destinationAddr) ?? 0) + 1);
    expect(accepted.size).toBe(ids.length);
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    expect(h.sim.stats().attempts).toBe(ids.length + throttled);
    await waitUntil('all acked', async () => {
      const info = await h!.bus.jsm.consumers.info('SMS_MT', `connector-${h!.carrier.id}`);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 10_000);
  });
});
