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

  it('refuses a value or a name with CR or LF, as nats.js does', () => {
    expect(() => headerBlock('a\r\nb')).toThrow(/CR or LF/);
    expect(() => headerBlock('x', { traceparent: 'v\nInjected: 1' })).toThrow(/CR or LF/);
    expect(() => headerBlock('x', { 'a\rb': 'v' })).toThrow(/CR or LF/);
    expect(() => headers().set('traceparent', 'v\nInjected: 1')).toThrow();
  });
});
