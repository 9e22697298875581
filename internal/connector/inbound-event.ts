/** Reads a non-receipt deliver_sm/data_sm as an inbound (MO) message part: concatenation info and decoded text. Pure. */
import { newMessageId } from '../core/ids.js';
import { Tlv } from '../smpp/tlv.js';
import type { InboundPart } from '../sms/inbound.js';
import { decodeByDataCoding } from '../sms/decode.js';
import { parseUdh } from '../sms/reassemble.js';

export function inboundFromPdu(
  p: {
    esmClass: number;
    sourceAddr: string;
    sourceAddrTon: number;
    destinationAddr: string;
    dataCoding: number;
    tlvs: Map<number, Buffer>;
    shortMessage?: Buffer;
  },
  carrier: string,
  now: number,
): InboundPart {
  let bytes = p.shortMessage && p.shortMessage.length > 0 ? p.shortMessage : (p.tlvs.get(Tlv.message_payload) ?? Buffer.alloc(0));
  let concat: InboundPart['concat'] = null;
  if (p.esmClass & 0x40) {
    const udh = parseUdh(bytes);
    if (udh) {
      concat = { ref: udh.ref, total: udh.total, seq: udh.seq };
      bytes = bytes.subarray(udh.headerLength);
    } else if (bytes.length > 0) {
      bytes = bytes.subarray(Math.min(bytes.length, bytes[0]! + 1));
    }
  } else {
    const ref = p.tlvs.get(Tlv.sar_msg_ref_num);
    const total = p.tlvs.get(Tlv.sar_total_segments);
    const seq = p.tlvs.get(Tlv.sar_segment_seqnum);
    if (ref && ref.length >= 2 && total && total.length >= 1 && seq && seq.length >= 1) {
      concat = { ref: ref.readUInt16BE(0), total: total[0]!, seq: seq[0]! };
    }
  }
  const from = p.sourceAddrTon === 1 && /^[0-9]+$/.test(p.sourceAddr) ? `+${p.sourceAddr}` : p.sourceAddr;
  return {
    kind: 'mo',
    id: newMessageId(now),
    carrier,
    from,
    to: p.destinationAddr,
    text: decodeByDataCoding(bytes, p.dataCoding),
    dataCoding: p.dataCoding,
    concat,
    payload: bytes.toString('base64'),
    at: now,
  };
}
