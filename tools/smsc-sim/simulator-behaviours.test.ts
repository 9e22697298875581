/** The simulator's fault and measurement behaviours over real TCP: delays and outstanding counts, silence, receipt before response, malformed PDUs, per-second counts, congestion_state. */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bindSession } from '../../internal/smpp/client.js';
import { CommandId } from '../../internal/smpp/command-id.js';
import { Status } from '../../internal/smpp/command-status.js';
import { ResponseTimeoutError } from '../../internal/smpp/errors.js';
import { shortMessageFields, Tlv, tlvU8, type Pdu, type RequestInit } from '../../internal/smpp/pdu.js';
import type { RequestHandler, Session } from '../../internal/smpp/session.js';
import { rawPeer, waitFor } from '../../internal/smpp/test-peer.js';
import { EXPECTED_ANSWER, MALFORMED_KINDS } from './malformed.js';
import { startSmscSimulator, type SimulatorOptions, type SmscSimulator, type SubmitAttempt } from './simulator.js';

let sims: SmscSimulator[] = [];
let sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions) s.close();
  sessions = [];
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function sim(opts: SimulatorOptions = {}): Promise<SmscSimulator> {
  const s = await startSmscSimulator({ host: '127.0.0.1', port: 0, ...opts });
  sims.push(s);
  return s;
}

async function esme(s: SmscSimulator, opts: { windowSize?: number; responseTimeoutMs?: number; onRequest?: RequestHandler } = {}): Promise<Session> {
  const session = await bindSession({
    host: '127.0.0.1',
    port: s.port,
    mode: 'transceiver',
    systemId: 'esme',
    password: 'pw',
    session: { windowSize: opts.windowSize ?? 50, responseTimeoutMs: opts.responseTimeoutMs ?? 2_000, enquireLinkIntervalMs: 0, enquireLinkTimeoutMs: 0 },
    onRequest: opts.onRequest ?? (() => ({ status: 0 })),
  });
  sessions.push(session);
  return session;
}

const submit = (to: string, registeredDelivery = 1): RequestInit => ({
  command: 'submit_sm',
  ...shortMessageFields({ sourceAddr: 'ACME', sourceAddrTon: 5, destinationAddr: to, destAddrTon: 1, destAddrNpi: 1, registeredDelivery, shortMessage: Buffer.from('hello') }),
});

