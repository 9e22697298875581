/**
 * A client's submit request (from HTTP or NATS, alone or as a batch item): the zod schemas that validate it are the
 * ones the OpenAPI document is generated from, so the contract cannot drift from the check. Pure.
 */
import { z } from 'zod';

export interface SubmitInput {
  to: string;
  from: string;
  /** The text, or for encoding "binary" the payload as hex. */
  text: string;
  encoding: 'auto' | 'gsm7' | 'ucs2' | 'latin1' | 'binary';
  clientRef?: string | undefined;
  /** Epoch milliseconds (parsed from the RFC 3339 `sendAt`); the range is checked against the clock by the acceptor. */
  sendAt?: number | undefined;
  /** Seconds the message may wait before it is submitted. */
  validity?: number | undefined;
  /** Where this message's status callbacks go, instead of the client's callbackUrl. */
  callbackUrl?: string | undefined;
  /** Batch items only: the item's own Idempotency-Key. */
  idempotencyKey?: string | undefined;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export type SubmitValidation = { ok: true; value: SubmitInput } | { ok: false; problems: FieldProblem[] };

export interface SubmitLimits {
  maxTextLength: number;
}

export const E164 = /^\+[1-9][0-9]{6,14}$/;
const ALNUM_SENDER = /^[A-Za-z0-9][A-Za-z0-9 ._&-]{0,10}$/;
const NUMERIC_SENDER = /^\+?[0-9]{1,15}$/;
export const CLIENT_REF = /^[\x21-\x7e]{1,64}$/;
/** 1 to 128 printable ASCII characters without spaces: the Idempotency-Key header and a batch item's idempotencyKey. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
// C0 controls other than TAB, LF, FF, CR, and DEL: they have no place in an SMS and smuggle escapes downstream.
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
export const ENCODINGS = ['auto', 'gsm7', 'ucs2', 'latin1', 'binary'] as const;
export const MIN_VALIDITY_S = 60;

/** An http(s) URL with a host and no credentials, at most 2,000 characters. */
export function isCallbackUrl(v: string): boolean {
  if (v.length > 2000 || /\s/.test(v)) return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}
export const MAX_VALIDITY_S = 604_800;

const required = (type: string) => ({
  error: (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : `must be ${type}`),
});

function buildSubmitSchema(limits: SubmitLimits) {
  const max = limits.maxTextLength;
  return z.strictObject({
    to: z.string(required('a string')).regex(E164, 'must be an E.164 number: "+" then 7 to 15 digits, e.g. "+447700900123"').meta({
      description: 'Destination, E.164.',
      examples: ['+447700900123'],
    }),
    from: z
      .string(required('a string'))
      .refine((v) => NUMERIC_SENDER.test(v) || ALNUM_SENDER.test(v), 'must be a number of up to 15 digits or an alphanumeric sender of 1 to 11 characters')
      .meta({ description: 'Alphanumeric sender (1–11 characters of A–Z a–z 0–9 space . _ & -) or a number (up to 15 digits, optional "+").', examples: ['ACME'] }),
    text: z
      .string(required('a string'))
      .min(1, 'must not be empty')
      .max(max, { error: (iss) => `is ${String(iss.input).length} characters; the limit is ${max}` })
      .refine((v) => !CONTROL.test(v), 'contains control characters')
      .refine((v) => !LONE_SURROGATE.test(v), 'contains an unpaired UTF-16 surrogate')
      .meta({
        description:
          'With encoding "auto" (default), GSM 03.38 text is sent as GSM-7 and anything else as UCS-2; long text is split into concatenated segments. With encoding "binary", the payload as hex. No C0 control characters other than tab, LF, FF, CR.',
      }),
    encoding: z
      .enum(ENCODINGS, { error: 'must be one of auto, gsm7, ucs2, latin1, binary' })
      .default('auto')
      .meta({ description: 'Force an encoding: gsm7 (data_coding 0), ucs2 (8), latin1 (3), binary (4, text is hex).' }),
    clientRef: z
      .string({ error: 'must be 1 to 64 printable ASCII characters without spaces' })
      .regex(CLIENT_REF, 'must be 1 to 64 printable ASCII characters without spaces')
      .optional()
      .meta({ description: 'Your own reference, returned in status and usable as a list filter.' }),
    sendAt: z
      .iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time with a time zone, e.g. "2026-12-24T18:00:00Z"' })
      .optional()
      .meta({
        description:
          'Send at this time (RFC 3339), at most scheduling.maxAheadMs (35 days by default) ahead. The message is held durably in JetStream with status "scheduled" and sent within a second of it; a time in the past sends at once.',
      }),
    validity: z
      .number({ error: 'must be a whole number of seconds' })
      .int('must be a whole number of seconds')
      .min(MIN_VALIDITY_S, `must be at least ${MIN_VALIDITY_S} seconds`)
      .max(MAX_VALIDITY_S, `must be at most ${MAX_VALIDITY_S} seconds (7 days)`)
      .optional()
      .meta({
        description:
          'Seconds, counted from sendAt (or from acceptance): past it the message is never submitted and ends "expired"; the time left is passed to the SMSC as validity_period.',
      }),
    callbackUrl: z
      .string({ error: 'must be an http:// or https:// URL' })
      .refine(isCallbackUrl, 'must be an http:// or https:// URL with a host and no credentials, at most 2000 characters')
      .optional()
      .meta({
        description:
          'Where this message\'s status callbacks are POSTed (signed, Standard Webhooks), instead of your configured callbackUrl. Which changes are sent follows your callbackEvents setting.',
      }),
  });
}

function buildBatchItemSchema(limits: SubmitLimits) {
  return buildSubmitSchema(limits).extend({
    idempotencyKey: z
      .string({ error: 'must be 1 to 128 printable ASCII characters without spaces' })
      .regex(IDEMPOTENCY_KEY, 'must be 1 to 128 printable ASCII characters without spaces')
      .optional()
      .meta({ description: 'This item\'s Idempotency-Key (the batch call takes no header key).' }),
  });
}

const submitSchemas = new Map<number, ReturnType<typeof buildSubmitSchema>>();
const itemSchemas = new Map<number, ReturnType<typeof buildBatchItemSchema>>();

/** The single-send request schema for these limits (built once per limit). */
export function submitRequestSchema(limits: SubmitLimits): ReturnType<typeof buildSubmitSchema> {
  let s = submitSchemas.get(limits.maxTextLength);
  if (!s) submitSchemas.set(limits.maxTextLength, (s = buildSubmitSchema(limits)));
  return s;
}

/** A batch item: the single-send request plus its own idempotencyKey. */
export function batchItemSchema(limits: SubmitLimits): ReturnType<typeof buildBatchItemSchema> {
  let s = itemSchemas.get(limits.maxTextLength);
  if (!s) itemSchemas.set(limits.maxTextLength, (s = buildBatchItemSchema(limits)));
  return s;
}

/** The batch envelope as documented; items are validated one by one, so one bad item never fails the others. */
export function batchRequestSchema(limits: SubmitLimits & { maxBatchSize: number }) {
  return z.strictObject({
    messages: z.array(batchItemSchema(limits)).min(1).max(limits.maxBatchSize).meta({ description: `1 to ${limits.maxBatchSize} messages.` }),
  });
}

const FIELD_ORDER = ['to', 'from', 'text', 'encoding', 'clientRef', 'sendAt', 'validity', 'callbackUrl', 'idempotencyKey'];

function toProblems(issues: readonly z.core.$ZodIssue[], allowed: readonly string[]): FieldProblem[] {
  const unknown: FieldProblem[] = [];
  const known: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const iss of issues) {
    if (iss.code === 'unrecognized_keys') {
      for (const k of iss.keys) unknown.push({ field: k, message: `is not a known field (allowed: ${allowed.join(', ')})` });
    } else if (iss.path.length === 0) {
      return [{ field: '(body)', message: 'must be a JSON object like {"to":"+447700900123","from":"ACME","text":"Hello"}' }];
    } else {
      const field = String(iss.path[0]);
      // One message per field: the first one says what to fix.
      if (!seen.has(field)) {
        seen.add(field);
        known.push({ field, message: iss.message });
      }
    }
  }
  known.sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field));
  return [...unknown, ...known];
}

