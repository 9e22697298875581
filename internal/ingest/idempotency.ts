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
  /** This request owns the key: store the message, then `complete` (or `release` when that failed). */
  | { kind: 'owner'; revision: number }
  /** An earlier request with the same body was stored: answer its result. */
  | { kind: 'replay'; result: StoredResult }
  /** The key was used with a different body. */
  | { kind: 'mismatch' }
  /** An earlier request with this key is still being stored. */
  | { kind: 'in_flight' };

/**
 * Contract:
 * - `claim` MUST be atomic across every edge: of concurrent claims of one key, exactly one is `owner`.
 * - A key MUST be remembered for at least the configured TTL after `complete`, across edge and NATS restarts.
 * - A claim whose owner neither completed nor released it within the lease MAY be taken over by a later claim with the
 *   same fingerprint (its owner died); the new owner re-publishes with the same message id, which JetStream deduplicates.
 * - Any I/O failure is thrown; callers answer 503 and store nothing.
 */
export interface IdempotencyStore {
  claim(key: string, fingerprint: string): Promise<IdempotencyClaim>;
  complete(key: string, revision: number, fingerprint: string, result: StoredResult): Promise<void>;
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
