/**
 * The SMSC keeps silent on some submits: each silence is a response timeout ("outcome unknown"), counted in
 * smsmesh_submit_outcomes_total{outcome="timeout"}, retried with backoff up to maxAttempts deliveries, and
 * then a final `failed` event. Nothing is sent more than maxAttempts times.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

const MAX_ATTEMPTS = 3;
const EXPECTED_ERROR = `no submit_sm_resp (timeout) after ${MAX_ATTEMPTS} attempts`;

let h: Harness | undefined;
afterAll(async () => {
  await h?.close();
});

describe('response timeouts', () => {
  it('silentShare 0.1, responseTimeoutMs 500, maxAttempts 3: every message submitted or failed after 3 silent attempts', async () => {
    h = await startHarness({
      carrier: { tps: 200, window: 20, responseTimeoutMs: 500, maxAttempts: MAX_ATTEMPTS },
      sim: { receipts: false, silentShare: 0.1 },
    });
    const mixed = await h.publishMany(400, '7704');
    const mixedIds = mixed.map((m) => m.id);
    await waitUntil('every message settled', () => {
      const s = h!.settled(mixedIds);
      return s.submitted.size + s.failed.size === mixedIds.length;
    }, 40_000, 100);

    // A few more the SMSC never answers at all, so the exhausted path is always exercised.
    h.sim.setBehaviour({ silentShare: 1 });
    const mute = await h.publishMany(5, '7705');
    const muteIds = mute.map((m) => m.id);
    await waitUntil('the unanswered ones failed', () => h!.settled(muteIds).failed.size === muteIds.length, 20_000, 100);

    const all = [...mixed, ...mute];
    const { submitted, failed } = h.settled(all.map((m) => m.id));
    const byDest = h.attemptsByDestination();
    const silentByDest = new Map<string, number>();
    for (const a of h.attempts) if (a.outcome === 'silent') silentByDest.set(a.destinationAddr, (silentByDest.get(a.destinationAddr) ?? 0) + 1);

    for (const m of all) {
      const dest = m.to.slice(1);
      const n = byDest.get(dest) ?? 0;
      const silent = silentByDest.get(dest) ?? 0;
      expect(submitted.has(m.id) !== failed.has(m.id), `${m.id} ends exactly one way`).toBe(true);
      expect(n, `attempts for ${dest}`).toBeGreaterThanOrEqual(1);
      expect(n, `attempts for ${dest}`).toBeLessThanOrEqual(MAX_ATTEMPTS);
      const f = failed.get(m.id);
      if (f) {
        // Failed only when the SMSC kept silent on every attempt.
        expect(f).toMatchObject({ status: 'failed', error: EXPECTED_ERROR });
        expect(n).toBe(MAX_ATTEMPTS);
        expect(silent).toBe(MAX_ATTEMPTS);
      } else {
        // Submitted: every attempt before the accepted one was a silence.
        expect(silent).toBe(n - 1);
      }
    }
    for (const id of muteIds) expect(failed.get(id)?.error).toBe(EXPECTED_ERROR);

    const timeouts = await h.metric('smsmesh_submit_outcomes_total', { outcome: 'timeout' });
    const st = h.sim.stats();
    const retried = [...byDest.values()].filter((n) => n > 1).length;
    console.log(
      `[timeout] ${all.length} msgs: ${submitted.size} submitted, ${failed.size} failed (${failed.size - muteIds.length} of the 10% silent run); ` +
        `${st.silent} silent submits at the SMSC, ${timeouts} counted as outcome="timeout"; ${retried} destinations retried; ` +
        `resubmits metric ${await h.metric('smsmesh_resubmits_total')}`,
    );
    expect(timeouts).toBe(st.silent);
    expect(st.silent).toBeGreaterThan(20);
    expect(await h.metric('smsmesh_connector_final_failures_total', { status: 'failed' })).toBe(failed.size);
  });
});
