/**
 * The SMSC dies (listener and every session closed, connections refused) and a new one starts on the same port:
 * the bind reconnects with backoff, and every message published before or during the outage is submitted afterwards,
 * with duplicates bounded by the window. The backoff is checked against the README's rule (0.5 s doubling up to the
 * carrier's reconnectMaxMs, each wait between half its ceiling and all of it) with bounds that hold on a loaded
 * machine: timers never fire early, so real gaps are at least the waits chosen, and the number of attempts in an
 * outage is at most what the shortest waits allow. The exact schedule is a unit test on a fake clock (internal/connector/bind-actor-reconnect.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sleep, startHarness, waitUntil, type Harness } from '../support/connector-harness.js';
import { recordingLogger, type LogEntry, type RecordingLogger } from '../support/recording-logger.js';

const BASE_MS = 500;
const WINDOW = 20;
const OUTAGE_MS = 2000;

let h: Harness | undefined;
let h2: Harness | undefined;
/** The binds' jitter draws; outage 2 pins them to the top. */
let jitter: () => number = Math.random;

afterAll(async () => {
  await h?.close();
  await h2?.close();
});

/** The bind's "bind failed; retrying" entries logged since `from`: when, and the wait it chose. */
function retries(log: RecordingLogger, from: number): { at: number; delayMs: number; attempt: number }[] {
  return log.entries
    .slice(from)
    .filter((e: LogEntry) => e.msg === 'bind failed; retrying')
    .map((e) => ({ at: e.at, delayMs: e.fields.delayMs as number, attempt: e.fields.attempt as number }));
}

/** Failed attempts an outage of `ms` allows at most when every wait is as short as the rule permits (half its ceiling). */
function maxAttemptsIn(ms: number): number {
  let k = 1;
  let waited = 0;
  for (;;) {
    waited += (BASE_MS / 2) * 2 ** (k - 1);
    if (waited > ms) return k;
    k++;
  }
}

describe('SMSC restart', () => {
  it('reconnects with backoff after the SMSC dies and comes back on the same port; nothing is lost', async () => {
    const log = recordingLogger();
    h = await startHarness({ carrier: { tps: 200, window: WINDOW, binds: 1 }, sim: { receipts: false, respondDelayMs: 10 }, random: () => jitter(), log });
    const bindsUp = () => h!.metric('smsmesh_binds_up');
    await waitUntil('bound', async () => (await bindsUp()) === 1, 10_000);

    // --- outage 1: natural jitter ---
    const before = await h.publishMany(600, '7707');
    await waitUntil('load under way', () => h!.sim.stats().submits >= 150, 10_000, 5);
    const r0 = await h.metric('smsmesh_bind_reconnects_total');
    const l0 = log.entries.length;
    const down1 = Date.now();
    await h.closeSimulator();
    const during = await h.publishMany(200, '7708');
    await waitUntil('bind lost', async () => (await bindsUp()) === 0, 10_000, 10);
    await sleep(OUTAGE_MS);
    await h.openSimulator();
    await waitUntil('bound again', async () => (await bindsUp()) === 1, 40_000, 10);
    const back1 = Date.now();
    const ids1 = [...before, ...during].map((m) => m.id);
    await waitUntil('everything from before and during the outage submitted', () => h!.settled(ids1).submitted.size === ids1.length, 30_000, 100);
    const r1 = await h.metric('smsmesh_bind_reconnects_total');
    const tries1 = retries(log, l0);
    console.log(`[restart] outage 1 (jitter as is): ${r1 - r0} failed bind attempts in ${back1 - down1} ms; waits chosen ${tries1.map((t) => t.delayMs).join(', ')} ms`);
    expect(r1 - r0).toBeGreaterThanOrEqual(1);
    // A retry loop without backoff would make hundreds of attempts; waits of at least half a doubling ceiling allow few.
    expect(r1 - r0).toBeLessThanOrEqual(maxAttemptsIn(back1 - down1));
    expect(tries1).toHaveLength(r1 - r0);
    tries1.forEach((t, k) => {
      const ceiling = BASE_MS * 2 ** k;
      expect(t.attempt).toBe(k + 1);
      expect(t.delayMs, `wait after attempt ${k + 1}`).toBeGreaterThanOrEqual(ceiling / 2);
      expect(t.delayMs, `wait after attempt ${k + 1}`).toBeLessThanOrEqual(ceiling);
      // Timers never fire early: the next failure comes no sooner than the wait chosen.
      if (k + 1 < tries1.length) expect(tries1[k + 1]!.at - t.at, `gap after attempt ${k + 1}`).toBeGreaterThanOrEqual(t.delayMs - 1);
    });

    // --- outage 2: jitter pinned to its top, so each wait is the ceiling itself and the doubling shows ---
    const more = await h.publishMany(200, '7709');
    jitter = () => 0.999_999;
    const l2 = log.entries.length;
    await h.closeSimulator();
    const during2 = await h.publishMany(100, '7710');
    await waitUntil('bind lost', async () => (await bindsUp()) === 0, 10_000, 10);
    // Long enough for three waits at the top (0.5 + 1 + 2 s) to start.
    await waitUntil('three failed attempts', () => retries(log, l2).length >= 3, 30_000, 10);
    await h.openSimulator();
    await waitUntil('bound again', async () => (await bindsUp()) === 1, 40_000, 10);
    jitter = Math.random;
    const tries2 = retries(log, l2);
    console.log(`[restart] outage 2 (jitter pinned at max): waits chosen ${tries2.map((t) => t.delayMs).join(', ')} ms; real gaps ${tries2.slice(1).map((t, i) => t.at - tries2[i]!.at).join(', ')} ms`);
    expect(tries2.map((t) => t.delayMs)).toEqual(tries2.map((_, k) => BASE_MS * 2 ** k));
    for (let k = 1; k < tries2.length; k++) expect(tries2[k]!.at - tries2[k - 1]!.at).toBeGreaterThanOrEqual(tries2[k - 1]!.delayMs - 1);

    const ids2 = [...more, ...during2].map((m) => m.id);
    await waitUntil('everything submitted', () => h!.settled(ids2).submitted.size === ids2.length, 30_000, 100);
    expect(h.events.failed).toHaveLength(0);
    const all = [...ids1, ...ids2];
    expect(h.settled(all).submitted.size).toBe(all.length);
    // Duplicates at the SMSC are bounded by the window (segments sent but unanswered when it died).
    let dup = 0;
    for (const n of h.attemptsByDestination().values()) dup += n - 1;
    console.log(`[restart] ${all.length} msgs submitted; ${dup} resent to the SMSC (window ${WINDOW} per outage)`);
    expect(dup).toBeLessThanOrEqual(2 * WINDOW);
  });
});

