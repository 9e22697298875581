/**
 * TPS is held: a backlog far larger than a second's worth is sent at the configured rate, measured at the
 * SMSC per wall-clock second over ten full seconds (seconds 1..10 after the first submit, so the start-up
 * burst of at most tps/10 is outside the window).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Accepted submits in the 10 wall-clock seconds after the first submit's second + 1. */
function series(sim: SmscSimulator): number[] {
  const per = sim.stats().submitsPerSecond;
  const first = per.find((c) => c.submits > 0)!.second;
  const by = new Map(per.map((c) => [c.second, c.submits]));
  return Array.from({ length: 10 }, (_, i) => by.get(first + 1 + i) ?? 0);
}

async function runBacklog(carrier: Record<string, unknown>, n: number, label: string): Promise<{ s: number[]; total: number }> {
  h = await startHarness({ carrier, sim: { receipts: false }, start: false });
  const msgs = await h.publishMany(n, '7701');
  await h.startConnector();
  const first = h.sim.stats().submitsPerSecond;
  expect(first.length).toBe(0);
  // Seconds 0..11 after the first submit must be over before the series is read.
  await waitUntil('12 s of sending', () => {
    const per = h!.sim.stats().submitsPerSecond;
    const f = per.find((c) => c.submits > 0);
    return f !== undefined && Math.floor(Date.now() / 1000) >= f.second + 12;
  }, 30_000, 100);
  const s = series(h.sim);
  const total = s.reduce((a, b) => a + b, 0);
  console.log(`[tps ${label}] per second (s1..s10): ${s.join(' ')} | total ${total}`);
  const ids = msgs.map((m) => m.id);
  await waitUntil(`all ${n} submitted`, () => h!.settled(ids).submitted.size === n, 30_000, 100);
  expect(h.sim.stats().submits).toBe(n);
  return { s, total };
}

describe('TPS', () => {
  it('one bind at 200 tps (window 50) holds 2,000 ± 5% over 10 s, no second above 240', async () => {
    const { s, total } = await runBacklog({ tps: 200, window: 50, binds: 1 }, 3000, '1×200');
    expect(total).toBeGreaterThanOrEqual(1900);
    expect(total).toBeLessThanOrEqual(2100);
    expect(Math.max(...s)).toBeLessThanOrEqual(240);
    expect(Math.min(...s)).toBeGreaterThan(0);
  });

  it('two binds at 100 tps each give the carrier 200/s ± 5%', async () => {
    const { s, total } = await runBacklog({ tps: 100, window: 50, binds: 2 }, 3000, '2×100');
    expect(total).toBeGreaterThanOrEqual(1900);
    expect(total).toBeLessThanOrEqual(2100);
    expect(Math.max(...s)).toBeLessThanOrEqual(240);
    // Both binds carried their share.
    const bySession = new Map<number, number>();
    for (const a of h!.attempts) bySession.set(a.sessionId, (bySession.get(a.sessionId) ?? 0) + 1);
    console.log(`[tps 2×100] per session: ${[...bySession.values()].join(' / ')}`);
    expect(bySession.size).toBe(2);
    for (const n of bySession.values()) expect(n).toBeGreaterThan(1300);
  });
});
