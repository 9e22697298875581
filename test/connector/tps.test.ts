/**
 * TPS over real NATS and SMPP: a backlog far larger than a second's worth is never sent faster than the configured
 * rate, per bind and per carrier, and every message goes exactly once. Only bounds that hold on a loaded machine are
 * checked (a slow machine sends more slowly, never faster); the exact pacing is a unit test on a fake clock
 * (internal/connector/bind-actor-rate.test.ts) and the speed is the benchmarks' business.
 *
 * The rule (README): `tps` submit_sm per second per bind, token bucket with a burst of 1/10 s. So in any interval of
 * T seconds a bind sends at most tps·T + burst, and n messages take at least (n − burst − 1) / tps seconds from the
 * first to the last. Seen at the SMSC, sends already on their way when the event loop stalls can arrive together
 * with the ones after: at most a window's worth more in any interval.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SubmitAttempt } from '../../tools/smsc-sim/simulator.js';
import { startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The most attempts in any window of `ms` (by arrival time at the SMSC). */
function maxInWindow(attempts: readonly SubmitAttempt[], ms: number): number {
  const t = attempts.map((a) => a.at).sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= ms) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

const spanS = (attempts: readonly SubmitAttempt[]): number => (attempts[attempts.length - 1]!.at - attempts[0]!.at) / 1000;

async function drainBacklog(carrier: { tps: number; window: number; binds: number }, n: number, prefix: string): Promise<Harness> {
  const harness = await startHarness({ carrier, sim: { receipts: false }, start: false });
  h = harness;
  const msgs = await harness.publishMany(n, prefix);
  await harness.startConnector();
  const ids = msgs.map((m) => m.id);
  await waitUntil(`all ${n} submitted`, () => harness.settled(ids).submitted.size === n, 120_000, 100);
  // Exactly once each, nothing failed.
  expect(harness.sim.stats().submits).toBe(n);
  expect(new Set(harness.submits.map((s) => s.destinationAddr)).size).toBe(n);
  expect(harness.events.failed).toHaveLength(0);
  return harness;
}

describe('TPS', () => {
  it('one bind at 200 tps never sends faster than 200/s: 1,200 messages take as long as the bucket makes them, no second carries more than its share', async () => {
    const TPS = 200;
    const WINDOW = 50;
    const burst = TPS / 10;
    const n = 1200;
    const harness = await drainBacklog({ tps: TPS, window: WINDOW, binds: 1 }, n, '7701');
    const span = spanS(harness.attempts);
    const busiest = maxInWindow(harness.attempts, 1000);
    console.log(`[tps 1×200] ${n} msgs from first to last submit in ${span.toFixed(2)} s (${(n / span).toFixed(0)}/s); busiest second ${busiest}`);
    expect(span).toBeGreaterThanOrEqual((n - burst - 1) / TPS - WINDOW / TPS);
    expect(busiest).toBeLessThanOrEqual(TPS + burst + WINDOW);
  });

  it('two binds at 100 tps each: each bind held to 100/s, the carrier to 200/s, both carrying messages', async () => {
    const TPS = 100;
    const WINDOW = 50;
    const burst = TPS / 10;
    const n = 1200;
    const harness = await drainBacklog({ tps: TPS, window: WINDOW, binds: 2 }, n, '7702');
    const bySession = new Map<number, SubmitAttempt[]>();
    for (const a of harness.attempts) bySession.set(a.sessionId, [...(bySession.get(a.sessionId) ?? []), a]);
    const span = spanS(harness.attempts);
    console.log(
      `[tps 2×100] ${n} msgs in ${span.toFixed(2)} s; per bind: ${[...bySession.values()].map((x) => `${x.length} in ${spanS(x).toFixed(2)} s`).join(', ')}`,
    );
    expect(bySession.size).toBe(2);
    for (const [session, list] of bySession) {
      expect(list.length, `bind on session ${session}`).toBeGreaterThan(0);
      expect(maxInWindow(list, 1000), `bind on session ${session}`).toBeLessThanOrEqual(TPS + burst + WINDOW);
      expect(spanS(list), `bind on session ${session}`).toBeGreaterThanOrEqual((list.length - burst - 1 - WINDOW) / TPS);
    }
    expect(span).toBeGreaterThanOrEqual((n - 2 * burst - 2 - 2 * WINDOW) / (2 * TPS));
    expect(maxInWindow(harness.attempts, 1000)).toBeLessThanOrEqual(2 * (TPS + burst + WINDOW));
  });
});
