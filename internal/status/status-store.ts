/** The port through which the DLR writer records status events and the API reads message state. */
import type { ReceiptEvent, StatusEvent } from '../sms/events.js';
import type { FinalStatus, MessageStatus } from '../sms/status.js';

export interface ApplyResult {
  /** Indexes into the applied events of receipts whose (carrier, smscMessageId) matched no submitted part yet. */
  unmatchedReceipts: number[];
  /** Messages that reached a final state in this commit, by that state. */
  finals: Partial<Record<FinalStatus, number>>;
}

/** A message as a client may see it. Timestamps are ISO-8601 (UTC). */
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

/** A page of GET /v1/messages: filters are ANDed; newest first by acceptance, then id. */
export interface ListFilter {
  status?: MessageStatus | undefined;
  to?: string | undefined;
  clientRef?: string | undefined;
  /** Epoch ms, inclusive. */
  since?: number | undefined;
  /** Epoch ms, exclusive. */
  until?: number | undefined;
  limit: number;
  /** Continue after this (acceptedAt ms, id): the last row of the previous page. */
  after?: { at: number; id: string } | undefined;
}

export interface ListPage {
  messages: MessageView[];
  /** The last row's position when there are more rows, else null. */
  next: { at: number; id: string } | null;
}

export interface StatusStore {
  /**
   * Applies a batch in ONE transaction. Idempotent (replays change nothing) and order-independent (submitted or
   * receipt before accepted; a receipt before its submitted is reported unmatched; accepted after final).
   * Never moves a message to a lower STATUS_RANK; the first final state wins.
   */
  apply(events: readonly StatusEvent[]): Promise<ApplyResult>;
  /** Keeps receipts that never matched a part after retries; recording the same receipt again is a no-op. */
  recordOrphanReceipts(events: readonly ReceiptEvent[]): Promise<void>;
  /** Null when absent or owned by another client (or not yet known to belong to this one). */
  getMessage(id: string, clientId: string): Promise<MessageView | null>;
  /** The client's messages (rows whose accepted event is recorded), one keyset page. */
  listMessages(clientId: string, filter: ListFilter): Promise<ListPage>;
  close(): Promise<void>;
}
