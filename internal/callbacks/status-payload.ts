/**
 * Turns a committed change and its message's row into the status callback to make, if any: which URL (the
 * message's own, else its client's), whether the client wants it (`final` or `all`), the body, and a webhook-id
 * that is the same whenever the same change is made again (a replayed batch, a receipt repeated by the SMSC), so
 * receivers can dedupe. Pure.
 */
import type { StatusChange } from '../bus/codec-changes.js';
import { isFinal, type MessageStatus } from '../sms/status.js';

/** The message as the callback worker reads it after the change was committed. */
export interface ChangedMessage {
  id: string;
  clientId: string | null;
  clientRef: string | null;
  status: MessageStatus;
  carrier: string;
  to: string | null;
  segments: number | null;
  error: string | null;
  /** ISO-8601. */
  doneAt: string | null;
  callbackUrl: string | null;
}

export interface CallbackClient {
  callbackUrl?: string | undefined;
  callbackEvents: 'final' | 'all';
}

export interface CallbackError {
  /** receipt (the SMSC's receipt said so), smsc_status (the SMSC refused the submit), or the final status itself. */
  code: string;
  /** The error as recorded on the message. */
  message: string;
  smscStatus?: number;
  stat?: string;
  err?: string;
}

export interface StatusPayload {
  type: 'message.status';
  id: string;
  clientRef: string | null;
  status: MessageStatus;
  carrier: string;
  to: string | null;
  segments: number | null;
  error: CallbackError | null;
  /** When the message reached this state (ISO-8601). */
  at: string;
  /** Intermediate receipts (callbackEvents "all"): the receipt's stat word. */
  receipt?: { stat: string; err: string | null };
}

export interface StatusCallback {
  wid: string;
  client: string;
  url: string;
  body: string;
  ref: string;
}

/** The recorded error text as a structured object; null when there is none. */
export function callbackError(status: MessageStatus, error: string | null): CallbackError | null {
  if (error === null || status === 'delivered') return null;
  const receipt = /^stat:(\S+)(?: err:(\S+))?/.exec(error);
  if (receipt) return receipt[2] !== undefined ? { code: 'receipt', message: error, stat: receipt[1]!, err: receipt[2] } : { code: 'receipt', message: error, stat: receipt[1]! };
  const smsc = /smsc status 0x([0-9a-f]{1,8})/i.exec(error);
  if (smsc) return { code: 'smsc_status', message: error, smscStatus: parseInt(smsc[1]!, 16) };
  return { code: status, message: error };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One literal, not `{ ...base, status, … }`: V8 (Node 20) adds each key a leading spread did not bring on a slow
 * path, and this runs for every callback (see lifecycle-fold.ts).
 */
function payloadOf(m: ChangedMessage, status: MessageStatus, error: CallbackError | null, at: string): StatusPayload {
  return { type: 'message.status', id: m.id, clientRef: m.clientRef, carrier: m.carrier, to: m.to, segments: m.segments, status, error, at };
}

export function statusCallbackFor(change: StatusChange, m: ChangedMessage, client: CallbackClient | undefined): StatusCallback | undefined {
  if (m.clientId === null || client === undefined) return undefined;
  const url = m.callbackUrl ?? client.callbackUrl;
  if (url === undefined) return undefined;
  const all = client.callbackEvents === 'all';
  let payload: StatusPayload;
  let wid: string;
  if (change.k === 's') {
    if (!all) return undefined;
    payload = payloadOf(m, 'submitted', null, iso(change.at));
    wid = `msg_${m.id}_submitted`;
  } else if (isFinal(m.status)) {
    // Whatever change brought us here, the message's recorded final state is what the client hears (first final wins).
    payload = payloadOf(m, m.status, callbackError(m.status, m.error), m.doneAt ?? iso(change.at));
    wid = `msg_${m.id}_${m.status}`;
  } else if (change.k === 'r' && change.st === null && all) {
    payload = payloadOf(m, m.status, null, iso(change.at));
    payload.receipt = { stat: change.stat, err: change.err };
    wid = `msg_${m.id}_r${change.at}_${change.stat}`;
  } else {
    // A final receipt for one part of a message still waiting for its other parts.
    return undefined;
  }
  return { wid, client: m.clientId, url, body: JSON.stringify(payload), ref: m.id };
}
