/**
 * The bind actor's rate on a fake clock: TPS with a backlog, throttling (AIMD) and congestion_state. Expected values
 * come from the rules as the README states them, not from running the token bucket: "tps: submit_sm per second per
 * bind (token bucket, burst 1/10 s)"; on ESME_RTHROTTLED "pause the bind 1 s, halve its rate (recovering 5% of the
 * configured rate per second), re-send the same segment"; congestion_state ≥ 90 "slows the bind as a throttle does,
 * without the pause", at most once a second.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Status } from '../smpp/command-status.js';
import { Tlv } from '../smpp/tlv.js';
import { startBindRig, testMt, type BindRig } from './test-bind-rig.js';
import type { SentRequest } from './test-session.js';

/** The rules, written down. */
const BURST_SECONDS = 0.1;
const PAUSE_MS = 1000;
const DECREASE = 0.5;
const RECOVER_SHARE_PER_S = 0.05;

let rig: BindRig | undefined;
afterEach(async () => {
  const r = rig;
  rig = undefined;
  await r?.stop();
});

const STEP_MS = 5;

/**
 * Runs the actor for `ms` fake milliseconds, answering every outstanding request at each 5 ms step with `answer`
 * (given the request and the time), and sampling the bind's rate at each step.
 */
async function run(r: BindRig, ms: number, answer: (req: SentRequest, now: number) => void, rates?: { t: number; rate: number }[]): Promise<void> {
  const end = r.clock.now() + ms;
  while (r.clock.now() < end) {
    for (const x of [...r.session().outstanding]) answer(x, r.clock.now());
    await r.clock.advanceAsync(STEP_MS, STEP_MS);
    rates?.push({ t: r.clock.now(), rate: r.actor.info().rate });
  }
}

const ok = (x: SentRequest): void => x.respond(0, 'smsc-id');

/** The most sends in any window of `windowMs` (sends are sorted by time). */
function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/**
 * The README's AIMD rule as the rate at time t, given when the cuts came: each cut multiplies the rate by DECREASE
 * and starts a pause of `pauseMs`; outside pauses the rate climbs by 5% of the TPS per second, up to the TPS.
 */
function aimdRate(tps: number, cuts: readonly number[], pauseMs: number, t: number): number {
  const perMs = (RECOVER_SHARE_PER_S * tps) / 1000;
  let rate = tps;
  let climbingFrom = Number.NEGATIVE_INFINITY;
  const climb = (until: number): void => {
    if (until > climbingFrom) rate = Math.min(tps, rate + perMs * (until - climbingFrom));
  };
  for (const c of cuts) {
    if (c > t) break;
    if (Number.isFinite(climbingFrom)) climb(c);
    rate *= DECREASE;
    climbingFrom = c + pauseMs;
  }
  if (Number.isFinite(climbingFrom)) climb(t);
  return rate;
}

/**
 * When the rate fell. Answers given during a step reach the actor once the clock has already moved to the step's end
 * (the advance runs before their callbacks), so a cut happens at the time of the first sample that shows it.
 */
function cutsIn(rates: readonly { t: number; rate: number }[], before: number): number[] {
  return rates.filter((s, i) => s.rate < (i > 0 ? rates[i - 1]!.rate : before) - 1e-9).map((s) => s.t);
}

