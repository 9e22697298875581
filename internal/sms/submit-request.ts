/** Validates a client's submit request (from HTTP or NATS) into clean fields, or a list of field problems. Pure. */

export interface SubmitInput {
  to: string;
  from: string;
  /** The text, or for encoding "binary" the payload as hex. */
  text: string;
  encoding: 'auto' | 'gsm7' | 'ucs2' | 'latin1' | 'binary';
  clientRef?: string | undefined;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export type SubmitValidation = { ok: true; value: SubmitInput } | { ok: false; problems: FieldProblem[] };

const E164 = /^\+[1-9][0-9]{6,14}$/;
const ALNUM_SENDER = /^[A-Za-z0-9][A-Za-z0-9 ._&-]{0,10}$/;
const NUMERIC_SENDER = /^\+?[0-9]{1,15}$/;
const CLIENT_REF = /^[\x21-\x7e]{1,64}$/;
// C0 controls other than TAB, LF, FF, CR, and DEL: they have no place in an SMS and smuggle escapes downstream.
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ALLOWED = new Set(['to', 'from', 'text', 'clientRef', 'encoding']);
const ENCODINGS = new Set(['auto', 'gsm7', 'ucs2', 'latin1', 'binary']);
const HEX = /^(?:[0-9a-fA-F]{2})+$/;

export function validateSubmit(body: unknown, limits: { maxTextLength: number }): SubmitValidation {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, problems: [{ field: '(body)', message: 'must be a JSON object like {"to":"+447700900123","from":"ACME","text":"Hello"}' }] };
  }
  const o = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const k of Object.keys(o)) {
    if (!ALLOWED.has(k)) problems.push({ field: k, message: 'is not a known field (allowed: to, from, text, encoding, clientRef)' });
  }
  const { to, from, text, clientRef, encoding = 'auto' } = o;
  const binary = encoding === 'binary';
  if (typeof encoding !== 'string' || !ENCODINGS.has(encoding)) {
    problems.push({ field: 'encoding', message: 'must be one of auto, gsm7, ucs2, latin1, binary' });
  }
  if (to === undefined) problems.push({ field: 'to', message: 'is required' });
  else if (typeof to !== 'string') problems.push({ field: 'to', message: 'must be a string' });
  else if (!E164.test(to)) problems.push({ field: 'to', message: 'must be an E.164 number: "+" then 7 to 15 digits, e.g. "+447700900123"' });

  if (from === undefined) problems.push({ field: 'from', message: 'is required' });
  else if (typeof from !== 'string') problems.push({ field: 'from', message: 'must be a string' });
  else if (!NUMERIC_SENDER.test(from) && !ALNUM_SENDER.test(from)) {
    problems.push({ field: 'from', message: 'must be a number of up to 15 digits or an alphanumeric sender of 1 to 11 characters' });
  }

  if (text === undefined) problems.push({ field: 'text', message: 'is required' });
  else if (typeof text !== 'string') problems.push({ field: 'text', message: 'must be a string' });
  else if (text.length === 0) problems.push({ field: 'text', message: 'must not be empty' });
  else if (text.length > limits.maxTextLength) {
    problems.push({ field: 'text', message: `is ${text.length} characters; the limit is ${limits.maxTextLength}` });
  } else if (binary) {
    if (!HEX.test(text)) problems.push({ field: 'text', message: 'must be hex (an even number of 0-9a-f digits) when encoding is binary' });
  } else if (CONTROL.test(text)) problems.push({ field: 'text', message: 'contains control characters' });
  else if (LONE_SURROGATE.test(text)) problems.push({ field: 'text', message: 'contains an unpaired UTF-16 surrogate' });

  if (clientRef !== undefined && (typeof clientRef !== 'string' || !CLIENT_REF.test(clientRef))) {
    problems.push({ field: 'clientRef', message: 'must be 1 to 64 printable ASCII characters without spaces' });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: { to: to as string, from: from as string, text: text as string, encoding: encoding as SubmitInput['encoding'], clientRef: clientRef as string | undefined },
  };
}
