import { headers } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { headerBlock } from './wire-headers.js';

/** Both blocks as nats-core's publish uses them (its header object's encode() is not in the public type). */
const encoded = (h: unknown): string => Buffer.from((h as { encode(): Uint8Array }).encode()).toString();

/** The block nats.js itself would write for the same fields, in the same order. */
function clientBlock(msgID: string, extra: Record<string, string> = {}): string {
  const h = headers();
  for (const k in extra) h.set(k, extra[k]!);
  if (msgID !== '') h.set('Nats-Msg-Id', msgID);
  return encoded(h);
}

describe('headerBlock', () => {
  it('writes the bytes nats.js writes for the same headers', () => {
    const cases: [string, Record<string, string>?][] = [
      ['0190a0b0-0000-7000-8000-000000000001'],
      ['m1', { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }],
      ['', { 'Nats-Expected-Last-Subject-Sequence': '0' }],
      ['', { 'Nats-Expected-Last-Subject-Sequence': '17', 'X-Other': '  padded value  ' }],
      ['id-ü', { note: 'naïve' }],
    ];
    for (const [id, extra] of cases) {
      expect(encoded(headerBlock(id, extra)), id).toBe(clientBlock(id, extra));
    }
  });

  it('is no block at all when there is no header (a plain PUB)', () => {
    expect(headerBlock('')).toBeUndefined();
    expect(headerBlock('', {})).toBeUndefined();
  });

  it('refuses what nats.js refuses: a value with CR or LF, a name with a colon, a space or a byte beyond ASCII', () => {
    expect(() => headerBlock('a\r\nb')).toThrow(/CR or LF/);
    for (const [name, value] of [
      ['traceparent', 'v\nInjected: 1'],
      ['a\rb', 'v'],
      ['a:b', 'v'],
      ['a b', 'v'],
      ['naïve', 'v'],
      ['', 'v'],
    ] as const) {
      expect(() => headerBlock('x', { [name]: value }), name).toThrow(TypeError);
      if (name !== '') expect(() => headers().set(name, value), `nats.js: ${name}`).toThrow();
    }
    expect(() => headerBlock('x', { 'X-Ok_1.2~!': 'v' })).not.toThrow();
  });
});
