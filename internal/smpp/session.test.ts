/**
 * Session tests over real TCP: window, sequences, timeouts, closes, peer requests, link checks, backpressure. Timers
 * (response timeouts, link checks, unbind, drain) run on a fake clock, so their bounds are exact on any machine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock } from '../core/clock.js';
import { Status } from './command-status.js';
import { MalformedResponseError, ResponseTimeoutError, SessionClosedError, WindowFullError } from './errors.js';
import { CommandId, encodePdu, shortMessageFields, Tlv, type Pdu, type RequestInit } from './pdu.js';
import { createSession, type SessionCloseReason, type SessionOptions } from './session.js';
import { rawPeer, socketPair, waitFor, type SocketPair } from './test-peer.js';

const base: SessionOptions = {
  windowSize: 10,
  responseTimeoutMs: 2_000,
  enquireLinkIntervalMs: 0,
  enquireLinkTimeoutMs: 0,
};

const submit = (to = '123', text = 'hi'): RequestInit => ({
  command: 'submit_sm',
  ...shortMessageFields({ destinationAddr: to, shortMessage: Buffer.from(text) }),
});

const bind: RequestInit = {
  command: 'bind_transceiver',
  systemId: 'esme',
  password: 'pw',
  systemType: '',
  interfaceVersion: 0x34,
  addrTon: 0,
  addrNpi: 0,
  addressRange: '',
};

let pairs: SocketPair[] = [];
afterEach(async () => {
  await Promise.all(pairs.map((p) => p.close()));
  pairs = [];
});

async function pair(): Promise<SocketPair> {
  const p = await socketPair();
  pairs.push(p);
  return p;
}

/** Our session on the client socket, a raw peer on the server socket. */
async function sessionWithRawPeer(opts: Partial<SessionOptions> = {}) {
  const p = await pair();
  const session = createSession(p.client, { ...base, ...opts });
  const peer = rawPeer(p.server);
  const closes: Array<{ reason: SessionCloseReason; err?: Error }> = [];
  session.onClose((reason, err) => closes.push({ reason, err }));
  return { session, peer, closes };
}

/** The raw peer binds to our session (SMSC side), which accepts. */
async function boundServerSession(opts: Partial<SessionOptions> = {}) {
  const p = await pair();
  const session = createSession(p.server, { ...base, ...opts });
  const peer = rawPeer(p.client);
  const seen: Pdu[] = [];
  session.onRequest((pdu) => {
    seen.push(pdu);
    return { status: 0, messageId: `id-${pdu.sequence}`, systemId: 'smsc' };
  });
  peer.send({ ...bind, sequence: 1 });
  const resp = await peer.next((x) => x.command === 'bind_transceiver_resp');
  expect(resp.status).toBe(0);
  expect(session.state).toBe('bound');
  return { session, peer, seen };
}

/** Two of our sessions talking to each other, bound. */
async function boundPair(opts: Partial<SessionOptions> = {}, serverOpts: Partial<SessionOptions> = {}) {
  const p = await pair();
  const esme = createSession(p.client, { ...base, ...opts });
  const smsc = createSession(p.server, { ...base, ...serverOpts });
  smsc.onRequest((pdu) => ({ status: 0, messageId: `m${pdu.sequence}` }));
  const resp = await esme.request(bind);
  expect(resp.status).toBe(0);
  expect(esme.state).toBe('bound');
  expect(smsc.state).toBe('bound');
  return { esme, smsc };
}

