/**
 * The npm `smpp` package as a ForeignSmsc, in process: its server frames and decodes every PDU and encodes what it
 * sends (its own GSM table, iconv's UTF-16BE, its TLV writers). The only addition is a read-only tap on the socket
 * reads the package makes, so the raw submit_sm body it framed can go to the oracle too.
 */
import type { AddressInfo, Socket } from 'node:net';
import smpp, { type PDU, type Server, type Session } from 'smpp';
import { waitUntil } from '../support/connector-harness.js';
import type { Capture, ForeignSmsc, ForeignView, MoPartSpec, ReceiptSpec } from './foreign-smsc.js';

/** The parts of a package session this adapter uses beyond internal/smpp/smpp-package.d.ts. */
interface PackageSession extends Session {
  socket: Socket;
  deliver_sm(options: Record<string, unknown>, responseCallback?: (pdu: PDU) => void): boolean;
}

/** What the package's message filter makes of short_message and message_payload. */
interface DecodedMessage {
  udh?: Buffer[];
  message: string | Buffer;
}

function decoded(v: unknown): DecodedMessage | undefined {
  return v && typeof v === 'object' && 'message' in v ? (v as DecodedMessage) : undefined;
}

/** 12-digit dates (YYMMDDhhmmss) and upper-case keys: a receipt text in another common dialect than Net::SMPP's. */
function receiptText(r: ReceiptSpec, at: Date): string {
  const d = at.toISOString().replace(/\D/g, '').slice(2, 14);
  const err = String(r.err ?? 0).padStart(3, '0');
  return `id:${r.messageId} sub:001 dlvrd:${r.stat === 'DELIVRD' ? '001' : '000'} SUBMIT DATE:${d} DONE DATE:${d} STAT:${r.stat} ERR:${err} TEXT:${(r.text ?? '').slice(0, 20)}`;
}

export async function startNpmSmppSmsc(): Promise<ForeignSmsc> {
  const captures: Capture[] = [];
  const sessions = new Map<string, PackageSession>();
  let issued = 0;

  const server: Server = smpp.createServer((s: Session) => {
    const session = s as PackageSession;
    // The package reads the length, then the rest of each PDU, through socket.read(); the last read before it
    // emits a PDU is that PDU after its length field.
    let lastRead: Buffer | null = null;
    const read = session.socket.read.bind(session.socket);
    session.socket.read = (n?: number) => {
      const b = read(n) as Buffer | null;
      if (b) lastRead = b;
      return b;
    };
    let systemId = '';
    session.on('error', () => {});
    const onBind = (pdu: PDU) => {
      systemId = String(pdu.system_id);
      sessions.set(systemId, session);
      session.send(pdu.response({ system_id: 'npmsmsc' }));
    };
    session.on('bind_transceiver', onBind);
    session.on('bind_transmitter', onBind);
    session.on('bind_receiver', onBind);
    session.on('submit_sm', (pdu: PDU) => {
      const raw = lastRead;
      if (!raw) throw new Error('npm smpp adapter: no raw PDU read before submit_sm');
      const messageId = String(++issued);
      const sm = decoded(pdu.short_message);
      const payload = decoded(pdu.message_payload);
      const view: ForeignView = {
        esmClass: Number(pdu.esm_class),
        dataCoding: Number(pdu.data_coding),
        sourceAddr: String(pdu.source_addr),
        destinationAddr: String(pdu.destination_addr),
        registeredDelivery: Number(pdu.registered_delivery),
      };
      const text = payload?.message ?? sm?.message;
      if (typeof text === 'string') view.text = text;
      if (sm?.udh) view.udhIes = sm.udh.map((ie) => Buffer.from(ie));
      if (pdu.sar_msg_ref_num !== undefined) {
        view.sar = { ref: Number(pdu.sar_msg_ref_num), total: Number(pdu.sar_total_segments), seq: Number(pdu.sar_segment_seqnum) };
      }
      // After the length field: command_id, command_status, sequence_number (12 octets), then the body.
      captures.push({ systemId, messageId, body: Buffer.from(raw.subarray(12)), foreign: view });
      session.send(pdu.response({ message_id: messageId }));
    });
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('close', () => {
      if (sessions.get(systemId) === session) sessions.delete(systemId);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  function deliver(systemId: string, fields: Record<string, unknown>): Promise<number> {
    const session = sessions.get(systemId);
    if (!session) return Promise.reject(new Error(`npm smpp SMSC: no session bound as ${systemId}`));
    return new Promise<number>((resolve, reject) => {
      if (!session.deliver_sm(fields, (resp) => resolve(resp.command_status))) reject(new Error('npm smpp SMSC: session not writable'));
    });
  }

  return {
    name: 'npm smpp',
    port,
    captures,
    waitBound: (ids, timeoutMs) => waitUntil(`binds ${ids.join(', ')} at the npm smpp SMSC`, () => ids.every((id) => sessions.has(id)), timeoutMs),
    sendReceipt(r) {
      const fields: Record<string, unknown> = {
        source_addr: r.from,
        source_addr_ton: 1,
        source_addr_npi: 1,
        destination_addr: r.to,
        esm_class: 0x04, // SMSC delivery receipt (§5.2.12)
        data_coding: 0,
      };
      if (r.format !== 'tlv') fields.short_message = receiptText(r, new Date());
      if (r.format !== 'text') {
        fields.receipted_message_id = r.messageId;
        fields.message_state = r.state;
        if (r.err) fields.network_error_code = Buffer.from([3, r.err >> 8, r.err & 0xff]);
      }
      return deliver(r.systemId, fields);
    },
    sendMo(p: MoPartSpec) {
      const fields: Record<string, unknown> = {
        source_addr: p.from,
        source_addr_ton: 1,
        source_addr_npi: 1,
        destination_addr: p.to,
        esm_class: p.udh ? 0x40 : 0,
        data_coding: p.dataCoding,
      };
      // The package encodes the text itself (and adds the UDH), unless the part is not whole characters.
      if (p.content) fields.short_message = Buffer.concat([p.udh ?? Buffer.alloc(0), p.content]);
      else fields.short_message = p.udh ? { udh: p.udh, message: p.text } : p.text;
      if (p.sar) {
        fields.sar_msg_ref_num = p.sar.ref;
        fields.sar_total_segments = p.sar.total;
        fields.sar_segment_seqnum = p.sar.seq;
      }
      return deliver(p.systemId, fields);
    },
    async close() {
      for (const s of [...server.sessions]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
