/**
 * Status events: what connectors and edges report about a message, consumed by the DLR writer.
 * Each event is idempotent to apply and carries what is needed to apply it in any order.
 */
import type { MtMessage } from './message.js';
import type { FinalStatus } from './status.js';

export interface AcceptedEvent {
  kind: 'accepted';
  message: Omit<MtMessage, 'text'>;
  /** Read from SMS_SCHEDULED (held until sendAt) rather than from SMS_MT (queued for its carrier). */
  scheduled?: true;
  /** The message's W3C traceparent, for logs (see core/trace-context.ts). */
  traceparent?: string;
}

/** One segment's submit_sm_resp was OK. */
export interface SubmittedEvent {
  kind: 'submitted';
  id: string;
  carrier: string;
  /** 1-based segment number and total, so multi-part state can be derived from all parts. */
  part: number;
  parts: number;
  smscMessageId: string;
  at: number;
  /** On part 1: the message as accepted (see MessageFacts). */
  message?: MessageFacts;
  /** The message's W3C traceparent, for logs. */
  traceparent?: string;
}

/**
 * The accepted record again, carried by a connector's first event about a message. The status writer normally
 * learns it from the accepted message itself; when that record never arrives (seen in the fault drills: a few
 * in 40,000 through a rolling restart of the NATS cluster), these facts still give the row its client, number
 * and sender, so the message never ends invisible to its client.
 */
export type MessageFacts = Omit<MtMessage, 'text'>;

/** What a connector's first event repeats of a message (everything but the text). */
export function factsOf(m: MtMessage): MessageFacts {
  const { text: _text, ...facts } = m;
  return facts;
}

/** A delivery receipt, matched to our message by (carrier, smscMessageId). */
export interface ReceiptEvent {
  kind: 'receipt';
  carrier: string;
  smscMessageId: string;
  /** Mapped state: a final one, or null for intermediate receipts (ENROUTE, ACCEPTD, UNKNOWN). */
  status: FinalStatus | null;
  /** The raw stat word (DELIVRD, UNDELIV, ...). */
  stat: string;
  /** Network/SMSC error code from the receipt, when present. */
  err: string | null;
  /**
   * When the message reached its final state, as the store records it: null means "when the gateway
   * received the receipt" (`at`). SMSC done dates have minute resolution and the SMSC's clock, so they
   * would often put doneAt before submittedAt; they are kept in smscDoneAt instead.
   */
  doneAt: number | null;
  /** The receipt's own "done date" (UTC), when it has one. */
  smscDoneAt?: number | null;
  at: number;
}

/** A message ended without being sent: the connector gave up (permanent rejection, attempts exhausted), its validity ended, or it was canceled. */
export interface FailedEvent {
  kind: 'failed';
  id: string;
  carrier: string;
  status: Extract<FinalStatus, 'rejected' | 'failed' | 'expired' | 'canceled'>;
  /** Set only when the message's accepted event may never be recorded (a dead letter that breaks the schema). */
  clientId?: string;
  /** The message as accepted, when the event comes from a connector or the scheduler (see MessageFacts). */
  message?: MessageFacts;
  error: string;
  at: number;
  /** The message's W3C traceparent, for logs. */
  traceparent?: string;
}

export type StatusEvent = AcceptedEvent | SubmittedEvent | ReceiptEvent | FailedEvent;
