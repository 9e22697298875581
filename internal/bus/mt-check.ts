/**
 * The MT wire schema (mt-schema.ts) as plain code, for the connector's hot path: every message it fetches is checked,
 * and zod's general machinery cost more than the check itself. This answers only yes or no; a no goes to the schema,
 * which decides and names what is wrong. mt-check.test.ts holds the two to the same verdict on generated messages.
 */
import type { MtMessage } from '../sms/message.js';
import { MT_PATTERNS } from './mt-schema.js';

/** The schema's fields, required and optional (mt-check.test.ts compares them with the schema's). */
export const MT_REQUIRED = ['id', 'clientId', 'carrier', 'to', 'from', 'text', 'encoding', 'segments', 'acceptedAt'] as const;
export const MT_OPTIONAL = ['clientRef', 'sendAt', 'validUntil', 'callbackUrl'] as const;

const isStr = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isEncoding = (v: unknown): boolean => v === 'gsm7' || v === 'ucs2' || v === 'latin1' || v === 'binary';

/** Whether `o` (a JSON.parse result) is what mtMessageSchema accepts, unchanged. */
export function isWireMt(o: unknown): o is MtMessage {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;
  const m = o as Record<string, unknown>;
  let present = 0;
  for (const _ in m) present++;
  // Each required field is checked below and each optional one here when it is there: a key beyond those is unknown.
  const { clientRef, sendAt, validUntil, callbackUrl } = m;
  let optional = 0;
  if (clientRef !== undefined) {
    if (typeof clientRef !== 'string' || !MT_PATTERNS.clientRef.test(clientRef)) return false;
    optional++;
  }
  if (sendAt !== undefined) {
    if (!isNum(sendAt)) return false;
    optional++;
  }
  if (validUntil !== undefined) {
    if (!isNum(validUntil)) return false;
    optional++;
  }
  if (callbackUrl !== undefined) {
    if (!isStr(callbackUrl, 0, 2000) || !MT_PATTERNS.callbackUrl.test(callbackUrl)) return false;
    optional++;
  }
  if (present !== MT_REQUIRED.length + optional) return false;
  const seg = m.segments;
  return (
    typeof m.id === 'string' &&
    MT_PATTERNS.id.test(m.id) &&
    isStr(m.clientId, 1, 64) &&
    isStr(m.carrier, 0, 64) &&
    MT_PATTERNS.carrier.test(m.carrier) &&
    typeof m.to === 'string' &&
    MT_PATTERNS.to.test(m.to) &&
    isStr(m.from, 1, 16) &&
    isStr(m.text, 1, Infinity) &&
    isEncoding(m.encoding) &&
    typeof seg === 'number' &&
    Number.isSafeInteger(seg) &&
    seg >= 1 &&
    seg <= 255 &&
    isNum(m.acceptedAt)
  );
}
