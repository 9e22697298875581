/** What the simulator's listeners see of a submit_sm, and the user text a receipt quotes from it. */
import type { SubmitSmPdu } from '../../internal/smpp/pdu.js';
import { Tlv } from '../../internal/smpp/tlv.js';
import type { SimulatedSubmit } from './simulator-api.js';
import type { SimSession } from './session-registry.js';

const ESM_CLASS_UDHI = 0x40;
const EMPTY = Buffer.alloc(0);

/** The user text of a submit: short_message or message_payload, without a UDH when esm_class says there is one. */
export function userText(pdu: SubmitSmPdu): Buffer {
  const body = pdu.shortMessage.length > 0 ? pdu.shortMessage : (pdu.tlvs.get(Tlv.message_payload) ?? EMPTY);
  if ((pdu.esmClass & ESM_CLASS_UDHI) !== 0 && body.length > 0) return body.subarray(Math.min(body.length, 1 + body[0]!));
  return body;
}

/** What every submit listener sees of a submit_sm, accepted or not. */
export function submitView(sim: SimSession, pdu: SubmitSmPdu, now: number): Omit<SimulatedSubmit, 'smscMessageId'> {
  return {
    sessionId: sim.id,
    systemId: sim.systemId,
    sourceAddr: pdu.sourceAddr,
    destinationAddr: pdu.destinationAddr,
    dataCoding: pdu.dataCoding,
    esmClass: pdu.esmClass,
    shortMessage: pdu.shortMessage,
    validityPeriod: pdu.validityPeriod,
    tlvs: pdu.tlvs,
    at: now,
  };
}
