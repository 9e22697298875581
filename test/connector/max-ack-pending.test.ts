/**
 * The connector against JetStream's max_ack_pending (real nats-server and SMSC simulator): with the consumer's limit
 * below the bind's window and an SMSC that holds its answers, the bind stalls at exactly the limit — JetStream hands
 * out nothing more, the bind keeps one pull request waiting rather than spinning or giving up, even across pull
 * expiries — and carries on by itself as soon as answers free room: every message sent once, nothing failed or
 * dead-lettered. (FIELD-NOTES: delivery stops silently at the limit; the connector must not stop with it.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Streams } from '../../internal/bus/subjects.js';
import { sleep, startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

const LIMIT = 5;
const WINDOW = 20;
/** Long against the 4 s the test watches the stall for, so a slow machine's late timers cannot end it early. */
const HOLD_MS = 10_000;
/** The bind's pull requests expire after 2 s (fetchExpiresMs): the stall must outlast two of them. */
const PULL_EXPIRES_MS = 2000;

let h: Harness | undefined;
afterAll(async () => {
  await h?.close();
});

describe('max_ack_pending', () => {
  it('stalls at the limit while the SMSC holds its answers, and recovers by itself when they come', async () => {
    h = await startHarness({
      carrier: { tps: 1000, window: WINDOW, responseTimeoutMs: 20_000 },
      ackWaitMs: 60_000,
      sim: { receipts: false, respondDelayMs: HOLD_MS },
      start: false,
    });
    const harness = h;
    const durable = `connector-${harness.carrier.id}`;
    await harness.bus.jsm.consumers.update(Streams.mt, durable, { max_ack_pending: LIMIT });
    const msgs = await harness.publishMany(40, '7720');
    const ids = msgs.map((m) => m.id);
    await harness.startConnector();
    const consumer = () => harness.bus.jsm.consumers.info(Streams.mt, durable);

    // Stalled: the limit's worth at the SMSC, the rest still pending in the stream.
    await waitUntil('the first messages at the SMSC', () => harness.sim.stats().attempts >= LIMIT, 10_000, 10);
    const firstAt = Date.now();
    // Later answers are immediate; the held ones keep their due time, so the stall lasts until then.
    harness.sim.setBehaviour({ respondDelayMs: 0 });
    const c = await consumer();
    expect(c.num_ack_pending).toBe(LIMIT);
    expect(c.num_pending).toBe(ids.length - LIMIT);
    // Still stalled across two pull expiries, with exactly one pull request waiting: the bind neither spins nor stops.
    await sleep(2 * PULL_EXPIRES_MS + 200);
    expect(Date.now() - firstAt, 'the stall was watched before the held answers were due').toBeLessThan(HOLD_MS);
    const still = await consumer();
    expect(harness.sim.stats().attempts).toBe(LIMIT);
    expect(still.num_ack_pending).toBe(LIMIT);
    expect(still.num_waiting).toBe(1);
    expect(harness.connector!.binds()[0]).toMatchObject({ state: 'bound', inFlight: LIMIT });

    // Room returns with the held answers: the rest goes without anyone touching the connector.
    await waitUntil('everything submitted', () => harness.settled(ids).submitted.size === ids.length, 30_000, 50);
    await waitUntil('all acked', async () => {
      const x = await consumer();
      return x.num_pending === 0 && x.num_ack_pending === 0;
    }, 10_000, 50);
    const st = harness.sim.stats();
    console.log(`[max_ack_pending] limit ${LIMIT} under window ${WINDOW}: most outstanding at the SMSC ${st.maxOutstanding}; ${st.submits} submitted`);
    // Never more in flight than JetStream allowed, and the limit was really reached.
    expect(st.maxOutstanding).toBe(LIMIT);
    expect(st.submits).toBe(ids.length);
    expect(new Set(harness.submits.map((s) => s.destinationAddr)).size).toBe(ids.length);
    expect(harness.events.failed).toHaveLength(0);
    expect((await harness.bus.jsm.streams.info(Streams.dead)).state.messages).toBe(0);
    expect((await consumer()).num_redelivered).toBe(0);
  });
});
