/**
 * Standard Webhooks signing: `webhook-signature` is `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed
 * with the base64-decoded bytes after `whsec_`; with several secrets every one signs, space-separated, so a receiver
 * that knows any of them accepts the callback (rotation without a gap).
 */
import { createHmac } from 'node:crypto';

const PREFIX = 'whsec_';

/** The key bytes of a `whsec_…` secret (a secret without the prefix is taken as base64 too, as the spec's libraries do). */
export function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}

/** One `v1,<base64>` signature. `timestamp` is in seconds since the epoch. */
export function signOne(key: Buffer, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  /** Absent only for a client without webhookSecrets (its receiver cannot verify anything). */
  'webhook-signature'?: string;
}

/** The headers of one attempt: the id stays across retries, the timestamp and signatures are fresh. */
export function webhookHeaders(keys: readonly Buffer[], id: string, timestamp: number, body: string): WebhookHeaders {
  const h: WebhookHeaders = { 'webhook-id': id, 'webhook-timestamp': String(timestamp) };
  if (keys.length > 0) h['webhook-signature'] = keys.map((k) => signOne(k, id, timestamp, body)).join(' ');
  return h;
}