describe('session: window and sequences', () => {
  it('never exceeds the window: WindowFullError at window+1, a response frees a slot and fires onWritable', async () => {
    const { session, peer } = await sessionWithRawPeer({ windowSize: 3 });
    let writable = 0;
    session.onWritable(() => writable++);
    const inflight = [session.request(submit()), session.request(submit()), session.request(submit())];
    for (const r of inflight) r.catch(() => {});
    expect(session.free()).toBe(0);
    await expect(session.request(submit())).rejects.toBeInstanceOf(WindowFullError);
    const first = await peer.next((x) => x.command === 'submit_sm');
    await peer.next((x) => x.command === 'submit_sm');
    await peer.next((x) => x.command === 'submit_sm');
    expect(peer.received).toHaveLength(3);
    peer.send({ command: 'submit_sm_resp', sequence: first.sequence, messageId: 'a' });
    await expect(inflight[0]).resolves.toMatchObject({ command: 'submit_sm_resp', messageId: 'a' });
    expect(session.free()).toBe(1);
    expect(session.inFlight()).toBe(2);
    expect(writable).toBe(1);
    session.close();
    await expect(inflight[1]).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('wraps the sequence from 0x7FFFFFFF to 1', async () => {
    const { session, peer } = await sessionWithRawPeer({ firstSequence: 0x7ffffffe });
    for (let i = 0; i < 3; i++) void session.request({ command: 'enquire_link' }).catch(() => {});
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) seqs.push((await peer.next()).sequence);
    expect(seqs).toEqual([0x7ffffffe, 0x7fffffff, 1]);
    session.close();
  });

  it('resolves a generic_nack for a pending sequence', async () => {
    const { session, peer } = await sessionWithRawPeer();
    const r = session.request(submit());
    const req = await peer.next();
    peer.send({ command: 'generic_nack', status: Status.ESME_RINVCMDID, sequence: req.sequence });
    await expect(r).resolves.toMatchObject({ command: 'generic_nack', status: Status.ESME_RINVCMDID });
    session.close();
  });

  it('ignores a response with an unknown sequence', async () => {
    const { session, peer } = await sessionWithRawPeer();
    peer.send({ command: 'submit_sm_resp', sequence: 999, messageId: 'x' });
    const r = session.request({ command: 'enquire_link' });
    const req = await peer.next();
    peer.send({ command: 'enquire_link_resp', sequence: req.sequence });
    await expect(r).resolves.toMatchObject({ command: 'enquire_link_resp' });
    session.close();
  });
});

describe('session: failures of requests', () => {
  it('a response timeout rejects the request and frees its slot, not before the timeout', async () => {
    const clock = fakeClock(0);
    const { session, peer } = await sessionWithRawPeer({ windowSize: 1, responseTimeoutMs: 100, clock });
    let writable = 0;
    session.onWritable(() => writable++);
    let failed: unknown;
    const r = session.request(submit()).catch((e: unknown) => (failed = e));
    await peer.next();
    expect(session.free()).toBe(0);
    await clock.advanceAsync(99);
    expect(failed).toBeUndefined();
    expect(session.inFlight()).toBe(1);
    // The sweep runs every quarter of the shortest timer at most, so the timeout is noticed within 25 ms of it.
    await clock.advanceAsync(26);
    await r;
    expect(failed).toBeInstanceOf(ResponseTimeoutError);
    expect((failed as ResponseTimeoutError).code).toBe('RESPONSE_TIMEOUT');
    expect(session.inFlight()).toBe(0);
    expect(session.free()).toBe(1);
    expect(writable).toBe(1);
    // A late answer is ignored and the session carries on.
    peer.send({ command: 'submit_sm_resp', sequence: 1, messageId: 'late' });
    const again = session.request({ command: 'enquire_link' });
    const req = await peer.next();
    peer.send({ command: 'enquire_link_resp', sequence: req.sequence });
    await expect(again).resolves.toMatchObject({ command: 'enquire_link_resp' });
    session.close();
  });

  it('the socket closing rejects every in-flight request at once', async () => {
    const { session, peer, closes } = await sessionWithRawPeer();
    const all = Array.from({ length: 5 }, () => session.request(submit()));
    for (let i = 0; i < 5; i++) await peer.next();
    const settled = Promise.allSettled(all);
    peer.socket.destroy();
    const results = await settled;
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof SessionClosedError)).toBe(true);
    expect(closes).toEqual([{ reason: 'socket_closed', err: undefined }]);
    expect(session.state).toBe('closed');
    expect(session.inFlight()).toBe(0);
    await expect(session.request(submit())).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
  });

  it('close() rejects in-flight requests synchronously', async () => {
    const { session, peer } = await sessionWithRawPeer();
    const rejected: unknown[] = [];
    const all = Array.from({ length: 3 }, () => session.request(submit()).catch((e: unknown) => rejected.push(e)));
    await peer.next();
    session.close();
    expect(session.inFlight()).toBe(0);
    await Promise.all(all);
    expect(rejected).toHaveLength(3);
    expect(rejected.every((e) => e instanceof SessionClosedError && e.reason === 'local')).toBe(true);
  });

  it('a malformed response fails its request at once', async () => {
    const { session, peer } = await sessionWithRawPeer();
    const r = session.request(submit());
    const req = await peer.next();
    const bad = Buffer.concat([encodePdu({ command: 'submit_sm_resp', sequence: req.sequence, messageId: 'abc' }).subarray(0, 16), Buffer.from('abc')]);
    bad.writeUInt32BE(bad.length, 0);
    peer.write(bad);
    await expect(r).rejects.toBeInstanceOf(MalformedResponseError);
    expect(peer.received).toHaveLength(1);
    session.close();
  });

  it('drain() waits for the last response (up to its timeout), then resolves', async () => {
    const clock = fakeClock(0);
    const { session, peer } = await sessionWithRawPeer({ responseTimeoutMs: 60_000, clock });
    const r = session.request(submit());
    const req = await peer.next();
    let drained = false;
    const d = session.drain(5_000).then(() => (drained = true));
    await clock.advanceAsync(4_999, 100);
    expect(drained).toBe(false);
    peer.send({ command: 'submit_sm_resp', sequence: req.sequence, messageId: 'x' });
    await r;
    await d;
    expect(drained).toBe(true);
    // Nothing in flight: at once.
    await session.drain(10);
    // Something in flight that is never answered: at the timeout.
    void session.request(submit()).catch(() => {});
    await peer.next();
    let gaveUp = false;
    const t = session.drain(1_000).then(() => (gaveUp = true));
    await clock.advanceAsync(999, 100);
    expect(gaveUp).toBe(false);
    await clock.advanceAsync(1);
    await t;
    expect(session.inFlight()).toBe(1);
    session.close();
  });
});

