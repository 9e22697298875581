/**
 * API keys stored as hashes: `sha256:<hex>` (for high-entropy keys such as the generated ones, where a slow hash
 * adds nothing) and `scrypt:<salt hex>:<hex>` (for keys a person chose). Run-time keys look like
 * `smk_<id>_<secret>`, so their record is found by id before the one hash comparison.
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** scrypt cost: N=2^14, r=8, p=1 (Node's defaults), 32-byte output; about 50 ms per check, paid once per key thanks to the cache. */
const SCRYPT_KEYLEN = 32;

export type HashKind = 'sha256' | 'scrypt';

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function hashKind(hash: string): HashKind | undefined {
  if (/^sha256:[0-9a-f]{64}$/.test(hash)) return 'sha256';
  if (/^scrypt:[0-9a-f]{16,64}:[0-9a-f]{64}$/.test(hash)) return 'scrypt';
  return undefined;
}

export function hashApiKey(key: string, kind: HashKind = 'sha256'): string {
  if (kind === 'sha256') return `sha256:${sha256Hex(key)}`;
  const salt = randomBytes(16);
  return `scrypt:${salt.toString('hex')}:${scryptSync(key, salt, SCRYPT_KEYLEN).toString('hex')}`;
}

/** Whether `key` matches `hash`; constant time in the compared digest. */
export function verifyApiKey(key: string, hash: string): boolean {
  const parts = hash.split(':');
  let want: Buffer;
  let got: Buffer;
  if (parts[0] === 'sha256' && parts.length === 2) {
    want = Buffer.from(parts[1]!, 'hex');
    got = createHash('sha256').update(key).digest();
  } else if (parts[0] === 'scrypt' && parts.length === 3) {
    want = Buffer.from(parts[2]!, 'hex');
    got = scryptSync(key, Buffer.from(parts[1]!, 'hex'), SCRYPT_KEYLEN);
  } else {
    return false;
  }
  return want.length === got.length && timingSafeEqual(want, got);
}

const RUNTIME_KEY = /^smk_([0-9a-f]{12})_[0-9A-Za-z_-]{32,}$/;

/** The id of a run-time key (`smk_<id>_<secret>`), or undefined for any other key. */
export function runtimeKeyId(key: string): string | undefined {
  return RUNTIME_KEY.exec(key)?.[1];
}

/** A new run-time key: 48 bits of id (the KV key), 256 bits of secret. */
export function generateRuntimeKey(): { id: string; key: string } {
  const id = randomBytes(6).toString('hex');
  return { id, key: `smk_${id}_${randomBytes(32).toString('base64url')}` };
}
