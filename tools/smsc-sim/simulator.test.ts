/** Simulator tests over real TCP: submits, receipts, behaviours, credentials, drops, MO. */
import { afterEach, describe, expect, it } from 'vitest';
import { bindSession } from '../../internal/smpp/client.js';
import { Status } from '../../internal/smpp/command-status.js';
import { BindRejectedError } from '../../internal/smpp/errors.js';
import { shortMessageFields, Tlv, tlvCString, tlvU8, type DeliverSmPdu, type Pdu, type RequestInit } from '../../internal/smpp/pdu.js';
import type { RequestHandler, Session, SessionCloseReason } from '../../internal/smpp/session.js';
import { waitFor } from '../../internal/smpp/test-peer.js';
import { startSmscSimulator, type SimulatedSubmit, type SimulatorOptions, type SmscSimulator } from './simulator.js';

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

async function esme(
  s: SmscSimulator,
  opts: { mode?: 'transceiver' | 'transmitter' | 'receiver'; systemId?: string; password?: string; onRequest?: RequestHandler } = {},
): Promise<Session> {
  const session = await bindSession({
    host: '127.0.0.1',
    port: s.port,
    mode: opts.mode ?? 'transceiver',
    systemId: opts.systemId ?? 'esme',
    password: opts.password ?? 'pw',
    session: { windowSize: 50, responseTimeoutMs: 2_000, enquireLinkIntervalMs: 0, enquireLinkTimeoutMs: 0 },
    onRequest: opts.onRequest,
  });
  sessions.push(session);
  return session;
}

const submit = (to: string, text = 'hello there, this is a long enough text', registeredDelivery = 1): RequestInit => ({
  command: 'submit_sm',
  ...shortMessageFields({ sourceAddr: 'ACME', sourceAddrTon: 5, destinationAddr: to, destAddrTon: 1, destAddrNpi: 1, registeredDelivery, shortMessage: Buffer.from(text) }),
});

function collector(): { pdus: Pdu[]; handler: RequestHandler } {
  const pdus: Pdu[] = [];
  return {
    pdus,
    handler: (pdu) => {
      pdus.push(pdu);
      return { status: 0 };
    },
  };
}

