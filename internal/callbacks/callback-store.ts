/** The callback worker's port to the database: the messages changes are about, failed callbacks, disabled endpoints. */
import type { CallbackJob, StatusChange } from '../bus/codec-changes.js';
import type { ChangedMessage } from './status-payload.js';

export interface FailedCallback {
  webhookId: string;
  type: string;
  ref: string;
  url: string;
  attempts: number;
  lastError: string;
  /** ISO-8601. */
  failedAt: string;
  /** The signed body as it was sent. */
  body: string;
}

export interface FailedPage {
  callbacks: FailedCallback[];
  /** Where the next page starts, or null on the last. */
  next: { at: string; id: string } | null;
}

export interface CallbackStore {
  /** The message each change is about, by the change's index; a change whose message is not found is absent. */
  resolveChanges(changes: readonly StatusChange[]): Promise<Map<number, ChangedMessage>>;
  /** Records a callback that failed for good; recording it again replaces the earlier record. */
  recordFailure(job: CallbackJob, lastError: string, at: number): Promise<void>;
  /** The client's failed callbacks not yet replayed, newest first. */
  listFailures(clientId: string, limit: number, after?: { at: string; id: string }): Promise<FailedPage>;
  /**
   * Marks the client's failed callback replayed and switches its endpoint on again; the callback to send again, or
   * null when there is no such failure (or it was replayed already).
   */
  takeForReplay(clientId: string, webhookId: string): Promise<FailedCallback | null>;
  /** Keeps a callback until `job.due` (epoch ms); parking the same key again changes nothing. */
  park(key: string, job: CallbackJob): Promise<void>;
  /** Up to `limit` parked callbacks due by `now`, oldest first; they stay parked until `unpark`. */
  dueParked(now: number, limit: number): Promise<{ key: string; job: CallbackJob }[]>;
  unpark(keys: readonly string[]): Promise<void>;
  disableEndpoint(url: string, clientId: string, reason: string, at: number): Promise<void>;
  disabledEndpoints(): Promise<Set<string>>;
}
