/** What a receipt's stat word or message_state means for our message, and the key that matches receipt ids to submit_sm_resp ids. */
import type { FinalStatus } from './status.js';

/**
 * Appendix B stat words, plus the long forms some SMSCs write. DELETED (the SMSC removed the message,
 * by cancel_sm or an operator) and SKIPPED (SMPP 5.0: filtered, never sent) mean it will never be delivered,
 * so both are undeliverable rather than rejected, which we keep for refusals of the submission itself.
 * null: intermediate (the message may still be delivered); recorded, not final.
 */
const STAT_STATUS: Readonly<Record<string, FinalStatus | null>> = Object.freeze({
  DELIVRD: 'delivered',
  DELIVERED: 'delivered',
  EXPIRED: 'expired',
  DELETED: 'undeliverable',
  UNDELIV: 'undeliverable',
  UNDELIVERABLE: 'undeliverable',
  SKIPPED: 'undeliverable',
  REJECTD: 'rejected',
  REJECTED: 'rejected',
  ACCEPTD: null,
  ACCEPTED: null,
  ENROUTE: null,
  UNKNOWN: null,
  SCHEDULED: null,
});

/** SMPP message_state TLV (3.4 §5.2.28; 0 and 9 from 5.0) → the stat word a receipt would carry. */
const MESSAGE_STATE_STAT = [
  'SCHEDULED',
  'ENROUTE',
  'DELIVRD',
  'EXPIRED',
  'DELETED',
  'UNDELIV',
  'ACCEPTD',
  'UNKNOWN',
  'REJECTD',
  'SKIPPED',
] as const;

/**
 * Final status for a stat word (any case; a bare message_state number is accepted too, as some SMSCs
 * write one), or null for intermediate and unrecognised words.
 */
export function statToStatus(stat: string): FinalStatus | null {
  let word = stat.trim().toUpperCase();
  if (/^\d+$/.test(word)) word = messageStateToStat(Number(word));
  return Object.hasOwn(STAT_STATUS, word) ? (STAT_STATUS[word] ?? null) : null;
}

/** message_state value → stat word; UNKNOWN for values outside the spec. */
export function messageStateToStat(n: number): string {
  return (Number.isInteger(n) ? MESSAGE_STATE_STAT[n] : undefined) ?? 'UNKNOWN';
}

export type SmscIdMode = 'as-is' | 'hex-to-dec' | 'dec-to-hex' | 'auto';

/**
 * Canonical key for an SMSC message id, so the id in submit_sm_resp and the one in the receipt match.
 *
 * Rule: trim, lower-case, strip leading zeros (an all-zero id becomes "0"). The mode is how the carrier's
 * receipt ids relate to its submit_sm_resp ids:
 *   - 'as-is': same form on both sides.
 *   - 'hex-to-dec': resp id is hex (optional 0x), receipt id decimal: the resp id is rendered in decimal.
 *   - 'dec-to-hex': resp id is decimal, receipt id hex: the resp id is rendered in lower-case hex.
 * Apply the carrier's mode to the submit_sm_resp id and 'as-is' to the receipt id. Conversions use BigInt,
 * so ids longer than 2^53 survive; an id that is not a number in the expected base is kept as-is (canonicalised).
 *   - 'auto': apply to both sides. An id of hex digits with at least one letter a-f is read as hex and rendered
 *     decimal; anything else is kept as-is. It is a guess: a hex id that happens to be all digits is read as
 *     decimal, so carriers whose resp ids are hex should be configured 'hex-to-dec'.
 */
export function normalizeSmscId(id: string, mode: SmscIdMode): string {
  const s = id.trim().toLowerCase();
  switch (mode) {
    case 'as-is':
      return stripZeros(s);
    case 'hex-to-dec': {
      const hex = s.startsWith('0x') ? s.slice(2) : s;
      return /^[0-9a-f]+$/.test(hex) ? BigInt(`0x${hex}`).toString(10) : stripZeros(s);
    }
    case 'dec-to-hex':
      return /^[0-9]+$/.test(s) ? BigInt(s).toString(16) : stripZeros(s);
    case 'auto':
      return /^[0-9a-f]*[a-f][0-9a-f]*$/.test(s) ? BigInt(`0x${s}`).toString(10) : stripZeros(s);
  }
}

function stripZeros(s: string): string {
  return s.replace(/^0+(?=.)/, '');
}