describe('smsc simulator', () => {
  it('answers submit_sm with an id and sends a matching receipt', async () => {
    const s = await sim();
    const c = collector();
    const session = await esme(s, { onRequest: c.handler });
    const submits: SimulatedSubmit[] = [];
    s.onSubmit((x) => submits.push(x));
    const resp = await session.request(submit('447700900123'));
    expect(resp).toMatchObject({ command: 'submit_sm_resp', status: 0 });
    const id = resp.command === 'submit_sm_resp' ? resp.messageId! : '';
    expect(id).toMatch(/^[0-9a-f]+$/);
    await waitFor(() => c.pdus.length === 1, 2_000, 'receipt');
    const receipt = c.pdus[0] as DeliverSmPdu;
    expect(receipt.command).toBe('deliver_sm');
    expect(receipt.esmClass).toBe(0x04);
    expect(receipt.dataCoding).toBe(0);
    expect(receipt.sourceAddr).toBe('447700900123');
    expect(receipt.destinationAddr).toBe('ACME');
    expect(tlvCString(receipt.tlvs, Tlv.receipted_message_id)).toBe(id);
    expect(tlvU8(receipt.tlvs, Tlv.message_state)).toBe(2);
    expect(receipt.shortMessage.toString('latin1')).toMatch(
      new RegExp(`^id:${id} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:hello there, this is$`),
    );
    expect(submits).toHaveLength(1);
    expect(submits[0]).toMatchObject({ smscMessageId: id, systemId: 'esme', destinationAddr: '447700900123', sourceAddr: 'ACME' });
    expect(s.stats()).toMatchObject({ binds: 1, submits: 1, receiptsSent: 1 });
  });

  it('uses decimal ids when asked, in the response and the receipt alike', async () => {
    const s = await sim({ messageIdFormat: 'decimal', receiptStat: 'UNDELIV' });
    const c = collector();
    const session = await esme(s, { onRequest: c.handler });
    const resp = await session.request(submit('1'));
    const id = resp.command === 'submit_sm_resp' ? resp.messageId! : '';
    expect(id).toMatch(/^\d+$/);
    await waitFor(() => c.pdus.length === 1);
    const receipt = c.pdus[0] as DeliverSmPdu;
    expect(receipt.shortMessage.toString()).toContain(`id:${id} `);
    expect(receipt.shortMessage.toString()).toContain('stat:UNDELIV');
    expect(tlvU8(receipt.tlvs, Tlv.message_state)).toBe(5);
  });

  it('sends receipts only when asked, and honours a delay', async () => {
    const s = await sim({ receiptDelayMs: 150 });
    const c = collector();
    const session = await esme(s, { onRequest: c.handler });
    await session.request(submit('1', 'no receipt please', 0));
    const started = Date.now();
    await session.request(submit('2'));
    await waitFor(() => c.pdus.length === 1, 5_000, 'receipt for 2');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    s.setBehaviour({ receipts: false, receiptDelayMs: 0 });
    await session.request(submit('3'));
    s.setBehaviour({ receipts: true });
    await session.request(submit('4'));
    // Receipts leave in the order their submits came: had 1 or 3 been given one, it would be here before 4's.
    await waitFor(() => c.pdus.length >= 2, 5_000, 'receipt for 4');
    expect(c.pdus.map((p) => (p as DeliverSmPdu).sourceAddr)).toEqual(['2', '4']);
    expect(s.stats()).toMatchObject({ submits: 4, receiptsSent: 2, receiptsQueued: 0 });
  });

  it('routes receipts to a receiver of the same system_id when the submit came on a transmitter', async () => {
    const s = await sim();
    const rx = collector();
    const other = collector();
    await esme(s, { mode: 'receiver', onRequest: rx.handler });
    await esme(s, { mode: 'receiver', systemId: 'other', onRequest: other.handler });
    const tx = await esme(s, { mode: 'transmitter' });
    for (let i = 0; i < 5; i++) await tx.request(submit(String(i)));
    await waitFor(() => rx.pdus.length === 5, 2_000, 'receipts on the receiver');
    expect(other.pdus).toHaveLength(0);
  });

  it('keeps receipts while no receiver is bound and delivers them on bind', async () => {
    const s = await sim();
    const tx = await esme(s, { mode: 'transmitter' });
    await tx.request(submit('1'));
    await tx.request(submit('2'));
    await waitFor(() => s.stats().receiptsQueued === 2, 5_000, 'two receipts held');
    const rx = collector();
    await esme(s, { mode: 'receiver', onRequest: rx.handler });
    await waitFor(() => rx.pdus.length === 2, 2_000, 'queued receipts');
  });

  it('throttles with throttleShare=1 and rejects with rejectShare=1', async () => {
    const s = await sim({ throttleShare: 1 });
    const session = await esme(s);
    expect((await session.request(submit('1'))).status).toBe(Status.ESME_RTHROTTLED);
    s.setBehaviour({ throttleShare: 0, rejectShare: 1 });
    expect((await session.request(submit('1'))).status).toBe(Status.ESME_RINVDSTADR);
    expect(s.stats()).toMatchObject({ throttled: 1, rejected: 1, submits: 0 });
  });

  it('throttles above maxTps per session', async () => {
    const s = await sim({ maxTps: 5, receipts: false });
    const session = await esme(s);
    const t0 = Date.now();
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => session.request(submit(String(i))).then((r) => r.status)));
    const elapsedMs = Date.now() - t0;
    const ok = statuses.filter((x) => x === 0).length;
    // A second's worth (5) at once, then one more per 200 ms that passed while the 20 arrived (more on a slow machine).
    expect(ok).toBeGreaterThanOrEqual(5);
    expect(ok).toBeLessThanOrEqual(5 + Math.ceil(elapsedMs / 200));
    expect(ok).toBeLessThan(20);
    expect(statuses.filter((x) => x === Status.ESME_RTHROTTLED)).toHaveLength(20 - ok);
  });

  it('refuses wrong credentials with 0x0F / 0x0E', async () => {
    const s = await sim({ systemId: 'esme', password: 'pw' });
    await expect(esme(s, { password: 'nope' })).rejects.toMatchObject({ status: Status.ESME_RINVPASWD });
    const err = await esme(s, { systemId: 'intruder' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BindRejectedError);
    expect(err).toMatchObject({ status: Status.ESME_RINVSYSID });
    const ok = await esme(s);
    expect(ok.state).toBe('bound');
    expect(s.stats().binds).toBe(1);
  });

  it('refuses submit_sm from a receiver', async () => {
    const s = await sim();
    const rx = await esme(s, { mode: 'receiver' });
    expect((await rx.request(submit('1'))).status).toBe(Status.ESME_RINVBNDSTS);
  });

  it('dropAllConnections closes every session', async () => {
    const s = await sim();
    const a = await esme(s);
    const b = await esme(s, { mode: 'receiver' });
    const reasons: SessionCloseReason[] = [];
    a.onClose((r) => reasons.push(r));
    b.onClose((r) => reasons.push(r));
    s.dropAllConnections();
    await waitFor(() => reasons.length === 2, 2_000, 'both sessions closed');
    expect(reasons).toEqual(['socket_closed', 'socket_closed']);
    const again = await esme(s);
    expect(again.state).toBe('bound');
  });

  it('setReachable(false) cuts every session and refuses binds; the receipts owed go out on the first bind after', async () => {
    const s = await sim({ receiptDelayMs: 300 });
    const first = await esme(s, { mode: 'transmitter' });
    const resp = await first.request(submit('+447700900123'));
    const id = (resp as { messageId: string }).messageId;
    const closed: SessionCloseReason[] = [];
    first.onClose((r) => closed.push(r));
    s.setReachable(false);
    await waitFor(() => closed.length === 1, 2_000, 'session cut');
    await expect(esme(s)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 500)); // the receipt falls due while nobody can bind
    expect(s.stats()).toMatchObject({ receiptsSent: 0 });
    s.setReachable(true);
    const rx = collector();
    await esme(s, { mode: 'receiver', onRequest: rx.handler });
    await waitFor(() => rx.pdus.length === 1, 2_000, 'receipt after the link is back');
    expect(tlvCString((rx.pdus[0] as DeliverSmPdu).tlvs, Tlv.receipted_message_id)).toBe(id);
  });

  it('offers a receipt the ESME refused again: the same receipt, for the same message', async () => {
    const s = await sim();
    const offered: DeliverSmPdu[] = [];
    const session = await esme(s, {
      onRequest: (pdu) => {
        offered.push(pdu as DeliverSmPdu);
        return { status: offered.length === 1 ? Status.ESME_RX_T_APPN : 0 };
      },
    });
    const resp = await session.request(submit('447700900777'));
    const id = resp.command === 'submit_sm_resp' ? resp.messageId! : '';
    await waitFor(() => offered.length === 2, 10_000, 'receipt offered again');
    const [first, again] = offered;
    expect(tlvCString(first!.tlvs, Tlv.receipted_message_id)).toBe(id);
    expect(tlvCString(again!.tlvs, Tlv.receipted_message_id)).toBe(id);
    expect(again!.sourceAddr).toBe('447700900777');
    expect(again!.shortMessage.equals(first!.shortMessage)).toBe(true);
    expect(again!.shortMessage.toString('latin1')).toContain(`id:${id} `);
    // A new deliver_sm (its own sequence), not a duplicate frame.
    expect(again!.sequence).not.toBe(first!.sequence);
    expect(s.stats()).toMatchObject({ receiptsRefused: 1, receiptsQueued: 0 });
  });

  it('sendMo delivers GSM text as data_coding 0 and other text as UCS-2', async () => {
    const s = await sim();
    const c = collector();
    await esme(s, { mode: 'receiver', onRequest: c.handler });
    await s.sendMo({ from: '+447700900001', to: '12345', text: 'Hello @ £' });
    await s.sendMo({ from: '447700900001', to: 'ACME', text: 'Привет' });
    const [gsm, ucs] = c.pdus as DeliverSmPdu[];
    expect(gsm).toMatchObject({ esmClass: 0, dataCoding: 0, sourceAddr: '447700900001', sourceAddrTon: 1, sourceAddrNpi: 1, destinationAddr: '12345' });
    expect([...gsm!.shortMessage]).toEqual([0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x00, 0x20, 0x01]);
    expect(ucs).toMatchObject({ dataCoding: 8, destAddrTon: 5 });
    expect(ucs!.shortMessage).toEqual(Buffer.from('Привет', 'utf16le').swap16());
  });

  it('sendMo fails when no receiver is bound', async () => {
    const s = await sim();
    await esme(s, { mode: 'transmitter' });
    await expect(s.sendMo({ from: '1', to: '2', text: 'x' })).rejects.toMatchObject({ code: 'NO_RECEIVER' });
  });

  it('answers every one of a few thousand windowed submits and sends every receipt', async () => {
    const s = await sim();
    let receipts = 0;
    const session = await esme(s, {
      onRequest: () => {
        receipts++;
        return { status: 0 };
      },
    });
    const n = 3_000;
    let sent = 0;
    let done = 0;
    await new Promise<void>((resolve, reject) => {
      const pump = (): void => {
        while (sent < n && session.free() > 0) {
          sent++;
          session.request(submit(String(sent))).then((r) => {
            if (r.status !== 0) reject(new Error(`status ${r.status}`));
            if (++done === n) resolve();
          }, reject);
        }
      };
      session.onWritable(pump);
      pump();
    });
    await waitFor(() => receipts === n, 5_000, 'all receipts');
    expect(s.stats()).toMatchObject({ submits: n, receiptsSent: n, receiptsQueued: 0 });
  });
});
