/** Mobile-originated messages from the simulator: deliver_sm esm_class 0, whole or in concatenated parts, to a bound receiver. */
import { AppError } from '../../internal/core/errors.js';
import { statusName } from '../../internal/smpp/command-status.js';
import { MAX_SHORT_MESSAGE, shortMessageFields } from '../../internal/smpp/pdu.js';
import { Tlv, u16Value, u8Value } from '../../internal/smpp/tlv.js';
import { segmentText } from '../../internal/sms/segment.js';
import { encodeMoText } from './mo-encoding.js';
import type { SessionRegistry } from './session-registry.js';
import type { SmscSimulator } from './simulator-api.js';

export type MoRequest = Parameters<SmscSimulator['sendMo']>[0];

const EMPTY = Buffer.alloc(0);

/** TON/NPI for an address given as text: '+digits' international E.164, digits unknown/E.164, else alphanumeric. */
function addressOf(s: string): { ton: number; npi: number; addr: string } {
  if (/^\+\d+$/.test(s)) return { ton: 1, npi: 1, addr: s.slice(1) };
  if (/^\d+$/.test(s)) return { ton: 0, npi: 1, addr: s };
  return { ton: 5, npi: 0, addr: s };
}

/** Each MO goes to the next bound receiver or transceiver, round robin; resolves when every part got deliver_sm_resp status 0. */
export function createMoSender(sessions: SessionRegistry): (mo: MoRequest) => Promise<void> {
  let moCursor = 0;

  return async function sendMo(mo) {
    const candidates = [...sessions.all()].filter((s) => s.receives && s.session.state === 'bound');
    if (candidates.length === 0) throw new AppError('NO_RECEIVER', 'no receiver or transceiver session is bound');
    const target = candidates[moCursor++ % candidates.length]!;
    const from = addressOf(mo.from);
    const to = addressOf(mo.to);
    const addr = { sourceAddrTon: from.ton, sourceAddrNpi: from.npi, sourceAddr: from.addr, destAddrTon: to.ton, destAddrNpi: to.npi, destinationAddr: to.addr };
    const pdus: { dataCoding: number; esmClass: number; shortMessage: Buffer; tlvs: Map<number, Buffer> | undefined }[] = [];
    if (mo.concat) {
      const { parts } = segmentText(mo.text, { concat: mo.concat, reference: mo.reference ?? 0x42 });
      for (const p of parts) {
        const tlvs = p.sar
          ? new Map([
              [Tlv.sar_msg_ref_num, u16Value(p.sar.refNum)],
              [Tlv.sar_total_segments, u8Value(p.sar.total)],
              [Tlv.sar_segment_seqnum, u8Value(p.sar.seq)],
            ])
          : undefined;
        pdus.push({ dataCoding: p.dataCoding, esmClass: p.esmClass, shortMessage: p.shortMessage, tlvs });
      }
      if (mo.reverse) pdus.reverse();
    } else {
      const { dataCoding, bytes } = encodeMoText(mo.text);
      const long = bytes.length > MAX_SHORT_MESSAGE;
      pdus.push({ dataCoding, esmClass: 0, shortMessage: long ? EMPTY : bytes, tlvs: long ? new Map([[Tlv.message_payload, bytes]]) : undefined });
    }
    for (const p of pdus) {
      const resp = await target.session.request({
        command: 'deliver_sm',
        ...shortMessageFields({ ...addr, dataCoding: p.dataCoding, esmClass: p.esmClass, shortMessage: p.shortMessage }),
        tlvs: p.tlvs,
      });
      if (resp.status !== 0) throw new AppError('MO_REJECTED', `deliver_sm answered ${statusName(resp.status)}`);
    }
  };
}
