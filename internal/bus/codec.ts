/** The only place that knows the wire shape of bus messages: MT messages and status events as JSON. */
import type { StatusEvent } from '../sms/events.js';
import type { InboundPart } from '../sms/inbound.js';
import { CONTENT_ENCODINGS, type ContentEncoding, type MtMessage } from '../sms/message.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export class CodecError extends Error {
  override readonly name = 'CodecError';
}

export function encodeMt(m: MtMessage): Uint8Array {
  return enc.encode(JSON.stringify(m));
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
function optNum(o: Record<string, unknown>, k: string): number | undefined {
  return o[k] === undefined || o[k] === null ? undefined : num(o, k);
}

export function decodeMt(data: Uint8Array): MtMessage {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(dec.decode(data)) as Record<string, unknown>;
  } catch {
    throw new CodecError('MT message is not JSON');
  }
  if (!o || typeof o !== 'object') throw new CodecError('MT message is not an object');
  const encoding = str(o, 'encoding') as ContentEncoding;
  if (!CONTENT_ENCODINGS.includes(encoding)) throw new CodecError(`field encoding must be one of ${CONTENT_ENCODINGS.join(', ')}`);
  return {
    id: str(o, 'id'),
    clientId: str(o, 'clientId'),
    clientRef: typeof o.clientRef === 'string' ? o.clientRef : undefined,
    carrier: str(o, 'carrier'),
    to: str(o, 'to'),
    from: str(o, 'from'),
    text: str(o, 'text'),
    encoding,
    segments: num(o, 'segments'),
    acceptedAt: num(o, 'acceptedAt'),
    sendAt: optNum(o, 'sendAt'),
    validUntil: optNum(o, 'validUntil'),
  };
}

export function encodeEvent(e: StatusEvent): Uint8Array {
  return enc.encode(JSON.stringify(e));
}

/** Many events in one bus message (connectors batch submits and receipts to cut per-message bus work). */
export function encodeEvents(events: readonly StatusEvent[]): Uint8Array {
  return enc.encode(JSON.stringify(events));
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
    case 'submitted':
      str(o, 'id');
      str(o, 'carrier');
      str(o, 'smscMessageId');
      num(o, 'part');
      num(o, 'parts');
      num(o, 'at');
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
      break;
  }
  return o as unknown as StatusEvent;
}

/** An inbound (MO) part as stored on sms.mo.<carrier>. */
export function encodeInbound(part: InboundPart): Uint8Array {
  return enc.encode(JSON.stringify(part));
}

/** An accepted event is derived from the MT message itself (the status writer reads SMS_MT, and SMS_SCHEDULED for held ones). */
export function acceptedFromMt(m: MtMessage, scheduled = false): StatusEvent {
  const { text: _text, ...message } = m;
  return scheduled ? { kind: 'accepted', message, scheduled: true } : { kind: 'accepted', message };
}
