/**
 * Idempotency-Key semantics (IETF draft-ietf-httpapi-idempotency-key-header): the first request with a key claims it;
 * a repeat with the same body gets the first result, one with a different body is refused (422), and one that arrives
 * while the first is still being stored is told to retry (409). The port says what a store must guarantee.
 */
import { hash } from 'node:crypto';
import type { ContentEncoding } from '../sms/message.js';
import type { SubmitInput } from '../sms/submit-request.js';

/** What the first request was answered, kept to answer repeats identically. */
export interface StoredResult {
  id: string;
  status: 'accepted' | 'scheduled';
  carrier: string;
  segments: number;
  encoding: ContentEncoding;
  sendAt?: number | undefined;
}

export type IdempotencyClaim =
  /**
   * This request owns the key: store the message, then `settle` (or `release` when that failed). `prior` is set when
   * the key was taken over from an edge that died holding it: that edge may have stored the message and answered, so
   * the new owner stores it again exactly as recorded (same stream, carrier and sendAt, hence the same Nats-Msg-Id
   * deduplication) and answers what was recorded.
   */
  | { kind: 'owner'; revision: number; prior?: StoredResult | undefined }
  /** An earlier request with the same body was stored: answer its result. */
  | { kind: 'replay'; result: StoredResult }
  /** The key was used with a different body. */
  | { kind: 'mismatch' }
  /** An earlier request with this key is still being stored. */
  | { kind: 'in_flight' };

/**
 * Contract:
 * - `claim` MUST be atomic across every edge: of concurrent claims of one key, exactly one is `owner`.
 * - The claim records the answer its request will get once stored; from `settle` on, that record is the key's answer,
 *   remembered for at least the configured TTL across edge and NATS restarts. Settling writes nothing: the store
 *   must tell a settled claim from one still in flight by other means (kv-idempotency-store.ts asks its owner).
 * - A claim whose owner is gone without settling or releasing it MAY be taken over by a later claim with the same
 *   fingerprint; the new owner re-publishes with the same message id, which JetStream deduplicates.
 * - Any I/O failure is thrown; callers answer 503 and store nothing.
 */
export interface IdempotencyStore {
  claim(key: string, fingerprint: string, answer: StoredResult): Promise<IdempotencyClaim>;
  /** The owner's message is stored. */
  settle(key: string): void;
  /** The owner's message was not stored: the claim is withdrawn, so that a retry stores it. */
  release(key: string, revision: number): Promise<void>;
}

/**
 * The request's meaning, not its bytes: the same fields in another order or with other whitespace are the same
 * request; a different text, destination, time or validity is not.
 */
export function fingerprint(v: SubmitInput): string {
  const canonical = JSON.stringify([v.to, v.from, v.text, v.encoding, v.clientRef ?? null, v.sendAt ?? null, v.validity ?? null]);
  return hash('sha256', canonical, 'base64url');
}
