import { describe, expect, it } from 'vitest';
import { generateRuntimeKey, hashApiKey, runtimeKeyId, verifyApiKey } from './api-key-hash.js';
import { createClientAuth, missingScope, type RuntimeKeyRecord, type RuntimeKeySource } from './client-auth.js';

const bearer = (k: string) => `Bearer ${k}`;

function runtimeKeys(): RuntimeKeySource & { put(r: RuntimeKeyRecord): void; remove(id: string): void } {
  const keys = new Map<string, RuntimeKeyRecord>();
  const listeners: ((id: string) => void)[] = [];
  return {
    get: (id) => keys.get(id),
    onChange: (cb) => void listeners.push(cb),
    put(r) {
      keys.set(r.id, r);
      for (const l of listeners) l(r.id);
    },
    remove(id) {
      keys.delete(id);
      for (const l of listeners) l(id);
    },
  };
}

describe('API key hashes', () => {
  it('verifies sha256 and scrypt hashes, and nothing else', () => {
    for (const kind of ['sha256', 'scrypt'] as const) {
      const h = hashApiKey('a-key-of-some-length', kind);
      expect(h.startsWith(`${kind}:`)).toBe(true);
      expect(verifyApiKey('a-key-of-some-length', h)).toBe(true);
      expect(verifyApiKey('a-key-of-some-lengtH', h)).toBe(false);
    }
    expect(verifyApiKey('x', 'md5:abc')).toBe(false);
  });

  it('generates run-time keys whose id can be read back', () => {
    const a = generateRuntimeKey();
    const b = generateRuntimeKey();
    expect(a.id).not.toBe(b.id);
    expect(runtimeKeyId(a.key)).toBe(a.id);
    expect(runtimeKeyId('plain-config-key-0123456789')).toBeUndefined();
  });
});

describe('client auth', () => {
  it('accepts plain, sha256-hashed and scrypt-hashed configured keys with the client\'s scopes', () => {
    const auth = createClientAuth([
      { id: 'plain', apiKey: 'plain-key-0123456789abcdef', rateLimit: 5 },
      { id: 'hashed', apiKeyHash: hashApiKey('hashed-key-0123456789abcdef'), scopes: ['read'], rateLimit: 0 },
      { id: 'slow', apiKeyHash: hashApiKey('slow-key-0123456789abcdef', 'scrypt'), scopes: ['admin'], rateLimit: 0 },
    ]);
    expect(auth(bearer('plain-key-0123456789abcdef'))).toMatchObject({ ok: true, client: { id: 'plain', rateLimit: 5, scopes: ['send', 'read'], keyId: 'config:plain' } });
    expect(auth(bearer('hashed-key-0123456789abcdef'))).toMatchObject({ ok: true, client: { id: 'hashed', scopes: ['read'] } });
    expect(auth(bearer('slow-key-0123456789abcdef'))).toMatchObject({ ok: true, client: { id: 'slow', scopes: ['admin'] } });
    // remembered: the second time costs no scrypt, and answers the same
    expect(auth(bearer('slow-key-0123456789abcdef'))).toMatchObject({ ok: true, client: { id: 'slow' } });
    const bad = auth(bearer('nobody-0123456789abcdef'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reply.status).toBe(401);
    expect(auth(undefined).ok).toBe(false);
  });

  it('accepts a run-time key while its record exists, with the key\'s own scopes, and refuses it once revoked', () => {
    const keys = runtimeKeys();
    const auth = createClientAuth([{ id: 'ops', rateLimit: 0 }], keys);
    const { id, key } = generateRuntimeKey();
    expect(auth(bearer(key)).ok).toBe(false);
    keys.put({ id, client: 'ops', scopes: ['admin', 'read'], hash: hashApiKey(key), createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'test' });
    expect(auth(bearer(key))).toMatchObject({ ok: true, client: { id: 'ops', scopes: ['admin', 'read'], keyId: id } });
    keys.remove(id);
    expect(auth(bearer(key)).ok).toBe(false);
  });

  it('refuses a run-time key whose secret part is wrong, or whose client is not configured', () => {
    const keys = runtimeKeys();
    const auth = createClientAuth([{ id: 'ops', rateLimit: 0 }], keys);
    const { id, key } = generateRuntimeKey();
    keys.put({ id, client: 'ops', scopes: ['send'], hash: hashApiKey(key), createdAt: '', createdBy: '' });
    expect(auth(bearer(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).ok).toBe(false);
    const other = generateRuntimeKey();
    keys.put({ id: other.id, client: 'gone', scopes: ['send'], hash: hashApiKey(other.key), createdAt: '', createdBy: '' });
    expect(auth(bearer(other.key)).ok).toBe(false);
  });

  it('answers 403 naming the missing scope', () => {
    const r = missingScope({ id: 'c', rateLimit: 0, scopes: ['read'], keyId: 'config:c' }, 'admin');
    expect(r?.status).toBe(403);
    expect((r?.body as { detail: string }).detail).toContain('"admin"');
    expect(missingScope({ id: 'c', rateLimit: 0, scopes: ['read', 'admin'], keyId: 'k' }, 'admin')).toBeUndefined();
  });
});
