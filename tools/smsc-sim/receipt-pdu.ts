/** The deliver_sm that carries a queued receipt back to the ESME: addresses swapped, receipt text and TLVs. */
import { shortMessageFields, type DeliverSmPdu, type PduInit } from '../../internal/smpp/pdu.js';
import { Tlv, cStringValue, u8Value, type TlvMap } from '../../internal/smpp/tlv.js';
import { formatReceiptText, ReceiptStat, receiptDate } from './receipt-format.js';
import type { QueuedReceipt } from './receipt-queue.js';

const ESM_CLASS_RECEIPT = 0x04;

export function receiptPdu(r: QueuedReceipt, now: number): PduInit<DeliverSmPdu> {
  const stat = r.stat;
  r.doneAt ??= now;
  const text = formatReceiptText({
    id: r.smscMessageId,
    stat,
    submitDate: receiptDate(r.submittedAt),
    doneDate: receiptDate(r.doneAt),
    text: r.text,
  });
  const tlvs: TlvMap = new Map([
    [Tlv.receipted_message_id, cStringValue(r.smscMessageId)],
    [Tlv.message_state, u8Value(ReceiptStat[stat].state)],
  ]);
  return {
    command: 'deliver_sm',
    ...shortMessageFields({
      sourceAddrTon: r.destAddrTon,
      sourceAddrNpi: r.destAddrNpi,
      sourceAddr: r.destinationAddr,
      destAddrTon: r.sourceAddrTon,
      destAddrNpi: r.sourceAddrNpi,
      destinationAddr: r.sourceAddr,
      esmClass: ESM_CLASS_RECEIPT,
      dataCoding: 0,
      shortMessage: Buffer.from(text, 'latin1'),
    }),
    tlvs,
  };
}