describe('smsc simulator behaviours', () => {
  it('respondDelayMs holds answers so the window fills; maxOutstanding counts what was outstanding', async () => {
    const s = await sim({ respondDelayMs: 80, receipts: false });
    const session = await esme(s, { windowSize: 20 });
    const t0 = Date.now();
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => session.request(submit(String(i)))));
    const took = Date.now() - t0;
    expect(all.every((r) => r.status === 0)).toBe(true);
    // Held at least the delay; held together rather than one after another, which maxOutstanding shows.
    expect(took).toBeGreaterThanOrEqual(75);
    expect(s.stats().maxOutstanding).toBe(20);
    expect(s.stats().sessions).toEqual([expect.objectContaining({ outstanding: 0, maxOutstanding: 20 })]);
    s.setBehaviour({ respondDelayMs: 0 });
    // Without a delay every answer goes out before the next submit is read: one outstanding at a time at most.
    const other = await sim({ receipts: false });
    const o = await esme(other);
    await Promise.all(Array.from({ length: 20 }, (_, i) => o.request(submit(String(i)))));
    expect(other.stats().maxOutstanding).toBe(1);
  });

  it('silentShare=1 never answers: the ESME times out, the attempt is counted and reported', async () => {
    const s = await sim({ silentShare: 1 });
    const attempts: SubmitAttempt[] = [];
    s.onSubmitAttempt((a) => attempts.push(a));
    const session = await esme(s, { responseTimeoutMs: 200 });
    await expect(session.request(submit('1'))).rejects.toBeInstanceOf(ResponseTimeoutError);
    expect(s.stats()).toMatchObject({ silent: 1, attempts: 1, submits: 0, maxOutstanding: 0 });
    expect(attempts).toEqual([expect.objectContaining({ outcome: 'silent', status: undefined, destinationAddr: '1' })]);
    s.setBehaviour({ silentShare: 0 });
    expect((await session.request(submit('2'))).status).toBe(0);
    expect(attempts.map((a) => a.outcome)).toEqual(['silent', 'ok']);
  });

  it('receiptBeforeResp: the receipt arrives, and is answered, before the submit_sm_resp', async () => {
    const s = await sim({ receiptBeforeResp: true });
    const seen: string[] = [];
    const session = await esme(s, {
      onRequest: async (pdu) => {
        seen.push(pdu.command);
        await new Promise((r) => setTimeout(r, 50));
        seen.push('receipt answered');
        return { status: 0 };
      },
    });
    const resp = await session.request(submit('1'));
    seen.push(resp.command);
    expect(seen).toEqual(['deliver_sm', 'receipt answered', 'submit_sm_resp']);
    // No receipt wanted: answered at once.
    await session.request(submit('2', 0));
    expect(s.stats()).toMatchObject({ receiptsSent: 1, submits: 2 });
  });

  it('congestionState puts the SMPP 5.0 congestion_state TLV in every submit_sm_resp, until removed', async () => {
    const s = await sim({ congestionState: 95, receipts: false });
    const session = await esme(s);
    const ok = await session.request(submit('1'));
    expect(tlvU8(ok.tlvs, Tlv.congestion_state)).toBe(95);
    s.setBehaviour({ rejectShare: 1 });
    const rejected = await session.request(submit('2'));
    expect(rejected.status).toBe(Status.ESME_RINVDSTADR);
    expect(tlvU8(rejected.tlvs, Tlv.congestion_state)).toBe(95);
    s.setBehaviour({ rejectShare: 0, congestionState: null });
    expect((await session.request(submit('3'))).tlvs.has(Tlv.congestion_state)).toBe(false);
  });

  it('counts attempts and accepted submits per wall-clock second', async () => {
    const s = await sim({ receipts: false, maxTps: 5 });
    const session = await esme(s);
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => session.request(submit(String(i))).then((r) => r.status)));
    const perSecond = s.stats().submitsPerSecond;
    const attempts = perSecond.reduce((n, c) => n + c.attempts, 0);
    const accepted = perSecond.reduce((n, c) => n + c.submits, 0);
    expect(attempts).toBe(12);
    expect(accepted).toBe(statuses.filter((x) => x === 0).length);
    expect(accepted).toBe(s.stats().submits);
    for (const c of perSecond) expect(c.second).toBeGreaterThan(1_600_000_000);
  });

  it('sendMalformed writes each kind to every bound session and returns what each answered', async () => {
    const s = await sim();
    const got: Pdu[] = [];
    const a = await esme(s, { onRequest: (pdu) => (got.push(pdu), { status: 0 }) });
    const b = await esme(s);
    for (const kind of MALFORMED_KINDS) {
      const answers = await s.sendMalformed(kind);
      expect(answers, kind).toHaveLength(2);
      for (const x of answers) expect(x.answer, kind).toEqual(EXPECTED_ANSWER[kind]);
    }
    // Malformed requests never reach the handler, and both sessions carry on.
    expect(got).toHaveLength(0);
    expect(a.state).toBe('bound');
    expect(b.state).toBe('bound');
    expect((await a.request(submit('1', 0))).status).toBe(0);
    expect(EXPECTED_ANSWER['unknown-command'].commandId).toBe(CommandId.generic_nack);
  });

  it('sendMalformed reports no answer from a peer that says nothing', async () => {
    const s = await sim();
    // A bound peer that never answers anything: a raw socket that only sent bind_transceiver.
    const socket = net.connect({ host: '127.0.0.1', port: s.port });
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const peer = rawPeer(socket);
    peer.send({ command: 'bind_transceiver', sequence: 1, systemId: 'mute', password: '', systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' });
    expect(await peer.next((p) => p.command === 'bind_transceiver_resp')).toMatchObject({ status: 0 });
    const answers = await s.sendMalformed('unknown-command', { timeoutMs: 200 });
    expect(answers).toEqual([expect.objectContaining({ systemId: 'mute', answer: undefined })]);
    // What the mute peer got is the raw PDU itself.
    await waitFor(() => peer.received.some((r) => !r.ok || r.pdu.commandId === 0x999), 1_000, 'raw PDU at the peer');
    socket.destroy();
  });
});
