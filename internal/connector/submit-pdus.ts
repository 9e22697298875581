/** Turns one MT message into the submit_sm PDUs for its segments, per the carrier's options. Pure. */
import type { SubmitSmPdu, PduInit } from '../smpp/pdu-types.js';
import { Tlv } from '../smpp/tlv.js';
import type { MtMessage } from '../sms/message.js';
import { segmentBinary, segmentText, type ConcatMethod } from '../sms/segment.js';

export interface SubmitOptions {
  concat: ConcatMethod;
  gsm7Packed: boolean;
  gsmDataCoding: number;
  registeredDelivery: boolean;
  sourceTon?: number | undefined;
  sourceNpi?: number | undefined;
}

/** TON/NPI of the sender: alphanumeric (5/0), international number (1/1), short code (3/0), unless configured. */
export function sourceAddress(from: string, o: Pick<SubmitOptions, 'sourceTon' | 'sourceNpi'>): { addr: string; ton: number; npi: number } {
  let addr = from;
  let ton: number;
  let npi: number;
  if (/^\+?[0-9]+$/.test(from)) {
    addr = from.startsWith('+') ? from.slice(1) : from;
    const international = from.startsWith('+') || addr.length > 8;
    ton = international ? 1 : 3;
    npi = international ? 1 : 0;
  } else {
    ton = 5;
    npi = 0;
  }
  return { addr, ton: o.sourceTon ?? ton, npi: o.sourceNpi ?? npi };
}

/** Concatenation reference from the message id: stable across retries, so a resent part joins its siblings. */
export function concatReference(id: string, method: ConcatMethod): number {
  const tail = parseInt(id.replaceAll('-', '').slice(-4), 16) || 0;
  return method === 'udh8' ? tail & 0xff : tail & 0xffff;
}

function u8(n: number): Buffer {
  return Buffer.from([n & 0xff]);
}
function u16(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * SMPP relative time (3.4 §7.1.1, "YYMMDDhhmmss000R") for a duration: days, hours, minutes, seconds, rounded down so
 * the SMSC never holds a message past its validity. Validity is at most 7 days here, so years and months stay 00.
 */
export function relativeValidity(ms: number): string {
  let s = Math.max(1, Math.floor(ms / 1000));
  const days = Math.floor(s / 86_400);
  s -= days * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const min = Math.floor(s / 60);
  s -= min * 60;
  return `0000${two(Math.min(days, 99))}${two(h)}${two(min)}${two(s)}000R`;
}

/** `now` (epoch ms) turns the message's validUntil into the validity_period of every part. */
export function buildSubmitPdus(m: MtMessage, o: SubmitOptions, now: number = Date.now()): PduInit<SubmitSmPdu>[] {
  const src = sourceAddress(m.from, o);
  const validityPeriod = m.validUntil !== undefined ? relativeValidity(m.validUntil - now) : '';
  const reference = concatReference(m.id, o.concat);
  const parts =
    m.encoding === 'binary'
      ? segmentBinary(Buffer.from(m.text, 'hex'), { concat: o.concat, reference })
      : segmentText(m.text, { encoding: m.encoding, concat: o.concat, gsm7Packed: o.gsm7Packed, gsmDataCoding: o.gsmDataCoding, reference }).parts;
  return parts.map((p) => {
    const tlvs = new Map<number, Buffer>();
    if (p.sar) {
      tlvs.set(Tlv.sar_msg_ref_num, u16(p.sar.refNum));
      tlvs.set(Tlv.sar_total_segments, u8(p.sar.total));
      tlvs.set(Tlv.sar_segment_seqnum, u8(p.sar.seq));
    }
    if (p.messagePayload) tlvs.set(Tlv.message_payload, p.messagePayload);
    return {
      command: 'submit_sm',
      serviceType: '',
      sourceAddrTon: src.ton,
      sourceAddrNpi: src.npi,
      sourceAddr: src.addr,
      destAddrTon: 1,
      destAddrNpi: 1,
      destinationAddr: m.to.startsWith('+') ? m.to.slice(1) : m.to,
      esmClass: p.esmClass,
      protocolId: 0,
      priorityFlag: 0,
      scheduleDeliveryTime: '',
      validityPeriod,
      registeredDelivery: o.registeredDelivery ? 1 : 0,
      replaceIfPresentFlag: 0,
      dataCoding: p.dataCoding,
      smDefaultMsgId: 0,
      shortMessage: p.shortMessage,
      tlvs,
    };
  });
}