describe('session: answering the peer', () => {
  it('answers enquire_link in any state', async () => {
    const { session, peer } = await sessionWithRawPeer();
    peer.send({ command: 'enquire_link', sequence: 77 });
    expect(await peer.next()).toMatchObject({ command: 'enquire_link_resp', sequence: 77, status: 0 });
    session.close();
  });

  it('answers unbind with unbind_resp, then closes', async () => {
    const { session, peer, closes } = await sessionWithRawPeer();
    peer.send({ command: 'unbind', sequence: 5 });
    expect(await peer.next()).toMatchObject({ command: 'unbind_resp', sequence: 5, status: 0 });
    await peer.closed;
    expect(session.state).toBe('closed');
    expect(closes[0]?.reason).toBe('peer_unbind');
  });

  it('answers an unknown command id with generic_nack ESME_RINVCMDID', async () => {
    const { session, peer } = await sessionWithRawPeer();
    peer.send({ command: 'unknown', commandId: 0x00000099, sequence: 12, body: Buffer.from([1, 2, 3]) });
    expect(await peer.next()).toMatchObject({ command: 'generic_nack', sequence: 12, status: Status.ESME_RINVCMDID });
    peer.send({ command: 'unknown', commandId: CommandId.query_sm, sequence: 13, body: Buffer.alloc(0) });
    expect(await peer.next()).toMatchObject({ command: 'generic_nack', sequence: 13, status: Status.ESME_RINVCMDID });
    expect(session.state).toBe('open');
    session.close();
  });

  it('refuses submit_sm before the bind, and a second bind after it', async () => {
    const p = await pair();
    const session = createSession(p.server, base);
    session.onRequest(() => ({ status: 0, messageId: 'x' }));
    const peer = rawPeer(p.client);
    peer.send({ ...submit(), sequence: 2 });
    expect(await peer.next()).toMatchObject({ command: 'submit_sm_resp', sequence: 2, status: Status.ESME_RINVBNDSTS });
    peer.send({ ...bind, sequence: 3 });
    expect(await peer.next()).toMatchObject({ command: 'bind_transceiver_resp', status: 0 });
    peer.send({ ...bind, sequence: 4 });
    expect(await peer.next()).toMatchObject({ command: 'bind_transceiver_resp', sequence: 4, status: Status.ESME_RALYBND });
    session.close();
  });

  it('answers a malformed submit_sm with its error and keeps working', async () => {
    const { session, peer, seen } = await boundServerSession();
    const good = encodePdu({ ...submit('4477', 'ok'), sequence: 10 });
    const truncated = Buffer.from(good.subarray(0, 24));
    truncated.writeUInt32BE(truncated.length, 0);
    truncated.writeUInt32BE(11, 12);
    peer.write(truncated);
    expect(await peer.next()).toMatchObject({ command: 'submit_sm_resp', sequence: 11, status: Status.ESME_RINVCMDLEN });
    const badTlv = Buffer.concat([good, Buffer.from('04270002', 'hex')]);
    badTlv.writeUInt32BE(badTlv.length, 0);
    badTlv.writeUInt32BE(12, 12);
    peer.write(badTlv);
    expect(await peer.next()).toMatchObject({ command: 'submit_sm_resp', sequence: 12, status: Status.ESME_RINVOPTPARSTREAM });
    peer.send({ command: 'enquire_link', sequence: 13 });
    expect(await peer.next()).toMatchObject({ command: 'enquire_link_resp', sequence: 13 });
    peer.write(good);
    expect(await peer.next()).toMatchObject({ command: 'submit_sm_resp', sequence: 10, status: 0, messageId: 'id-10' });
    expect(seen.filter((x) => x.command === 'submit_sm')).toHaveLength(1);
    expect(session.state).toBe('bound');
    session.close();
  });

  it('answers a throwing or rejecting handler with RX_T_APPN (deliver_sm) or SYSERR (submit_sm)', async () => {
    const { session, peer } = await boundServerSession();
    session.onRequest((pdu) => {
      if (pdu.command === 'deliver_sm') throw new Error('boom');
      return Promise.reject(new Error('later boom'));
    });
    peer.send({ command: 'deliver_sm', sequence: 20, ...shortMessageFields({ destinationAddr: '1', shortMessage: Buffer.from('x') }) });
    expect(await peer.next()).toMatchObject({ command: 'deliver_sm_resp', sequence: 20, status: Status.ESME_RX_T_APPN });
    peer.send({ ...submit(), sequence: 21 });
    expect(await peer.next()).toMatchObject({ command: 'submit_sm_resp', sequence: 21, status: Status.ESME_RSYSERR });
    session.close();
  });

  it('an unrecoverable command_length gets generic_nack ESME_RINVCMDLEN and closes the session', async () => {
    const { session, peer, closes } = await sessionWithRawPeer();
    peer.write(Buffer.from('0000000800000015000000000000002a', 'hex'));
    expect(await peer.next()).toMatchObject({ command: 'generic_nack', status: Status.ESME_RINVCMDLEN, sequence: 42 });
    await peer.closed;
    expect(closes[0]?.reason).toBe('framing_error');
    expect(session.state).toBe('closed');
  });
});

