/**
 * Encryption at rest of stored texts: AES-256-GCM under keys from the environment (SMSMESH_TEXT_KEYS). Each stored
 * text carries the id of the key that sealed it, so keys rotate by adding one: the newest (last) seals, every one
 * still configured opens. Without keys texts are stored as they are (key id null).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../core/errors.js';

export interface SealedText {
  /** base64 of nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes); the plain text when keyId is null. */
  text: string;
  keyId: string | null;
}

export interface TextCipher {
  seal(plain: string): SealedText;
  /** Throws TextKeyError when the row's key is no longer configured or the ciphertext does not verify. */
  open(s: SealedText): string;
}

export class TextKeyError extends AppError {
  override readonly name = 'TextKeyError';
  constructor(message: string) {
    super('TEXT_KEY', message);
  }
}

const NONCE = 12;
const TAG = 16;

export function createTextCipher(keys: readonly { id: string; key: string }[]): TextCipher {
  const byId = new Map(keys.map((k) => [k.id, Buffer.from(k.key, 'base64')] as const));
  for (const [id, k] of byId) if (k.length !== 32) throw new TextKeyError(`text key "${id}" is not 32 bytes`);
  const sealer = keys[keys.length - 1];
  return {
    seal(plain) {
      if (!sealer) return { text: plain, keyId: null };
      const nonce = randomBytes(NONCE);
      const c = createCipheriv('aes-256-gcm', byId.get(sealer.id)!, nonce);
      // The key id is authenticated too: a ciphertext moved to a row naming another key fails to open.
      c.setAAD(Buffer.from(sealer.id));
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return { text: Buffer.concat([nonce, body, c.getAuthTag()]).toString('base64'), keyId: sealer.id };
    },
    open(s) {
      if (s.keyId === null) return s.text;
      const key = byId.get(s.keyId);
      if (!key) throw new TextKeyError(`text key "${s.keyId}" is not configured (SMSMESH_TEXT_KEYS)`);
      const raw = Buffer.from(s.text, 'base64');
      if (raw.length < NONCE + TAG) throw new TextKeyError('sealed text is too short');
      const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE));
      d.setAAD(Buffer.from(s.keyId));
      d.setAuthTag(raw.subarray(raw.length - TAG));
      try {
        return Buffer.concat([d.update(raw.subarray(NONCE, raw.length - TAG)), d.final()]).toString('utf8');
      } catch {
        throw new TextKeyError(`sealed text does not verify under key "${s.keyId}"`);
      }
    },
  };
}
