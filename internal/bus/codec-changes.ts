/**
 * The wire shapes of SMS_CHANGES: committed status changes (compact, many per bus message), inbound messages as the
 * MO writer publishes them, and callbacks waiting for an attempt. The only place that knows their JSON.
 */
import type { StatusEvent } from '../sms/events.js';
import { CodecError } from './codec.js';
import { Subjects } from './subjects.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * One committed change, without the message's facts (the callback worker reads those from the database): a submit
 * (part 1), a receipt (found by carrier and SMSC id), or a final verdict that came without a receipt.
 */
export type StatusChange =
  | { k: 's'; id: string; at: number }
  | { k: 'r'; c: string; x: string; st: string | null; stat: string; err: string | null; at: number }
  | { k: 'f'; id: string; st: string; at: number };

/** Which changes the writer forwards: final ones only, or also submits and intermediate receipts. */
export type ForwardScope = 'final' | 'all';

export function changeOf(e: StatusEvent, scope: ForwardScope): StatusChange | undefined {
  switch (e.kind) {
    case 'submitted':
      return scope === 'all' && e.part === 1 ? { k: 's', id: e.id, at: e.at } : undefined;
    case 'receipt':
      return scope === 'all' || e.status !== null ? { k: 'r', c: e.carrier, x: e.smscMessageId, st: e.status, stat: e.stat, err: e.err, at: e.at } : undefined;
    case 'failed':
      return { k: 'f', id: e.id, st: e.status, at: e.at };
    default:
      return undefined;
  }
}

/**
 * Under SMS_CHANGES' max_msg_size (1 MiB, nats-server's default max_payload) with room to spare: about 6,000 changes,
 * more than a status writer batch (2,500 events) holds, so a batch is one message.
 */
export const MAX_CHANGES_BYTES = 512_000;

/** The changes of one committed batch as few bus messages as fit: usually one, split only past MAX_CHANGES_BYTES. */
export function encodeChanges(events: readonly StatusEvent[], scope: ForwardScope, maxBytes = MAX_CHANGES_BYTES): Uint8Array[] {
  const out: Uint8Array[] = [];
  let parts: string[] = [];
  let size = 2;
  for (const e of events) {
    const c = changeOf(e, scope);
    if (!c) continue;
    const s = JSON.stringify(c);
    if (parts.length > 0 && size + s.length + 1 > maxBytes) {
      out.push(enc.encode(`[${parts.join(',')}]`));
      parts = [];
      size = 2;
    }
    parts.push(s);
    size += s.length + 1;
  }
  if (parts.length > 0) out.push(enc.encode(`[${parts.join(',')}]`));
  return out;
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function decodeChanges(data: Uint8Array): StatusChange[] {
  let v: unknown;
  try {
    v = JSON.parse(dec.decode(data));
  } catch {
    throw new CodecError('status changes are not JSON');
  }
  if (!Array.isArray(v)) throw new CodecError('status changes must be an array');
  for (const c of v as Record<string, unknown>[]) {
    const ok =
      c !== null &&
      typeof c === 'object' &&
      isNum(c.at) &&
      ((c.k === 's' && isStr(c.id)) || (c.k === 'f' && isStr(c.id) && isStr(c.st)) || (c.k === 'r' && isStr(c.c) && isStr(c.x) && isStr(c.stat)));
    if (!ok) throw new CodecError('a status change has an unknown shape');
  }
  return v as StatusChange[];
}

/** An inbound message as the MO writer publishes it on sms.chg.inbound (the contract with the inbound routing). */
export interface InboundChange {
  type: 'message.inbound';
  client: string;
  id: string;
  from: string;
  to: string;
  text: string;
  encoding: string;
  parts: number;
  carrier: string;
  receivedAt: string;
}

export function encodeInboundChange(m: InboundChange): Uint8Array {
  return enc.encode(JSON.stringify(m));
}

export function decodeInboundChange(data: Uint8Array): InboundChange {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(dec.decode(data)) as Record<string, unknown>;
  } catch {
    throw new CodecError('inbound change is not JSON');
  }
  if (!o || typeof o !== 'object' || o.type !== 'message.inbound') throw new CodecError('inbound change must have type "message.inbound"');
  for (const k of ['client', 'id', 'from', 'to', 'text', 'encoding', 'carrier', 'receivedAt']) {
    if (!isStr(o[k])) throw new CodecError(`inbound change field ${k} must be a string`);
  }
  if (!isNum(o.parts)) throw new CodecError('inbound change field parts must be a number');
  return o as unknown as InboundChange;
}

/**
 * One callback on its way: the signed body is fixed when the callback is made, so every attempt sends the same
 * bytes under the same webhook-id; `attempt` counts attempts made, `due` says when the next may start.
 */
export interface CallbackJob {
  /** webhook-id, stable across retries and replays. */
  wid: string;
  client: string;
  url: string;
  /** The JSON body, exactly as POSTed and signed. */
  body: string;
  attempts: number;
  /** Epoch ms. */
  due: number;
  /** When the callback was made (epoch ms): latency is measured from here. */
  made: number;
  /** The message id it is about (a status callback's message, an inbound message's id). */
  ref: string;
  type: 'message.status' | 'message.inbound';
  /** Sent again by its client's request: its endpoint is switched on again if a 410 had disabled it. */
  replay?: true;
}

export function encodeJob(j: CallbackJob): Uint8Array {
  return enc.encode(JSON.stringify(j));
}

export function decodeJob(data: Uint8Array): CallbackJob {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(dec.decode(data)) as Record<string, unknown>;
  } catch {
    throw new CodecError('callback is not JSON');
  }
  if (!o || typeof o !== 'object') throw new CodecError('callback is not an object');
  for (const k of ['wid', 'client', 'url', 'body', 'ref', 'type']) if (!isStr(o[k])) throw new CodecError(`callback field ${k} must be a string`);
  for (const k of ['attempts', 'due', 'made']) if (!isNum(o[k])) throw new CodecError(`callback field ${k} must be a number`);
  return o as unknown as CallbackJob;
}

/** What SMS_CHANGES carries, by subject. */
export type ChangeMessage =
  | { kind: 'status'; changes: StatusChange[] }
  | { kind: 'inbound'; message: InboundChange }
  | { kind: 'job'; job: CallbackJob };

/** Reads a message of SMS_CHANGES by its subject; CodecError for what it cannot read (dead-lettered `undecodable`). */
export function decodeChangeMessage(subject: string, data: Uint8Array): ChangeMessage {
  switch (subject) {
    case Subjects.changes:
      return { kind: 'status', changes: decodeChanges(data) };
    case Subjects.inboundChanges:
      return { kind: 'inbound', message: decodeInboundChange(data) };
    case Subjects.callbackJobs:
      return { kind: 'job', job: decodeJob(data) };
    default:
      throw new CodecError(`no callback work is published on ${subject}`);
  }
}