describe('bind actor rate', () => {
  it('holds its TPS over 10 s of backlog: never more than TPS + burst in any second, and no less than the TPS', async () => {
    const TPS = 200;
    rig = startBindRig({ tps: TPS, window: 50 });
    for (let i = 0; i < 2600; i++) rig.source.push(testMt(`m${i}`));
    const t0 = rig.clock.now();
    await run(rig, 10_000, ok);
    const at = rig.session().sentAt;
    const inTen = at.filter((t) => t < t0 + 10_000).length;
    const burst = TPS * BURST_SECONDS;
    expect(maxInWindow(at, 1000)).toBeLessThanOrEqual(TPS + burst);
    expect(inTen).toBeLessThanOrEqual(TPS * 10 + burst);
    // Answers are instant here, so only the bucket limits sending: each second carries the full rate.
    for (let s = 1; s < 10; s++) {
      const n = at.filter((t) => t >= t0 + s * 1000 && t < t0 + (s + 1) * 1000).length;
      expect(n, `second ${s}`).toBeGreaterThanOrEqual(TPS - 1);
    }
    expect(rig.submitted.length).toBeGreaterThanOrEqual(inTen - 50);
  });

  it('under ESME_RTHROTTLED: one cut per pause, no sends while paused, the same segments again, back at TPS at the rate the README gives', async () => {
    const TPS = 200;
    const THROTTLE_MS = 2000;
    rig = startBindRig({ tps: TPS, window: 50 });
    for (let i = 0; i < 3000; i++) rig.source.push(testMt(`m${i}`));
    const r = rig;
    await run(r, 1000, ok);
    const tOn = r.clock.now();
    const tOff = tOn + THROTTLE_MS;
    const throttledAt: number[] = [];
    const rates: { t: number; rate: number }[] = [];
    const answer = (x: SentRequest, now: number): void => {
      if (now < tOff) {
        throttledAt.push(now);
        x.respond(Status.ESME_RTHROTTLED);
      } else ok(x);
    };
    await run(r, THROTTLE_MS + 20_000, answer, rates);

    const cuts = cutsIn(rates, TPS);
    // Instant answers: the first send after a pause is throttled again while the window lasts, so a cut at the start
    // and one after each full pause inside it.
    const expectedCuts = Math.ceil(THROTTLE_MS / PAUSE_MS);
    expect(cuts).toHaveLength(expectedCuts);
    for (let i = 1; i < cuts.length; i++) expect(cuts[i]! - cuts[i - 1]!).toBeGreaterThanOrEqual(PAUSE_MS);
    expect(Math.min(...rates.map((s) => s.rate))).toBeGreaterThanOrEqual(TPS * DECREASE ** expectedCuts);
    // Nothing is sent while paused.
    const sent = r.session().sentAt;
    for (const c of cuts) expect(sent.filter((t) => t > c && t < c + PAUSE_MS), `sends in the pause after ${c}`).toEqual([]);
    // Every throttled segment is sent again; none is settled as a failure.
    expect(throttledAt.length).toBeGreaterThan(0);
    expect(r.failed).toEqual([]);
    // The whole trajectory is the rule's: halvings, pauses, then a straight climb of 10/s per second back to 200.
    for (const s of rates) expect(s.rate, `rate at ${s.t}`).toBeCloseTo(aimdRate(TPS, cuts, PAUSE_MS, s.t), 6);
    const afterLast = aimdRate(TPS, cuts, PAUSE_MS, cuts[cuts.length - 1]!);
    const backAt = cuts[cuts.length - 1]! + PAUSE_MS + ((TPS - afterLast) / (RECOVER_SHARE_PER_S * TPS)) * 1000;
    expect(rates.find((s) => s.rate >= TPS)!.t).toBeGreaterThanOrEqual(backAt);
    expect(rates.find((s) => s.rate >= TPS)!.t).toBeLessThanOrEqual(backAt + STEP_MS);
    // And every message is sent in the end, each accepted once.
    await run(r, 15_000, ok);
    expect(new Set(r.submitted.map((e) => e.id)).size).toBe(r.submitted.length);
  });

  it('congestion_state: ≥ 90 cuts the rate at most once a second and without a pause, < 90 never; it recovers as after a throttle', async () => {
    const TPS = 200;
    rig = startBindRig({ tps: TPS, window: 20 });
    for (let i = 0; i < 6000; i++) rig.source.push(testMt(`m${i}`));
    const r = rig;
    const congested = (v: number) => (x: SentRequest) => x.respond(0, 'smsc-id', new Map([[Tlv.congestion_state, Buffer.from([v])]]));
    await run(r, 500, ok);
    const rates: { t: number; rate: number }[] = [];
    await run(r, 1500, congested(80), rates);
    expect(rates.every((s) => s.rate === TPS)).toBe(true);

    const tOn = r.clock.now();
    const CONGESTED_MS = 1500;
    rates.length = 0;
    await run(r, CONGESTED_MS, congested(95), rates);
    const cuts = cutsIn(rates, TPS);
    // One at the first answer, then one per further full second of congestion.
    expect(cuts).toHaveLength(Math.floor(CONGESTED_MS / 1000) + 1);
    expect(cuts[0]!).toBe(tOn + STEP_MS);
    expect(cuts[1]! - cuts[0]!).toBeGreaterThanOrEqual(1000);
    // No pause: sending goes on right after each cut.
    const sent = r.session().sentAt;
    for (const c of cuts) expect(sent.some((t) => t > c && t < c + 100), `sends just after the cut at ${c}`).toBe(true);

    rates.length = 0;
    await run(r, 20_000, ok, rates);
    // The rule's trajectory with no pause: halving, climb, halving, climb back to 200 (monotonic once the TLV is gone).
    for (const s of rates) expect(s.rate, `rate at ${s.t}`).toBeCloseTo(aimdRate(TPS, cuts, 0, s.t), 6);
    const afterLast = aimdRate(TPS, cuts, 0, cuts[cuts.length - 1]!);
    expect(afterLast).toBeLessThan(TPS / 2);
    const backAt = cuts[cuts.length - 1]! + ((TPS - afterLast) / (RECOVER_SHARE_PER_S * TPS)) * 1000;
    expect(rates.find((s) => s.rate >= TPS)!.t).toBeGreaterThanOrEqual(backAt);
    expect(rates.find((s) => s.rate >= TPS)!.t).toBeLessThanOrEqual(backAt + STEP_MS);
    expect(r.failed).toEqual([]);
  });
});