describe('session: link checks, unbind, backpressure', () => {
  it('sends enquire_link after a quiet interval and closes a link that stays silent for the timeout after it', async () => {
    const clock = fakeClock(0);
    const { session, peer, closes } = await sessionWithRawPeer({ enquireLinkIntervalMs: 60, enquireLinkTimeoutMs: 100, clock });
    await clock.advanceAsync(59);
    expect(peer.received).toHaveLength(0);
    // The sweep runs every quarter of the shortest timer (15 ms here): the check goes out at 60 ms.
    await clock.advanceAsync(15);
    const check = await peer.next((x) => x.command === 'enquire_link');
    // Silent for less than the 100 ms timeout after it: still open; past it (plus one sweep): closed.
    await clock.advanceAsync(158 - 74);
    expect(session.state).toBe('open');
    await clock.advanceAsync(30);
    expect(closes).toEqual([{ reason: 'enquire_link_timeout', err: undefined }]);
    expect(session.state).toBe('closed');
    expect(check.sequence).toBeGreaterThan(0);
  });

  it('keeps a link whose enquire_link is answered, checking it once per quiet interval', async () => {
    const clock = fakeClock(0);
    const { session, peer, closes } = await sessionWithRawPeer({ enquireLinkIntervalMs: 40, enquireLinkTimeoutMs: 80, clock });
    for (let round = 1; round <= 5; round++) {
      // The check falls due 40 ms after the last thing read and goes out at the next sweep (every 10 ms). The clock
      // stands still while the test waits for it, so it never waits longer than 10 ms of the 80 ms allowed.
      await clock.advanceAsync(50, 5);
      const check = await peer.next((x) => x.command === 'enquire_link');
      peer.send({ command: 'enquire_link_resp', sequence: check.sequence });
      // Our own enquire_link is answered after the resp above is read (one socket, in order): proof it arrived.
      peer.send({ command: 'enquire_link', sequence: 1000 + round });
      await peer.next((x) => x.command === 'enquire_link_resp' && x.sequence === 1000 + round);
      expect(session.state, `round ${round}`).toBe('open');
    }
    // 250 ms in all: had the answers not counted, the first check would have timed out by 120 ms.
    expect(clock.now()).toBe(250);
    expect(closes).toEqual([]);
    expect(peer.received.filter((x) => x.ok && x.pdu.command === 'enquire_link')).toHaveLength(5);
    session.close();
  });

  it('unbind() sends unbind, waits for unbind_resp, then closes', async () => {
    const { esme, smsc } = await boundPair();
    const closed = new Promise<SessionCloseReason>((res) => smsc.onClose(res));
    await esme.unbind(1_000);
    expect(esme.state).toBe('closed');
    expect(await closed).toBe('peer_unbind');
  });

  it('unbind() gives up after its timeout when the peer never answers, not before', async () => {
    const clock = fakeClock(0);
    const { session, peer } = await sessionWithRawPeer({ clock });
    let done = false;
    const unbound = session.unbind(100).then(() => (done = true));
    expect(await peer.next()).toMatchObject({ command: 'unbind' });
    await clock.advanceAsync(99);
    expect(done).toBe(false);
    expect(session.state).toBe('unbinding');
    await clock.advanceAsync(1);
    await unbound;
    expect(session.state).toBe('closed');
  });

  it('free() is 0 while the socket is congested and onWritable fires after drain', async () => {
    const { session, peer } = await sessionWithRawPeer({ windowSize: 100_000, responseTimeoutMs: 30_000 });
    peer.socket.pause();
    let writable = 0;
    session.onWritable(() => writable++);
    const big: RequestInit = { ...submit('1', ''), tlvs: new Map([[Tlv.message_payload, Buffer.alloc(60_000)]]) };
    const reqs: Array<Promise<unknown>> = [];
    // Write until the kernel buffers are full too: free() must stay 0 across a pause, not just within a tick.
    for (let round = 0; round < 500; round++) {
      while (session.free() > 0) reqs.push(session.request(big).catch(() => {}));
      await new Promise((res) => setTimeout(res, 20));
      if (session.free() === 0) break;
    }
    expect(session.free()).toBe(0);
    expect(session.inFlight()).toBeLessThan(100_000);
    writable = 0;
    peer.socket.resume();
    await waitFor(() => writable > 0, 5_000, 'onWritable after drain');
    expect(session.free()).toBeGreaterThan(0);
    session.close();
    await Promise.all(reqs);
  });

  it('carries a few thousand request/response pairs between two sessions without losing any', async () => {
    const { esme } = await boundPair({ windowSize: 50 });
    const n = 3_000;
    let sent = 0;
    let ok = 0;
    let maxInFlight = 0;
    await new Promise<void>((resolve, reject) => {
      const pump = (): void => {
        while (sent < n && esme.free() > 0) {
          sent++;
          esme.request(submit(String(sent))).then((r) => {
            if (r.status === 0) ok++;
            if (ok === n) resolve();
          }, reject);
          maxInFlight = Math.max(maxInFlight, esme.inFlight());
        }
      };
      esme.onWritable(pump);
      pump();
    });
    expect(ok).toBe(n);
    expect(maxInFlight).toBeLessThanOrEqual(50);
    esme.close();
  });
});

describe('session: using it after close', () => {
  it('onClose registered after the close still hears about it', async () => {
    const { session } = await sessionWithRawPeer();
    session.close('local');
    const reason = await new Promise<SessionCloseReason>((res) => session.onClose(res));
    expect(reason).toBe('local');
    expect(session.free()).toBe(0);
  });

});
