/**
 * The SMSC allows fewer submits per second than the bind is configured for: the bind's AIMD rate settles
 * under the SMSC's limit (throttled answers become rare) and every message is delivered exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

const TPS = 200;
const SMSC_MAX = 120;

let h: Harness | undefined;
afterAll(async () => {
  await h?.close();
});

describe('SMSC rate limit below the configured TPS', () => {
  it(`tps ${TPS} against an SMSC limited to ${SMSC_MAX}/s: converges under it, everything delivered`, async () => {
    h = await startHarness({ carrier: { tps: TPS, window: 50 }, sim: { receipts: false, respondDelayMs: 20, maxTps: SMSC_MAX }, start: false });
    const n = 2400;
    const msgs = await h.publishMany(n, '7703');
    const ids = msgs.map((m) => m.id);
    await h.startConnector();
    const rates: { t: number; rate: number }[] = [];
    const t0 = Date.now();
    const sampler = setInterval(() => rates.push({ t: Date.now() - t0, rate: h!.connector!.binds()[0]!.rate }), 100);
    await waitUntil('all submitted', () => h!.settled(ids).submitted.size === n, 45_000, 100);
    clearInterval(sampler);
    const took = (Date.now() - t0) / 1000;
    const st = h.sim.stats();
    const per = st.submitsPerSecond.filter((c) => c.attempts > 0);
    // Second half of the run: the bind has found the limit by then.
    const late = per.slice(Math.floor(per.length / 2), -1);
    const lateAttempts = late.reduce((a, c) => a + c.attempts, 0);
    const lateAccepted = late.reduce((a, c) => a + c.submits, 0);
    const lateRates = rates.filter((r) => r.t >= (took * 1000) / 2).map((r) => r.rate);
    const meanLateRate = lateRates.reduce((a, b) => a + b, 0) / lateRates.length;
    console.log(
      `[max-tps] ${n} msgs in ${took.toFixed(1)} s; ${st.throttled} throttled of ${st.attempts} attempts; accepted/s: ${per.map((c) => c.submits).join(' ')}; ` +
        `second half: mean bind rate ${meanLateRate.toFixed(1)}, ${lateAttempts - lateAccepted} throttled of ${lateAttempts}; steady accepted/s ${(per.slice(2, -1).reduce((a, c) => a + c.submits, 0) / Math.max(1, per.length - 3)).toFixed(1)}`,
    );
    expect(h.events.failed).toHaveLength(0);
    expect(st.submits).toBe(n);
    const acceptedOnce = new Map<string, number>();
    for (const s of h.submits) acceptedOnce.set(s.destinationAddr, (acceptedOnce.get(s.destinationAddr) ?? 0) + 1);
    expect([...acceptedOnce.values()].every((x) => x === 1)).toBe(true);
    // Converged under the SMSC's limit: past the SMSC's one-second burst allowance the carrier's throughput
    // stays under the limit, the bind's AIMD rate oscillates around it (well under the configured TPS),
    // and the SMSC rarely has to refuse anything.
    const steady = per.slice(2, -1);
    const steadyRate = steady.reduce((a, c) => a + c.submits, 0) / steady.length;
    expect(steadyRate).toBeLessThanOrEqual(SMSC_MAX * 1.02);
    expect(meanLateRate).toBeLessThanOrEqual(SMSC_MAX * 1.15);
    expect(st.throttled).toBeLessThanOrEqual(st.attempts * 0.01);
    expect(lateAttempts - lateAccepted).toBeLessThanOrEqual(lateAttempts * 0.01);
  });
});
