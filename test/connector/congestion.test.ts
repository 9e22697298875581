/**
 * SMPP 5.0 congestion_state in submit_sm_resp over real NATS and SMPP: at 90 and above the bind lowers its rate, at
 * most once a second; below 90 it does not; once the TLV goes away the rate climbs back to the configured TPS. Bounds
 * come from the README's rule ("slows the bind as a throttle does, without the pause": halve, then regain 5% of the
 * configured rate per second) with measured durations, so they hold on a loaded machine; the exact trajectory is a
 * unit test on a fake clock (internal/connector/bind-actor-rate.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sleep, startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

const TPS = 200;
const DECREASE = 0.5;
const RECOVER_PER_S = 0.05 * TPS;
const CONGESTED_MS = 1500;

let h: Harness | undefined;
afterAll(async () => {
  await h?.close();
});

describe('congestion_state', () => {
  it('≥ 90 lowers the bind rate, < 90 does not, and the rate recovers when the TLV goes away', async () => {
    h = await startHarness({ carrier: { tps: TPS, window: 20 }, sim: { receipts: false, respondDelayMs: 10 }, start: false });
    const msgs = await h.publishMany(3200, '7718');
    await h.startConnector();
    const rate = (): number => h!.connector!.binds()[0]!.rate;
    const submits = (): number => h!.sim.stats().submits;
    await waitUntil('sending', () => submits() > 0, 10_000, 10);

    // A hundred answers carrying congestion_state 80: not one of them may cut the rate.
    h.sim.setBehaviour({ congestionState: 80 });
    const at80 = submits();
    let minAt80 = rate();
    const sampler80 = setInterval(() => (minAt80 = Math.min(minAt80, rate())), 10);
    await waitUntil('100 answers at congestion_state 80', () => submits() >= at80 + 100, 30_000, 10);
    clearInterval(sampler80);
    expect(minAt80).toBe(TPS);

    h.sim.setBehaviour({ congestionState: 95 });
    const tOn = Date.now();
    let minRate = rate();
    const sampler = setInterval(() => (minRate = Math.min(minRate, rate())), 10);
    await sleep(CONGESTED_MS);
    h.sim.setBehaviour({ congestionState: null });
    const congestedMs = Date.now() - tOn;
    clearInterval(sampler);
    // One cut at the first congested answer and at most one per further second of congestion, never a collapse.
    const maxCuts = Math.floor(congestedMs / 1000) + 1;
    const lowest = TPS * DECREASE ** maxCuts;

    const N = (TPS - lowest) / RECOVER_PER_S;
    const tOff = Date.now();
    const trace: number[] = [];
    let prev = rate();
    let monotonic = true;
    await waitUntil('rate back at TPS', () => {
      const r = rate();
      if (r + 1e-9 < prev) monotonic = false;
      prev = r;
      if (trace.length === 0 || Date.now() - tOff >= trace.length * 1000) trace.push(Math.round(r));
      return r >= TPS;
    }, (N + 10) * 1000, 20);
    const recovery = (Date.now() - tOff) / 1000;
    console.log(
      `[congestion] congestion_state 95 for ${congestedMs} ms: lowest rate ${minRate.toFixed(1)} (rule: ≥ ${lowest} after at most ${maxCuts} cuts); ` +
        `TLV gone: back at ${TPS} in ${recovery.toFixed(1)} s (N = ${N.toFixed(1)} s), rate per second ${trace.join(' ')}`,
    );
    expect(minRate).toBeLessThanOrEqual(TPS * DECREASE);
    expect(minRate).toBeGreaterThanOrEqual(lowest - 1e-6);
    expect(monotonic).toBe(true);
    // N from the rule; 3 s of slack for polling the rate on a loaded machine.
    expect(recovery).toBeLessThanOrEqual(N + 3);

    const ids = msgs.map((m) => m.id);
    await waitUntil('all submitted', () => h!.settled(ids).submitted.size === ids.length, 60_000, 100);
    expect(h.events.failed).toHaveLength(0);
    // Congestion is advice, not a refusal: nothing was sent twice.
    expect(h.sim.stats().attempts).toBe(ids.length);
  });
});
