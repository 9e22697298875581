/** The only place that knows the wire shape of bus messages: MT messages and status events as JSON. */
import { factsOf, type AcceptedEvent, type StatusEvent } from '../sms/events.js';
import type { InboundPart } from '../sms/inbound.js';
import type { MtMessage } from '../sms/message.js';
import { MESSAGE_ID_RE } from '../core/ids.js';
import { isWireMt } from './mt-check.js';
import { mtMessageSchema } from './mt-schema.js';

const dec = new TextDecoder();

export class CodecError extends Error {
  override readonly name = 'CodecError';
}

// Encoded with Buffer.from: small bodies come from Node's shared pool instead of an ArrayBuffer each (less work than
// TextEncoder, and less for the collector); the publisher copies them into its write buffer.
export function encodeMt(m: MtMessage): Uint8Array {
  return Buffer.from(JSON.stringify(m));
}

function str(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw new CodecError(`field ${k} must be a string`);
  return v;
}
function num(o: Record<string, unknown>, k: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new CodecError(`field ${k} must be a number`);
  return v;
}

/**
 * Decodes and checks an MT message against its wire schema (nats/mt-message.schema.json): anything else — not JSON, a
 * missing or malformed field, an unknown one — is a CodecError, which dead-letters it as `undecodable`.
 */
export function decodeMt(data: Uint8Array): MtMessage {
  let o: unknown;
  try {
    o = JSON.parse(dec.decode(data));
  } catch {
    throw new CodecError('MT message is not JSON');
  }
  if (isWireMt(o)) return o;
  const r = mtMessageSchema.safeParse(o);
  if (!r.success) {
    const i = r.error.issues[0]!;
    if (i.path.length === 0) throw new CodecError(i.code === 'unrecognized_keys' ? `field ${i.keys.join(', ')} must not be there (see nats/mt-message.schema.json)` : 'MT message is not an object');
    throw new CodecError(`field ${i.path.join('.')} must be as nats/mt-message.schema.json says: ${i.message}`);
  }
  return r.data as MtMessage;
}

/** The id and carrier of an MT body, however broken the rest: enough to record a dead-lettered message as failed. */
export function peekMtIdentity(data: Uint8Array): { id: string; carrier: string; clientId?: string } | undefined {
  try {
    const o = JSON.parse(dec.decode(data)) as Record<string, unknown>;
    if (o && typeof o.id === 'string' && MESSAGE_ID_RE.test(o.id) && typeof o.carrier === 'string') {
      return typeof o.clientId === 'string' ? { id: o.id, carrier: o.carrier, clientId: o.clientId } : { id: o.id, carrier: o.carrier };
    }
  } catch {
    // no identity to recover
  }
  return undefined;
}

export function encodeEvent(e: StatusEvent): Uint8Array {
  return Buffer.from(JSON.stringify(e));
}

/** Many events in one bus message (connectors batch submits and receipts to cut per-message bus work). */
export function encodeEvents(events: readonly StatusEvent[]): Uint8Array {
  return Buffer.from(JSON.stringify(events));
}

/**
 * The most a bus message of events may hold: SMS_EVENTS takes 64 KiB (nats/streams.json), headers included, and
 * a publish over it is refused, so a batch is cut well below it.
 */
export const EVENTS_MAX_BYTES = 60 * 1024;

/**
 * Events as bus messages of at most `maxBytes` each: one when they fit (the usual case: one encoding), else the
 * batch halved until each part fits. Event sizes vary with what a client sent (a long clientRef or callbackUrl), so
 * no count of events is safe on its own: 200 submits with their facts and traceparents came to over 64 KiB. A single
 * event too large for a message is returned as it is, to be refused and handled like any failed publish.
 */
export function encodeEventChunks(events: readonly StatusEvent[], maxBytes = EVENTS_MAX_BYTES): Uint8Array[] {
  const data = encodeEvents(events);
  if (data.length <= maxBytes || events.length <= 1) return [data];
  const half = Math.ceil(events.length / 2);
  return [...encodeEventChunks(events.slice(0, half), maxBytes), ...encodeEventChunks(events.slice(half), maxBytes)];
}

const KINDS = new Set(['accepted', 'submitted', 'receipt', 'failed']);

/** Decodes a bus message holding one status event or an array of them. */
export function decodeEvents(data: Uint8Array): StatusEvent[] {
  let v: unknown;
  try {
    v = JSON.parse(dec.decode(data));
  } catch {
    throw new CodecError('event is not JSON');
  }
  return Array.isArray(v) ? v.map(checkEvent) : [checkEvent(v)];
}

/** Decodes a bus message holding exactly one status event. */
export function decodeEvent(data: Uint8Array): StatusEvent {
  const evs = decodeEvents(data);
  if (evs.length !== 1) throw new CodecError(`expected one event, found ${evs.length}`);
  return evs[0]!;
}

/** Checks the fields that the status store relies on. */
function checkEvent(v: unknown): StatusEvent {
  const o = v as Record<string, unknown>;
  if (!o || typeof o !== 'object' || !KINDS.has(o.kind as string)) throw new CodecError('event has no known kind');
  switch (o.kind) {
    case 'accepted':
      if (o.message === undefined) throw new CodecError('accepted event has no message');
      checkFacts(o.message);
      break;
    case 'submitted':
      str(o, 'id');
      str(o, 'carrier');
      str(o, 'smscMessageId');
      num(o, 'part');
      num(o, 'parts');
      num(o, 'at');
      checkFacts(o.message);
      break;
    case 'receipt':
      str(o, 'carrier');
      str(o, 'smscMessageId');
      str(o, 'stat');
      num(o, 'at');
      break;
    case 'failed':
      str(o, 'id');
      str(o, 'carrier');
      str(o, 'status');
      num(o, 'at');
      checkFacts(o.message);
      break;
  }
  return o as unknown as StatusEvent;
}

/** The accepted facts an event may repeat: the fields the store writes, when present at all. */
function checkFacts(v: unknown): void {
  if (v === undefined) return;
  if (!v || typeof v !== 'object') throw new CodecError('event message facts are not an object');
  const m = v as Record<string, unknown>;
  for (const k of ['id', 'clientId', 'carrier', 'to', 'from', 'encoding']) str(m, k);
  num(m, 'segments');
  num(m, 'acceptedAt');
}

/** An inbound (MO) part as stored on sms.mo.<carrier>. */
export function encodeInbound(part: InboundPart): Uint8Array {
  return Buffer.from(JSON.stringify(part));
}

/** An accepted event is derived from the MT message itself (the status writer reads SMS_MT, and SMS_SCHEDULED for held ones). */
export function acceptedFromMt(m: MtMessage, scheduled = false, traceparent?: string): AcceptedEvent {
  const ev: AcceptedEvent = { kind: 'accepted', message: factsOf(m) };
  if (scheduled) ev.scheduled = true;
  if (traceparent !== undefined) ev.traceparent = traceparent;
  return ev;
}
