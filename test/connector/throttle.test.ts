/**
 * ESME_RTHROTTLED for 2 s: the bind slows down (multiplicative decrease, a pause), loses and fails nothing,
 * and recovers additively to the configured TPS within a time computed from the token bucket's own AIMD
 * parameters. The SMSC answers after 20 ms, as a real one does, so several submits are in flight when
 * throttling starts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTokenBucket } from '../../internal/connector/token-bucket.js';
import { fakeClock } from '../../internal/core/clock.js';
import { sleep, startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

const TPS = 200;
const THROTTLE_MS = 2000;
/** bind-actor's throttlePauseMs default (the connector does not override it). */
const PAUSE_MS = 1000;

/** The AIMD parameters, read off a real token bucket rather than copied from its source. */
function aimd(): { decrease: number; recoverPerSecond: number } {
  const clock = fakeClock(0);
  const b = createTokenBucket({ rate: TPS }, clock);
  b.throttled(0);
  const cut = b.rate();
  clock.advance(1000);
  return { decrease: cut / TPS, recoverPerSecond: (b.rate() - cut) / TPS };
}

let h: Harness | undefined;
afterAll(async () => {
  await h?.close();
});

describe('throttling', () => {
  it('slows down under ESME_RTHROTTLED, loses nothing, and recovers to the configured TPS within N s', async () => {
    const { decrease, recoverPerSecond } = aimd();
    // Each cut is followed by a pause with no sends; the first send after a pause that is still inside the
    // throttling window is throttled again. So at most floor(D / P) + 1 cuts, and the rate never goes below:
    const maxCuts = Math.floor(THROTTLE_MS / PAUSE_MS) + 1;
    const lowest = TPS * decrease ** maxCuts;
    // From the end of throttling: what is left of a pause, then additive recovery from `lowest`.
    const N = (PAUSE_MS + ((TPS - lowest) / (recoverPerSecond * TPS)) * 1000) / 1000;
    console.log(`[throttle] AIMD decrease=${decrease} recover=${recoverPerSecond * TPS}/s per s, pause ${PAUSE_MS} ms → ≤${maxCuts} cuts, rate ≥ ${lowest}, recovery N = ${N.toFixed(1)} s`);

    h = await startHarness({ carrier: { tps: TPS, window: 50 }, sim: { receipts: false, respondDelayMs: 20 }, start: false });
    const msgs = await h.publishMany(3500, '7702');
    const ids = msgs.map((m) => m.id);
    await h.startConnector();
    const rate = (): number => h!.connector!.binds()[0]!.rate;
    const attempts = (): number => h!.sim.stats().attempts;

    await waitUntil('sending', () => attempts() > 0, 10_000, 10);
    await sleep(1000);
    const a0 = attempts();
    await sleep(1000);
    const before = attempts() - a0;

    const tOn = Date.now();
    const aOn = attempts();
    h.sim.setBehaviour({ throttleShare: 1 });
    let minRate = rate();
    const sampler = setInterval(() => (minRate = Math.min(minRate, rate())), 20);
    await sleep(THROTTLE_MS);
    h.sim.setBehaviour({ throttleShare: 0 });
    const tOff = Date.now();
    const during = ((attempts() - aOn) * 1000) / (tOff - tOn);
    const throttled = h.sim.stats().throttled;

    await waitUntil('rate back at the configured TPS', () => rate() >= TPS, (N + 5) * 1000, 50);
    const recovery = (Date.now() - tOff) / 1000;
    clearInterval(sampler);
    // And the SMSC sees it: a full second at the configured rate.
    const a1 = attempts();
    await sleep(1000);
    const after = attempts() - a1;
    console.log(
      `[throttle] attempts/s before ${before}, during throttling ${during.toFixed(1)} (${throttled} throttled answers), ` +
        `lowest rate ${minRate.toFixed(1)}, back at ${TPS}/s after ${recovery.toFixed(1)} s (N = ${N.toFixed(1)} s), then ${after}/s at the SMSC`,
    );
    expect(before).toBeGreaterThanOrEqual(TPS * 0.95);
    expect(during).toBeLessThan(before / 10);
    expect(minRate).toBeGreaterThanOrEqual(lowest - 0.5);
    expect(recovery).toBeLessThanOrEqual(N);
    expect(after).toBeGreaterThanOrEqual(TPS * 0.95);
    expect(await h.metric('smsmesh_submit_outcomes_total', { outcome: 'throttled' })).toBe(throttled);

    await waitUntil('all submitted', () => h!.settled(ids).submitted.size === ids.length, 30_000, 100);
    expect(h.events.failed).toHaveLength(0);
    // Nothing lost, nothing doubled: each message accepted exactly once at the SMSC.
    const accepted = new Map<string, number>();
    for (const s of h.submits) accepted.set(s.destinationAddr, (accepted.get(s.destinationAddr) ?? 0) + 1);
    expect(accepted.size).toBe(ids.length);
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    await waitUntil('all acked', async () => {
      const info = await h!.bus.jsm.consumers.info('SMS_MT', `connector-${h!.carrier.id}`);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 10_000);
  });
});
