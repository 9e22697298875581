/**
 * The bind actor's reconnects on a fake clock, against the rule as the README states it: backoff doubling from 0.5 s to
 * at most the carrier's reconnectMaxMs (10 s unless set), each wait between half its ceiling and all of it (equal
 * jitter); a credentials refusal waits 60 s, never a tight loop; a successful bind starts the schedule again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Status } from '../smpp/command-status.js';
import { startBindRig, turns, type BindRig } from './test-bind-rig.js';

const BASE_MS = 500;
const MAX_MS = 10_000;
const CREDENTIALS_MS = 60_000;
/** The ceiling before the k-th retry (k = 1, 2, …). */
const ceiling = (k: number, max = MAX_MS): number => Math.min(max, BASE_MS * 2 ** (k - 1));

let rig: BindRig | undefined;
afterEach(async () => {
  const r = rig;
  rig = undefined;
  await r?.stop();
});

/** Loses the bound session with `fails` connects to fail after it; returns the gaps between connect attempts. */
async function outage(r: BindRig, fails: number, spanMs: number): Promise<number[]> {
  await turns();
  r.failConnects = fails;
  const before = r.connects.length;
  const lostAt = r.clock.now();
  r.session().lose();
  await turns();
  await r.clock.advanceAsync(spanMs, 50);
  const times = [lostAt, ...r.connects.slice(before)];
  return times.slice(1).map((t, i) => t - times[i]!);
}

describe('bind actor reconnects', () => {
  it('with the jitter at its top, waits the ceiling itself: 0.5, 1, 2, 4, 8, then 10 s and no more', async () => {
    rig = startBindRig({ tps: 100, window: 10, random: () => 0.999_999 });
    const gaps = await outage(rig, 9, 100_000);
    // The first attempt follows the loss at once; then one wait per failure.
    expect(gaps).toEqual([0, ...Array.from({ length: 9 }, (_, i) => ceiling(i + 1))]);
    expect(gaps.slice(1)).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000]);
    expect(rig.actor.state()).toBe('bound');
  });

  it("waits up to the carrier's reconnectMaxMs instead when it is set", async () => {
    rig = startBindRig({ tps: 100, window: 10, random: () => 0.999_999, reconnectMaxMs: 30_000 });
    const gaps = await outage(rig, 9, 200_000);
    expect(gaps.slice(1)).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(gaps.slice(1)).toEqual(Array.from({ length: 9 }, (_, i) => ceiling(i + 1, 30_000)));
    expect(rig.actor.state()).toBe('bound');
  });

  it('with the jitter at its bottom, waits half the ceiling; after a good bind the schedule starts again', async () => {
    rig = startBindRig({ tps: 100, window: 10, random: () => 0 });
    const first = await outage(rig, 4, 20_000);
    expect(first).toEqual([0, ...[1, 2, 3, 4].map((k) => ceiling(k) / 2)]);
    expect(rig.actor.state()).toBe('bound');
    const second = await outage(rig, 2, 20_000);
    expect(second).toEqual([0, ceiling(1) / 2, ceiling(2) / 2]);
  });

  it('keeps every wait between half its ceiling and the ceiling, whatever the draws', async () => {
    let seed = 7;
    const draws = (): number => ((seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647);
    rig = startBindRig({ tps: 100, window: 10, random: draws });
    const gaps = await outage(rig, 10, 300_000);
    expect(gaps).toHaveLength(11);
    gaps.slice(1).forEach((g, i) => {
      expect(g, `wait ${i + 1}`).toBeGreaterThanOrEqual(ceiling(i + 1) / 2);
      expect(g, `wait ${i + 1}`).toBeLessThanOrEqual(ceiling(i + 1));
    });
  });

  it('after a credentials refusal retries every 60 s, not on the short schedule', async () => {
    rig = startBindRig({ tps: 100, window: 10, random: () => 0.5 });
    rig.refuseWith = Status.ESME_RINVPASWD;
    const gaps = await outage(rig, 3, 4 * CREDENTIALS_MS);
    expect(gaps).toEqual([0, CREDENTIALS_MS, CREDENTIALS_MS, CREDENTIALS_MS]);
    expect(rig.actor.state()).toBe('bound');
  });
});
