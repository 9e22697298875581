import { hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './test-prng.js';
import { idempotentMessageId, MESSAGE_ID_RE, newMessageId } from './ids.js';

/** The derivation as specified: SHA-256 of client, NUL, key; the first 16 bytes; version 8; variant 10. */
function reference(clientId: string, key: string): string {
  const b = hash('sha256', `${clientId}\0${key}`, 'buffer');
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const x = b.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

describe('idempotentMessageId', () => {
  it('gives the ids earlier releases gave: a key keeps its id across a rolling upgrade (JetStream deduplicates by it)', () => {
    expect(idempotentMessageId('billing', 'order-1')).toBe('6a4c5c6d-d5c8-889d-9422-999764c15c8a');
    expect(idempotentMessageId('test-client', 'k')).toBe('d9c0235f-2240-87bc-80ac-fb4cc15c2860');
    expect(idempotentMessageId('a', 'ü-key-🙂')).toBe('0da23953-edae-8baa-9096-7a883b9aa08f');
    expect(idempotentMessageId('bench', '')).toBe('1cbd2ca5-5bfd-88e3-b645-ad494fe5c83d');
  });

  it('follows the derivation for any client and key, and is a message id', () => {
    const rnd = seededRandom(9562);
    for (let n = 0; n < 5000; n++) {
      const c = Math.floor(rnd() * 1e9).toString(36);
      const k = Array.from({ length: Math.floor(rnd() * 40) }, () => String.fromCharCode(32 + Math.floor(rnd() * 500))).join('');
      const id = idempotentMessageId(c, k);
      expect(id).toBe(reference(c, k));
      expect(id).toMatch(MESSAGE_ID_RE);
      expect('89ab').toContain(id[19]!);
      expect(id[14]).toBe('8');
    }
  });
});

describe('newMessageId', () => {
  it('is a UUIDv7 in time order', () => {
    const a = newMessageId(1_767_225_600_000);
    const b = newMessageId(1_767_225_600_001);
    expect(a).toMatch(MESSAGE_ID_RE);
    expect(a[14]).toBe('7');
    expect(a.slice(0, 13) < b.slice(0, 13)).toBe(true);
    expect(newMessageId(1_767_225_600_000)).not.toBe(a);
  });
});
