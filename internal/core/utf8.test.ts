import { describe, expect, it } from 'vitest';
import { decodeUtf8, invalidUtf8Offset } from './utf8.js';

const bytes = (...xs: number[]) => Uint8Array.from(xs);
const enc = (s: string) => new TextEncoder().encode(s);

describe('invalidUtf8Offset', () => {
  it('accepts valid text of every sequence length', () => {
    expect(invalidUtf8Offset(enc('a é € 😀 Привет'))).toBe(-1);
    expect(invalidUtf8Offset(new Uint8Array(0))).toBe(-1);
  });
  it('names the offset of the first bad byte', () => {
    expect(invalidUtf8Offset(bytes(0x61, 0x62, 0xff, 0x63))).toBe(2);
    expect(invalidUtf8Offset(Uint8Array.from([...enc('{"text":"caf'), 0xe9, ...enc('"}')]))).toBe(12);
  });
  it('refuses truncated, overlong, surrogate and out-of-range sequences', () => {
    expect(invalidUtf8Offset(bytes(0x61, 0xe2, 0x82))).toBe(1); // € cut short at the end
    expect(invalidUtf8Offset(bytes(0xe2, 0x41, 0xac))).toBe(0); // continuation missing
    expect(invalidUtf8Offset(bytes(0xc0, 0xaf))).toBe(0); // overlong "/"
    expect(invalidUtf8Offset(bytes(0xe0, 0x80, 0xaf))).toBe(0); // overlong, 3 bytes
    expect(invalidUtf8Offset(bytes(0x20, 0xed, 0xa0, 0x80))).toBe(1); // U+D800
    expect(invalidUtf8Offset(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0); // U+110000
    expect(invalidUtf8Offset(bytes(0x80))).toBe(0); // lone continuation
  });
  it('agrees with the platform decoder on random bytes', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 8) & 0xff;
    const dec = new TextDecoder('utf-8', { fatal: true });
    for (let n = 0; n < 3000; n++) {
      const b = Uint8Array.from({ length: 1 + (n % 12) }, () => (rnd() % 3 === 0 ? rnd() : 0x41 + (rnd() % 26)));
      let valid = true;
      try {
        dec.decode(b);
      } catch {
        valid = false;
      }
      const at = invalidUtf8Offset(b);
      expect(at === -1).toBe(valid);
      // Everything before the reported offset decodes.
      if (at > 0) expect(() => dec.decode(b.subarray(0, at))).not.toThrow();
    }
  });
});

describe('decodeUtf8', () => {
  it('decodes valid text and reports the offset of invalid bytes', () => {
    expect(decodeUtf8(enc('héllo'))).toEqual({ ok: true, text: 'héllo' });
    expect(decodeUtf8(bytes(0x68, 0x69, 0xfe))).toEqual({ ok: false, offset: 2 });
  });
});
