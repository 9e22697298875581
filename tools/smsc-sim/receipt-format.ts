/** The delivery receipt a simulated SMSC sends: the customary text body (SMPP 3.4 Appendix B) and its TLVs. */
import { MessageState } from '../../internal/smpp/tlv.js';

/** stat: values and how each maps to message_state and to the receipt's other fields. */
export const ReceiptStat = {
  DELIVRD: { state: MessageState.DELIVERED, success: true, err: '000' },
  ACCEPTD: { state: MessageState.ACCEPTED, success: true, err: '000' },
  ENROUTE: { state: MessageState.ENROUTE, success: true, err: '000' },
  EXPIRED: { state: MessageState.EXPIRED, success: false, err: '001' },
  DELETED: { state: MessageState.DELETED, success: false, err: '001' },
  UNDELIV: { state: MessageState.UNDELIVERABLE, success: false, err: '001' },
  UNKNOWN: { state: MessageState.UNKNOWN, success: false, err: '001' },
  REJECTD: { state: MessageState.REJECTED, success: false, err: '001' },
} as const;

export type ReceiptStatName = keyof typeof ReceiptStat;

export function isReceiptStat(s: string): s is ReceiptStatName {
  return Object.hasOwn(ReceiptStat, s);
}

/**
 * registered_delivery bits 0–1 (§5.2.17): 1 = receipt on success or failure, 2 = on failure only.
 */
export function wantsReceipt(registeredDelivery: number, stat: ReceiptStatName): boolean {
  const mode = registeredDelivery & 0x03;
  return mode === 1 || (mode === 2 && !ReceiptStat[stat].success);
}

let cachedMinute = -1;
let cachedStamp = '';

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** YYMMDDhhmm in UTC. Called once per submit, so the string is cached for the minute. */
export function receiptDate(ms: number): string {
  const minute = Math.floor(ms / 60_000);
  if (minute === cachedMinute) return cachedStamp;
  const d = new Date(minute * 60_000);
  cachedMinute = minute;
  cachedStamp =
    two(d.getUTCFullYear() % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes());
  return cachedStamp;
}

/**
 * The first 20 octets of the original message as printable ASCII: other octets become '?', so a
 * UCS-2 or binary original cannot put NULs or control characters into the receipt text.
 */
export function receiptTextSnippet(original: Buffer): string {
  const n = Math.min(20, original.length);
  let s = '';
  for (let i = 0; i < n; i++) {
    const b = original[i]!;
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '?';
  }
  return s;
}

export interface ReceiptText {
  id: string;
  stat: ReceiptStatName;
  submitDate: string;
  doneDate: string;
  text: string;
}

export function formatReceiptText(r: ReceiptText): string {
  const info = ReceiptStat[r.stat];
  const dlvrd = r.stat === 'DELIVRD' ? '001' : '000';
  return `id:${r.id} sub:001 dlvrd:${dlvrd} submit date:${r.submitDate} done date:${r.doneDate} stat:${r.stat} err:${info.err} text:${r.text}`;
}
