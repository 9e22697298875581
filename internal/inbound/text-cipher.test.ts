import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseTextKeys } from '../config/load.js';
import { createTextCipher, TextKeyError } from './text-cipher.js';

const k1 = { id: 'k1', key: randomBytes(32).toString('base64') };
const k2 = { id: 'k2', key: randomBytes(32).toString('base64') };

describe('text cipher', () => {
  it('stores texts as they are without keys', () => {
    const c = createTextCipher([]);
    expect(c.seal('STOP')).toEqual({ text: 'STOP', keyId: null });
    expect(c.open({ text: 'STOP', keyId: null })).toBe('STOP');
  });

  it('round-trips UTF-8 text, with a fresh nonce each time', () => {
    const c = createTextCipher([k1]);
    const text = 'Привет 👋 € [ok]';
    const a = c.seal(text);
    const b = c.seal(text);
    expect(a.keyId).toBe('k1');
    expect(a.text).not.toContain('Привет');
    expect(a.text).not.toBe(b.text);
    expect(c.open(a)).toBe(text);
  });

  it('is AES-256-GCM as documented: nonce, ciphertext, tag; the key id as associated data', () => {
    const s = createTextCipher([k1]).seal('hello');
    const raw = Buffer.from(s.text, 'base64');
    const d = createDecipheriv('aes-256-gcm', Buffer.from(k1.key, 'base64'), raw.subarray(0, 12));
    d.setAAD(Buffer.from('k1'));
    d.setAuthTag(raw.subarray(raw.length - 16));
    expect(Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString()).toBe('hello');
  });

  it('rotates by adding a key: the newest seals, older rows still open', () => {
    const old = createTextCipher([k1]).seal('sealed under k1');
    const rotated = createTextCipher([k1, k2]);
    const fresh = rotated.seal('sealed under k2');
    expect(fresh.keyId).toBe('k2');
    expect(rotated.open(old)).toBe('sealed under k1');
    expect(rotated.open(fresh)).toBe('sealed under k2');
    // Once k1 is retired, its rows can no longer be read, and say why.
    expect(() => createTextCipher([k2]).open(old)).toThrow(/"k1" is not configured/);
  });

  it('refuses a tampered ciphertext or one moved under another key id', () => {
    const c = createTextCipher([k1, k2]);
    const s = c.seal('pay 10');
    const raw = Buffer.from(s.text, 'base64');
    raw[14] = raw[14]! ^ 1;
    expect(() => c.open({ text: raw.toString('base64'), keyId: 'k1' })).toThrow(TextKeyError);
    expect(() => c.open({ text: s.text, keyId: 'k1' })).toThrow(TextKeyError);
  });

  it('reads SMSMESH_TEXT_KEYS as id:base64key, and names what is wrong', () => {
    expect(parseTextKeys(`${k1.id}:${k1.key},${k2.id}:${k2.key}`)).toEqual({ ok: true, keys: [k1, k2] });
    expect(parseTextKeys(undefined)).toEqual({ ok: true, keys: [] });
    expect(parseTextKeys('k1:c2hvcnQ=')).toMatchObject({ ok: false, problem: expect.stringContaining('32 bytes') });
    expect(parseTextKeys(`k1:${k1.key},k1:${k2.key}`)).toMatchObject({ ok: false, problem: expect.stringContaining('twice') });
    expect(parseTextKeys('no-colon')).toMatchObject({ ok: false });
  });
});