function validateWith(schema: z.ZodType, body: unknown, allowed: readonly string[]): SubmitValidation {
  const r = schema.safeParse(body);
  const problems = r.success ? [] : toProblems(r.error.issues, allowed);
  // Binary content is hex: a rule across two fields, checked here once both are known to be strings.
  const o = body as Record<string, unknown> | null;
  if (o && typeof o === 'object' && o.encoding === 'binary' && typeof o.text === 'string' && o.text.length > 0 && !problems.some((p) => p.field === 'text')) {
    if (!HEX.test(o.text)) {
      problems.push({ field: 'text', message: 'must be hex (an even number of 0-9a-f digits) when encoding is binary' });
      problems.sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field));
    }
  }
  if (problems.length > 0 || !r.success) return { ok: false, problems };
  const v = r.data as Record<string, unknown>;
  return {
    ok: true,
    value: {
      to: v.to as string,
      from: v.from as string,
      text: v.text as string,
      encoding: v.encoding as SubmitInput['encoding'],
      clientRef: v.clientRef as string | undefined,
      sendAt: typeof v.sendAt === 'string' ? Date.parse(v.sendAt) : undefined,
      validity: v.validity as number | undefined,
      callbackUrl: v.callbackUrl as string | undefined,
      idempotencyKey: v.idempotencyKey as string | undefined,
    },
  };
}

const SUBMIT_FIELDS = ['to', 'from', 'text', 'encoding', 'clientRef', 'sendAt', 'validity', 'callbackUrl'];
const ITEM_FIELDS = [...SUBMIT_FIELDS, 'idempotencyKey'];

/** Validates a single-send request into clean fields, or a list of field problems (each field named once). */
export function validateSubmit(body: unknown, limits: SubmitLimits): SubmitValidation {
  return validateWith(submitRequestSchema(limits), body, SUBMIT_FIELDS);
}

/** Validates one batch item (a single-send request plus idempotencyKey). */
export function validateBatchItem(body: unknown, limits: SubmitLimits): SubmitValidation {
  return validateWith(batchItemSchema(limits), body, ITEM_FIELDS);
}

export type BatchEnvelope = { ok: true; items: unknown[] } | { ok: false; problems: FieldProblem[] };

/** The batch envelope alone: an object with 1..maxBatchSize messages and nothing else. */
export function validateBatchEnvelope(body: unknown, maxBatchSize: number): BatchEnvelope {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, problems: [{ field: '(body)', message: 'must be a JSON object like {"messages":[{"to":"+447700900123","from":"ACME","text":"Hello"}]}' }] };
  }
  const o = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const k of Object.keys(o)) if (k !== 'messages') problems.push({ field: k, message: 'is not a known field (allowed: messages)' });
  const m = o.messages;
  if (m === undefined) problems.push({ field: 'messages', message: 'is required' });
  else if (!Array.isArray(m)) problems.push({ field: 'messages', message: 'must be an array' });
  else if (m.length === 0) problems.push({ field: 'messages', message: 'must not be empty' });
  else if (m.length > maxBatchSize) problems.push({ field: 'messages', message: `has ${m.length} items; the limit is ${maxBatchSize}` });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, items: m as unknown[] };
}
