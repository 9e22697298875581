/**
 * The SMSC dies (listener and every session closed, connections refused) and a new one starts on the same
 * port 2 s later: the bind reconnects with exponential backoff, and every message published before or during
 * the outage is submitted afterwards.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sleep, startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

/** The bind actor's reconnect backoff: base 500 ms, doubling cap, equal jitter (delay = cap/2 + random × cap/2). */
const BASE_MS = 500;

let h: Harness | undefined;
let h2: Harness | undefined;
/** The binds' jitter draws; outage 2 pins them to the top. */
let jitter: () => number = Math.random;

afterAll(async () => {
  await h?.close();
  await h2?.close();
});

/** Records when smsmesh_bind_reconnects_total grows (polled every 5 ms). */
function watchReconnects(harness: Harness): { times: number[]; stop(): void } {
  const times: number[] = [];
  let last = -1;
  let on = true;
  void (async () => {
    while (on) {
      const v = await harness.metric('smsmesh_bind_reconnects_total');
      if (last >= 0) for (let i = last; i < v; i++) times.push(Date.now());
      last = v;
      await sleep(5);
    }
  })();
  return { times, stop: () => void (on = false) };
}

const gapsOf = (t: number[]): number[] => t.slice(1).map((x, i) => x - t[i]!);

describe('SMSC restart', () => {
  it('reconnects with backoff after the SMSC dies and comes back on the same port; nothing is lost', async () => {
    h = await startHarness({ carrier: { tps: 200, window: 20, binds: 1 }, sim: { receipts: false, respondDelayMs: 10 }, random: () => jitter() });
    const bindsUp = () => h!.metric('smsmesh_binds_up');
    await waitUntil('bound', async () => (await bindsUp()) === 1, 10_000);

    // --- outage 1: natural jitter ---
    const before = await h.publishMany(600, '7707');
    await waitUntil('load under way', () => h!.sim.stats().submits >= 150, 10_000, 5);
    const r0 = await h.metric('smsmesh_bind_reconnects_total');
    const w1 = watchReconnects(h);
    const down1 = Date.now();
    await h.closeSimulator();
    const during = await h.publishMany(200, '7708');
    await sleep(2000);
    expect(await bindsUp()).toBe(0);
    await h.openSimulator();
    await waitUntil('bound again', async () => (await bindsUp()) === 1, 10_000, 10);
    const back1 = Date.now();
    w1.stop();
    const ids1 = [...before, ...during].map((m) => m.id);
    await waitUntil('everything from before and during the outage submitted', () => h!.settled(ids1).submitted.size === ids1.length, 30_000, 100);
    const r1 = await h.metric('smsmesh_bind_reconnects_total');
    const gaps1 = gapsOf([down1, ...w1.times]);
    console.log(`[restart] outage 1 (jitter as is): ${r1 - r0} failed bind attempts in ${back1 - down1} ms; gaps ${gaps1.join(', ')} ms`);
    expect(r1).toBeGreaterThan(r0);
    // A retry loop without backoff would make hundreds of attempts in 2 s; jittered waits under a doubling cap make a handful.
    expect(r1 - r0).toBeLessThanOrEqual(12);
    // Each wait is at most its cap, and the cap doubles (the first attempt follows the loss at once).
    gaps1.slice(1).forEach((g, k) => expect(g, `wait before attempt ${k + 2}`).toBeLessThanOrEqual(BASE_MS * 2 ** k + 60));

    // --- outage 2: jitter pinned to its top, so the doubling itself shows ---
    const w2 = watchReconnects(h);
    const more = await h.publishMany(200, '7709');
    jitter = () => 0.999;
    const down2 = Date.now();
    await h.closeSimulator();
    const during2 = await h.publishMany(100, '7710');
    await sleep(2000);
    await h.openSimulator();
    await waitUntil('bound again', async () => (await bindsUp()) === 1, 15_000, 10);
    jitter = Math.random;
    w2.stop();
    const gaps2 = gapsOf(w2.times);
    console.log(`[restart] outage 2 (jitter pinned at max): attempts at +${w2.times.map((t) => t - down2).join(', +')} ms; gaps ${gaps2.join(', ')} ms; reconnected after ${Date.now() - down2} ms`);
    expect(gaps2.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < gaps2.length; i++) expect(gaps2[i]!).toBeGreaterThan(gaps2[i - 1]! * 1.6);
    gaps2.forEach((g, k) => expect(Math.abs(g - BASE_MS * 2 ** k)).toBeLessThan(120));

    const ids2 = [...more, ...during2].map((m) => m.id);
    await waitUntil('everything submitted', () => h!.settled(ids2).submitted.size === ids2.length, 30_000, 100);
    expect(h.events.failed).toHaveLength(0);
    const all = [...ids1, ...ids2];
    expect(h.settled(all).submitted.size).toBe(all.length);
    // Duplicates at the SMSC are bounded by the window (segments sent but unanswered when it died).
    let dup = 0;
    for (const n of h.attemptsByDestination().values()) dup += n - 1;
    console.log(`[restart] ${all.length} msgs submitted; ${dup} resent to the SMSC (window 20 per outage)`);
    expect(dup).toBeLessThanOrEqual(2 * 20);
  });
});

describe('SMSC outage longer than ack_wait', () => {
  it('messages that arrive just after the bind is lost are neither stuck nor sent twice', async () => {
    // ack_wait 3 s (at least 2 × responseTimeoutMs, as the config requires); each outage lasts 3.5 s.
    h2 = await startHarness({ carrier: { tps: 200, window: 20, binds: 1, responseTimeoutMs: 1000 }, sim: { receipts: false }, ackWaitMs: 3000 });
    const bindsUp = () => h2!.metric('smsmesh_binds_up');
    // 15 messages fill the bind's room (window 20 − fetch threshold 10): if they sit in the dead bind's
    // queue, the new session never sends them. 5 do not: if they sit there, they are also redelivered
    // (ack_wait passed) and sent twice.
    for (const [n, prefix] of [[15, '7711'], [5, '7712']] as const) {
      await waitUntil('bound', async () => (await bindsUp()) === 1, 20_000);
      await sleep(300); // idle: the bind's pull request is waiting for messages
      await h2.closeSimulator();
      const during = await h2.publishMany(n, prefix);
      await sleep(3500);
      await h2.openSimulator();
      const ids = during.map((m) => m.id);
      await waitUntil(`${n} submitted after the reconnect`, () => h2!.settled(ids).submitted.size === ids.length, 30_000, 100);
    }
    await sleep(500);
    const counts = [...h2.attemptsByDestination().values()];
    console.log(`[outage>ack_wait] 20 msgs over two 3.5 s outages, all submitted; attempts per destination: ${[...new Set(counts)].join('/')}`);
    expect(counts).toHaveLength(20);
    expect(counts.every((x) => x === 1)).toBe(true);
    expect(h2.events.failed).toHaveLength(0);
  });
});
