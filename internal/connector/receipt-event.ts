/**
 * Reads a deliver_sm/data_sm as a delivery receipt: TLVs first (receipted_message_id, message_state,
 * network_error_code), the text format as fallback. Pure.
 */
import { parseReceiptText } from '../sms/receipt.js';
import { messageStateToStat, normalizeSmscId, statToStatus, type SmscIdMode } from '../sms/receipt-status.js';
import { Tlv } from '../smpp/tlv.js';
import type { ReceiptEvent } from '../sms/events.js';

/** esm_class bits 2–5 (§5.2.12): 0x04 SMSC delivery receipt, 0x08 SME delivery ack, 0x20 intermediate notification. */
const RECEIPT_TYPES = new Set([0x04, 0x08, 0x10, 0x20]);

export function isReceipt(esmClass: number, tlvs: Map<number, Buffer>): boolean {
  return RECEIPT_TYPES.has(esmClass & 0x3c) || tlvs.has(Tlv.receipted_message_id);
}

function cstr(b: Buffer | undefined): string | null {
  if (!b || b.length === 0) return null;
  const end = b.indexOf(0);
  const s = b.toString('latin1', 0, end < 0 ? b.length : end).trim();
  return s.length ? s : null;
}

/** network_error_code TLV: 1 octet network type, 2 octets error code (§5.3.2.31). */
function networkError(b: Buffer | undefined): string | null {
  if (!b || b.length < 3) return null;
  return String(b.readUInt16BE(1)).padStart(3, '0');
}

export function receiptFromPdu(
  pdu: { esmClass: number; shortMessage?: Buffer; tlvs: Map<number, Buffer> },
  carrier: string,
  idMode: SmscIdMode,
  now: number,
): ReceiptEvent | null {
  const text = pdu.shortMessage && pdu.shortMessage.length ? parseReceiptText(pdu.shortMessage.toString('latin1')) : null;
  const payload = pdu.tlvs.get(Tlv.message_payload);
  const fromPayload = !text && payload ? parseReceiptText(payload.toString('latin1')) : null;
  const parsed = text ?? fromPayload;
  const id = cstr(pdu.tlvs.get(Tlv.receipted_message_id)) ?? parsed?.id ?? null;
  if (!id) return null;
  const state = pdu.tlvs.get(Tlv.message_state);
  const stat = (state && state.length >= 1 ? messageStateToStat(state[0]!) : null) ?? parsed?.stat ?? 'UNKNOWN';
  const err = networkError(pdu.tlvs.get(Tlv.network_error_code)) ?? parsed?.err ?? null;
  return {
    kind: 'receipt',
    carrier,
    smscMessageId: normalizeSmscId(id, idMode === 'auto' ? 'auto' : 'as-is'),
    status: statToStatus(stat),
    stat,
    err,
    doneAt: null,
    smscDoneAt: parsed?.doneDate ?? null,
    at: now,
  };
}
