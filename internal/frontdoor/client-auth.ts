/**
 * API-key authentication shared by every transport: `Authorization: Bearer <apiKey>` resolves the client, with the
 * scopes of that key, or a 401. Keys come from the config (plain `apiKey`, or `apiKeyHash`) and from run-time keys
 * (`smsmesh keys create`, kept as hashes in a watched KV bucket).
 */
import type { Scope } from '../config/schema.js';
import { hashKind, sha256Hex, runtimeKeyId, verifyApiKey } from './api-key-hash.js';
import { problemReply, type Reply } from './reply.js';

/** The authenticated caller: a configured client, through one of its keys. */
export interface ApiClient {
  id: string;
  rateLimit: number;
  rateBurst?: number | undefined;
  dailyQuota?: number | undefined;
  scopes: readonly Scope[];
  /** Which key: `config:<client id>` for the configured key, else the run-time key's id (audit log, revocation). */
  keyId: string;
}

export interface ClientKeyConfig {
  id: string;
  apiKey?: string | undefined;
  apiKeyHash?: string | undefined;
  scopes?: readonly Scope[] | undefined;
  rateLimit: number;
  rateBurst?: number | undefined;
  dailyQuota?: number | undefined;
  allowedSenders?: readonly string[] | undefined;
}

/** A run-time key as stored: never the key itself. */
export interface RuntimeKeyRecord {
  id: string;
  client: string;
  scopes: Scope[];
  /** `sha256:<hex>` of the whole key. */
  hash: string;
  createdAt: string;
  createdBy: string;
}

/** The live set of run-time keys (a watched KV bucket); `onChange` fires after a key is added, changed or removed. */
export interface RuntimeKeySource {
  get(id: string): RuntimeKeyRecord | undefined;
  onChange(cb: (id: string) => void): void;
}

export type AuthResult = { ok: true; client: ApiClient } | { ok: false; reply: Reply };
export type Authenticate = (authorization: string | undefined) => AuthResult;

const BEARER = /^Bearer\s+(\S+)\s*$/i;
export const DEFAULT_SCOPES: readonly Scope[] = ['send', 'read'];

/** Keys that passed verification, as presented; beyond this many the oldest are forgotten (and verified again if seen). */
const MAX_VERIFIED = 10_000;

/**
 * Plain and sha256-hashed keys are looked up by their SHA-256 digest, so no comparison runs over the secret itself;
 * scrypt-hashed keys are tried one by one. A key that passed once is remembered as presented, which keeps hashing
 * (and scrypt above all) off the per-request path; the map is bounded, and a changed or revoked run-time key is
 * dropped from it at once.
 */
export function createClientAuth(clients: readonly ClientKeyConfig[], runtime?: RuntimeKeySource): Authenticate {
  const byId = new Map(clients.map((c) => [c.id, c] as const));
  const principal = (c: ClientKeyConfig, scopes: readonly Scope[], keyId: string): ApiClient => ({
    id: c.id,
    rateLimit: c.rateLimit,
    rateBurst: c.rateBurst,
    dailyQuota: c.dailyQuota,
    scopes,
    keyId,
  });
  const byDigest = new Map<string, ApiClient>();
  const scrypted: { hash: string; client: ApiClient }[] = [];
  for (const c of clients) {
    const p = principal(c, c.scopes ?? DEFAULT_SCOPES, `config:${c.id}`);
    if (c.apiKey !== undefined) byDigest.set(sha256Hex(c.apiKey), p);
    else if (c.apiKeyHash !== undefined && hashKind(c.apiKeyHash) === 'sha256') byDigest.set(c.apiKeyHash.slice('sha256:'.length), p);
    else if (c.apiKeyHash !== undefined) scrypted.push({ hash: c.apiKeyHash, client: p });
  }
  const verified = new Map<string, ApiClient>();
  runtime?.onChange((id) => {
    for (const [k, c] of verified) if (c.keyId === id) verified.delete(k);
  });

  function lookup(key: string): ApiClient | undefined {
    const rid = runtimeKeyId(key);
    if (rid !== undefined && runtime) {
      const rec = runtime.get(rid);
      const c = rec && byId.get(rec.client);
      return rec && c && verifyApiKey(key, rec.hash) ? principal(c, rec.scopes, rec.id) : undefined;
    }
    const hit = byDigest.get(sha256Hex(key));
    if (hit) return hit;
    return scrypted.find((s) => verifyApiKey(key, s.hash))?.client;
  }

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
        client = lookup(key);
        if (client !== undefined) {
          if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
          verified.set(key, client);
        }
      }
    }
    if (!client) return { ok: false, reply: problemReply('unauthorized', 'The API key is not valid.', {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }) };
    return { ok: true, client };
  };
}

/** A 403 when the key lacks `scope`, else undefined. */
export function missingScope(client: ApiClient, scope: Scope): Reply | undefined {
  if (client.scopes.includes(scope)) return undefined;
  return problemReply('forbidden', `This API key (client ${client.id}) lacks the "${scope}" scope; it has ${client.scopes.map((s) => `"${s}"`).join(', ')}.`, {
    requiredScope: scope,
  });
}