describe('SMSC outage longer than ack_wait', () => {
  it('messages that arrive just after the bind is lost are neither stuck nor sent twice', async () => {
    // ack_wait 3 s (at least 2 × responseTimeoutMs, as the config requires); each outage lasts 3.5 s.
    h2 = await startHarness({ carrier: { tps: 200, window: 20, binds: 1, responseTimeoutMs: 1000 }, sim: { receipts: false }, ackWaitMs: 3000 });
    const harness = h2;
    const bindsUp = () => harness.metric('smsmesh_binds_up');
    const consumer = () => harness.bus.jsm.consumers.info('SMS_MT', `connector-${harness.carrier.id}`);
    // 15 messages fill the bind's room (window 20 − fetch threshold 10): if they sit in the dead bind's
    // queue, the new session never sends them. 5 do not: if they sit there, they are also redelivered
    // (ack_wait passed) and sent twice.
    for (const [n, prefix] of [[15, '7711'], [5, '7712']] as const) {
      await waitUntil('bound', async () => (await bindsUp()) === 1, 20_000);
      // Idle: the bind's pull request is waiting at the server for messages.
      await waitUntil('a pull request waiting', async () => (await consumer()).num_waiting > 0, 10_000, 20);
      await harness.closeSimulator();
      const during = await harness.publishMany(n, prefix);
      await sleep(3500);
      await harness.openSimulator();
      const ids = during.map((m) => m.id);
      await waitUntil(`${n} submitted after the reconnect`, () => harness.settled(ids).submitted.size === ids.length, 30_000, 100);
    }
    // Every message acked and none pending: JetStream will hand none of them out again, so the counts are final.
    await waitUntil('all acked', async () => {
      const c = await consumer();
      return c.num_pending === 0 && c.num_ack_pending === 0;
    }, 20_000, 50);
    const counts = [...harness.attemptsByDestination().values()];
    console.log(`[outage>ack_wait] 20 msgs over two 3.5 s outages, all submitted; attempts per destination: ${[...new Set(counts)].join('/')}`);
    expect(counts).toHaveLength(20);
    expect(counts.every((x) => x === 1)).toBe(true);
    expect(harness.events.failed).toHaveLength(0);
  });
});
