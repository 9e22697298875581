/**
 * SMPP 5.0 congestion_state in submit_sm_resp: at 90 and above the bind lowers its rate (at most one cut a
 * second), below 90 it does not, and once the TLV goes away the rate recovers additively to the configured TPS.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTokenBucket } from '../../internal/connector/token-bucket.js';
import { fakeClock } from '../../internal/core/clock.js';
import { sleep, startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

const TPS = 200;

let h: Harness | undefined;
afterAll(async () => {
  await h?.close();
});

function recoverPerSecond(): number {
  const clock = fakeClock(0);
  const b = createTokenBucket({ rate: TPS }, clock);
  b.throttled(0);
  const cut = b.rate();
  clock.advance(1000);
  return b.rate() - cut;
}

describe('congestion_state', () => {
  it('≥ 90 lowers the bind rate, < 90 does not, and the rate recovers when the TLV goes away', async () => {
    h = await startHarness({ carrier: { tps: TPS, window: 20 }, sim: { receipts: false, respondDelayMs: 10 }, start: false });
    const msgs = await h.publishMany(3200, '7718');
    await h.startConnector();
    const rate = (): number => h!.connector!.binds()[0]!.rate;
    await waitUntil('sending', () => h!.sim.stats().submits > 0, 10_000, 10);
    await sleep(1000);
    expect(rate()).toBe(TPS);

    h.sim.setBehaviour({ congestionState: 80 });
    await sleep(1500);
    const at80 = rate();

    h.sim.setBehaviour({ congestionState: 95 });
    const tOn = Date.now();
    await waitUntil('rate cut', () => rate() < TPS, 2_000, 5);
    const firstCutMs = Date.now() - tOn;
    await sleep(1500);
    h.sim.setBehaviour({ congestionState: null });
    const tOff = Date.now();
    const lowered = rate();
    const a0 = h.sim.stats().submits;
    await sleep(1000);
    const sentAtLowered = h.sim.stats().submits - a0;

    const perSecond = recoverPerSecond();
    const N = (TPS - lowered) / perSecond + 1;
    const trace: number[] = [];
    let prev = rate();
    let monotonic = true;
    await waitUntil('rate back at TPS', () => {
      const r = rate();
      if (r + 1e-9 < prev) monotonic = false;
      prev = r;
      if (trace.length === 0 || Date.now() - tOff >= trace.length * 1000) trace.push(Math.round(r));
      return r >= TPS;
    }, (N + 2) * 1000, 20);
    const recovery = (Date.now() - tOff) / 1000;
    console.log(
      `[congestion] rate at congestion_state 80: ${at80}; 95 for 1.5 s: first cut after ${firstCutMs} ms, rate ${lowered.toFixed(1)} ` +
        `(${sentAtLowered} submits in the next second); TLV gone: back at ${TPS} in ${recovery.toFixed(1)} s (N = ${N.toFixed(1)} s), rate per second ${trace.join(' ')}`,
    );
    expect(at80).toBe(TPS);
    expect(firstCutMs).toBeLessThan(200);
    // One cut a second at most: 1.5 s of congestion is two or three halvings, never a collapse.
    expect(lowered).toBeLessThanOrEqual(TPS / 2 + 2);
    expect(lowered).toBeGreaterThanOrEqual(TPS / 8 - 1);
    expect(sentAtLowered).toBeLessThan(TPS * 0.75);
    expect(monotonic).toBe(true);
    expect(recovery).toBeLessThanOrEqual(N);

    const ids = msgs.map((m) => m.id);
    await waitUntil('all submitted', () => h!.settled(ids).submitted.size === ids.length, 30_000, 100);
    expect(h.events.failed).toHaveLength(0);
  });
});
