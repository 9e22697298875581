/** The wire types of the smsmesh API, as a client sees them (the same over HTTP and NATS). */

export type Encoding = 'auto' | 'gsm7' | 'ucs2' | 'latin1' | 'binary';
export type MessageStatus =
  | 'scheduled'
  | 'accepted'
  | 'submitted'
  | 'delivered'
  | 'undeliverable'
  | 'expired'
  | 'rejected'
  | 'failed'
  | 'canceled';

export interface SendRequest {
  to: string;
  from: string;
  text: string;
  encoding?: Encoding;
  clientRef?: string;
  /** RFC 3339, or a Date. */
  sendAt?: string | Date;
  /** Seconds (60 … 604,800). */
  validity?: number;
}

export interface BatchItem extends SendRequest {
  idempotencyKey?: string;
}

export interface Accepted {
  id: string;
  status: 'accepted' | 'scheduled';
  carrier: string;
  segments: number;
  encoding: Exclude<Encoding, 'auto'>;
  sendAt?: string;
}

export interface DryRun {
  dryRun: true;
  status: 'accepted' | 'scheduled';
  carrier: string;
  segments: number;
  encoding: Exclude<Encoding, 'auto'>;
  sendAt?: string;
}

/** RFC 9457 problem details, as every error of the API carries them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
  [ext: string]: unknown;
}

export interface MessageView {
  id: string;
  status: MessageStatus;
  carrier: string;
  to: string | null;
  from: string | null;
  segments: number | null;
  encoding: string | null;
  clientRef: string | null;
  smscMessageId: string | null;
  acceptedAt: string | null;
  sendAt: string | null;
  validUntil: string | null;
  submittedAt: string | null;
  doneAt: string | null;
  error: string | null;
}

export interface ListQuery {
  status?: MessageStatus;
  to?: string;
  clientRef?: string;
  since?: string | Date;
  until?: string | Date;
  limit?: number;
  cursor?: string;
}

export interface MessagePage {
  messages: MessageView[];
  nextCursor: string | null;
}

export interface CancelResult {
  id: string;
  status: 'canceled' | 'canceling';
}

/** One batch entry: the message's own answer, or its problem. */
export type BatchResult = Accepted | DryRun | Problem;

export function isProblem(r: BatchResult): r is Problem {
  return typeof (r as Problem).status === 'number';
}

/** An inbound (MO) message routed to you. */
export interface InboundView {
  id: string;
  from: string;
  to: string;
  /** Null only when the key it was encrypted with is no longer configured (textError says which). */
  text: string | null;
  textError?: string;
  encoding: 'gsm7' | 'latin1' | 'ucs2' | 'binary';
  parts: number;
  carrier: string;
  receivedAt: string;
}

export interface InboundQuery {
  since?: string | Date;
  until?: string | Date;
  limit?: number;
  cursor?: string;
}

export interface InboundPage {
  messages: InboundView[];
  nextCursor: string | null;
}

export interface OptOut {
  number: string;
  /** The sender it applies to (without "+"); null: every sender of yours. */
  sender: string | null;
  at: string;
  source: 'keyword' | 'api';
}
