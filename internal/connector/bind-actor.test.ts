/**
 * The bind actor without NATS or a socket: a fake work source, a fake SMPP session and a fake clock. Expected values
 * come from the rules as the README states them (window and TPS bound what is fetched; retry backoff 1 s, 2 s,
 * 4 s …; throttling pauses the bind 1 s and re-sends the same segment; a permanent status rejects at once).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeDelivery } from '../bus/test-work-source.js';
import { Status } from '../smpp/command-status.js';
import type { PduInit, SubmitSmPdu } from '../smpp/pdu-types.js';
import type { MtMessage } from '../sms/message.js';
import { startBindRig, testMt as mt, turns, type BindRig } from './test-bind-rig.js';
import { shortMessageOf } from './test-session.js';
import { createSenderPacer, type SenderPacer } from './sender-pacer.js';

let rig: BindRig | undefined;

function start(o: { tps: number; window: number; throttlePauseMs?: number; canceled?: ReadonlySet<string>; pacer?: SenderPacer }): BindRig {
  rig = startBindRig(o);
  return rig;
}

afterEach(async () => {
  const r = rig;
  rig = undefined;
  await r?.stop();
});

function settlementOf(d: FakeDelivery<MtMessage>) {
  return d.settlement;
}

describe('bind actor', () => {
  it('senderTps: holds a message whose turn is near, gives back one whose turn is far (delayed, its turn kept), and counts only real attempts', async () => {
    const r = start({ tps: 1000, window: 10, pacer: createSenderPacer([{ sender: 'LONG', tps: 1 }]) });
    const ds = [1, 2, 3, 4].map(() => r.source.push(mt('paced', { from: 'LONG' })));
    const other = r.source.push(mt('free', { from: 'ACME' }));
    await turns();
    // The first LONG goes at once, and the other sender is not queued behind the paced ones.
    expect(r.session().outstanding.map((x) => shortMessageOf(x.pdu as PduInit<SubmitSmPdu>))).toEqual(['paced', 'free']);
    // Turns at +1 s and +2 s are held here; +3 s is past the hold and goes back to JetStream with that delay.
    expect(settlementOf(ds[3]!)).toEqual({ kind: 'retry', delayMs: 3000 });
    expect(settlementOf(ds[1]!)).toBeUndefined();
    for (const x of [...r.session().outstanding]) x.respond(0, 'id');
    await r.clock.advanceAsync(999, 1);
    expect(r.session().outstanding).toHaveLength(0);
    await r.clock.advanceAsync(1, 1);
    await turns();
    expect(r.session().outstanding).toHaveLength(1);
    r.session().outstanding[0]!.respond(0, 'id');
    await r.clock.advanceAsync(1000, 10);
    await turns();
    expect(r.session().outstanding).toHaveLength(1);
    r.session().outstanding[0]!.respond(0, 'id');
    await turns();
    expect([ds[0], ds[1], ds[2], other].map((d) => settlementOf(d!))).toEqual([{ kind: 'ack' }, { kind: 'ack' }, { kind: 'ack' }, { kind: 'ack' }]);
    // The delayed one comes back (delivery 2) at its turn: sent at once, and not counted as a resubmit.
    await r.clock.advanceAsync(1000, 10);
    r.source.push(ds[3]!.body, { deliveryCount: 2 });
    await turns();
    expect(r.session().outstanding).toHaveLength(1);
    expect(await r.metric('smsmesh_resubmits_total')).toBe(0);
  });

  it('never submits a canceled message or one past its validity, and records why; passes the time left as validity_period', async () => {
    const gone = mt();
    const r = start({ tps: 1000, window: 10, canceled: new Set([gone.id]) });
    const canceled = r.source.push(gone);
    const stale = r.source.push(mt('late', { validUntil: r.clock.now() - 1 }));
    const fresh = r.source.push(mt('fresh', { validUntil: r.clock.now() + 3_600_000 }));
    await turns();
    expect(r.failed.map((f) => [f.id, f.status])).toEqual([
      [canceled.body.id, 'canceled'],
      [stale.body.id, 'expired'],
    ]);
    expect(settlementOf(canceled)).toEqual({ kind: 'ack' });
    expect(settlementOf(stale)).toEqual({ kind: 'ack' });
    expect(r.session().outstanding).toHaveLength(1);
    expect((r.session().outstanding[0]!.pdu as PduInit<SubmitSmPdu>).validityPeriod).toBe('000000010000000R');
    r.session().outstanding[0]!.respond(0, 'smsc-f');
    await turns();
    expect(settlementOf(fresh)).toEqual({ kind: 'ack' });
  });

  it('fetches no more than its free window, and acks a message once its submitted event is stored', async () => {
    const r = start({ tps: 1000, window: 2 });
    await turns();
    expect(r.source.fetches[0]).toBe(2);
    const ds = [mt(), mt(), mt(), mt(), mt()].map((m) => r.source.push(m));
    await turns();
    expect(r.session().outstanding).toHaveLength(2);
    expect(r.source.delivered).toHaveLength(2);
    r.session().outstanding[0]!.respond(0, 'smsc-1');
    await turns();
    expect(settlementOf(ds[0]!)).toEqual({ kind: 'ack' });
    expect(r.submitted).toEqual([expect.objectContaining({ kind: 'submitted', id: ds[0]!.body.id, part: 1, parts: 1, smscMessageId: 'smsc-1' })]);
    // The freed slot is filled again, and never more than the window is outstanding.
    await r.clock.advanceAsync(100, 10);
    expect(r.session().outstanding.length).toBeLessThanOrEqual(2);
    expect(r.source.delivered.length).toBe(3);
  });

  it('paces submits at its TPS: at 10/s the k-th message leaves no earlier than (k−1) × 100 ms after the first', async () => {
    const r = start({ tps: 10, window: 50 });
    for (let i = 0; i < 5; i++) r.source.push(mt());
    await turns();
    // Respond to everything as it arrives, so only the rate limits sending.
    for (let t = 0; t < 1000; t += 10) {
      for (const x of [...r.session().outstanding]) x.respond(0, `id${t}`);
      await r.clock.advanceAsync(10, 10);
    }
    const at = r.session().sentAt;
    expect(at).toHaveLength(5);
    for (let k = 1; k < at.length; k++) expect(at[k]! - at[0]!).toBeGreaterThanOrEqual(k * 100);
    // …and does not lag far behind the rate either (one fetch loop wake-up of slack per message).
    expect(at[4]! - at[0]!).toBeLessThanOrEqual(4 * 100 + 4 * 60);
  });

  it('retries a retryable status with backoff 1 s on the first delivery and 4 s on the third', async () => {
    const r = start({ tps: 1000, window: 10 });
    const first = r.source.push(mt());
    const third = r.source.push(mt(), { deliveryCount: 3 });
    await turns();
    for (const x of [...r.session().outstanding]) x.respond(Status.ESME_RSYSERR);
    await turns();
    expect(settlementOf(first)).toEqual({ kind: 'retry', delayMs: 1000 });
    expect(settlementOf(third)).toEqual({ kind: 'retry', delayMs: 4000 });
    expect(r.failed).toEqual([]);
  });

  it('rejects at once on a permanent status, with the status recorded', async () => {
    const r = start({ tps: 1000, window: 10 });
    const d = r.source.push(mt());
    await turns();
    r.session().outstanding[0]!.respond(Status.ESME_RINVDSTADR);
    await turns();
    expect(r.failed).toEqual([expect.objectContaining({ id: d.body.id, status: 'rejected', error: 'smsc status 0x0000000b ESME_RINVDSTADR' })]);
    expect(settlementOf(d)).toEqual({ kind: 'ack' });
  });

  it('records a failure instead of retrying on the last permitted delivery', async () => {
    const r = start({ tps: 1000, window: 10 });
    const d = r.source.push(mt(), { deliveryCount: 2, lastAttempt: true });
    await turns();
    r.session().outstanding[0]!.timeOut();
    await turns();
    expect(r.failed).toEqual([expect.objectContaining({ id: d.body.id, status: 'failed' })]);
    expect(r.failed[0]!.error).toMatch(/no submit_sm_resp \(timeout\) after 2 attempts/);
    expect(settlementOf(d)).toEqual({ kind: 'ack' });
  });

  it('on a throttle answer pauses 1 s, re-sends the same segment, and keeps the message from redelivery meanwhile', async () => {
    const r = start({ tps: 1000, window: 10, throttlePauseMs: 1000 });
    const d = r.source.push(mt('throttle me'));
    await turns();
    const s = r.session();
    s.outstanding[0]!.respond(Status.ESME_RTHROTTLED);
    await turns();
    expect(d.settlement).toBeUndefined();
    expect(d.progressCalls).toBeGreaterThanOrEqual(1);
    await r.clock.advanceAsync(990, 10);
    expect(s.sent).toHaveLength(1);
    await r.clock.advanceAsync(60, 10);
    expect(s.sent).toHaveLength(2);
    expect(shortMessageOf(s.sent[1]!)).toBe(shortMessageOf(s.sent[0]!));
    s.outstanding[0]!.respond(0, 'ok-after-throttle');
    await turns();
    expect(settlementOf(d)).toEqual({ kind: 'ack' });
  });

  it('gives a message back at once when the bind is lost mid-flight, and binds again with backoff while the SMSC refuses', async () => {
    const r = start({ tps: 1000, window: 10 });
    const d = r.source.push(mt());
    await turns();
    expect(r.connects).toHaveLength(1);
    r.failConnects = 2;
    const lostAt = r.clock.now();
    r.session().lose();
    await turns();
    expect(settlementOf(d)).toEqual({ kind: 'retry', delayMs: 0 });
    expect(r.actor.state()).toBe('connecting');
    // Equal jitter with random 0.5: half the ceiling plus a quarter of it — 500 ms → 375, then 1,000 ms → 750.
    await r.clock.advanceAsync(1200, 5);
    expect(r.connects.slice(1).map((t) => t - lostAt)).toEqual([0, 375, 1125]);
    expect(r.actor.state()).toBe('bound');
  });

  it('on stop returns queued messages for any bind and waits for those in flight', async () => {
    const r = start({ tps: 1000, window: 1 });
    const inFlight = r.source.push(mt());
    await turns();
    expect(r.session().outstanding).toHaveLength(1);
    const stopping = r.actor.stop(5000);
    await turns();
    expect(r.actor.state()).toBe('draining');
    expect(inFlight.settlement).toBeUndefined();
    r.session().outstanding[0]!.respond(0, 'last');
    await r.clock.advanceAsync(100, 10);
    await stopping;
    expect(settlementOf(inFlight)).toEqual({ kind: 'ack' });
    expect(r.actor.state()).toBe('closed');
    rig = undefined;
  });
});
