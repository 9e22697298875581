import { describe, expect, it } from 'vitest';
import { decodeUcs2, encodeUcs2, isHighSurrogate, isLowSurrogate, ucs2Units } from './ucs2.js';

describe('UCS-2', () => {
  it('encodes UTF-16BE', () => {
    expect(encodeUcs2('A€中').toString('hex')).toBe('004120ac4e2d');
    expect(encodeUcs2('😀').toString('hex')).toBe('d83dde00');
    expect(encodeUcs2('').length).toBe(0);
  });

  it('round-trips, and ignores an odd trailing octet', () => {
    const text = 'Привет, 世界 😀 ç';
    expect(decodeUcs2(encodeUcs2(text))).toBe(text);
    expect(decodeUcs2(Buffer.from([0x00, 0x41, 0x00]))).toBe('A');
  });

  it('does not modify the buffer it decodes', () => {
    const buf = encodeUcs2('AB');
    decodeUcs2(buf);
    expect(buf.toString('hex')).toBe('00410042');
  });

  it('counts code units: a surrogate pair is 2', () => {
    expect(ucs2Units('')).toBe(0);
    expect(ucs2Units('ç中')).toBe(2);
    expect(ucs2Units('😀')).toBe(2);
    expect(ucs2Units('👍🏽')).toBe(4);
  });

  it('classifies surrogates', () => {
    expect(isHighSurrogate(0xd83d)).toBe(true);
    expect(isLowSurrogate(0xde00)).toBe(true);
    expect(isHighSurrogate(0xde00)).toBe(false);
    expect(isLowSurrogate(0x41)).toBe(false);
  });
});

describe('surrogate ranges (Unicode: high D800–DBFF, low DC00–DFFF)', () => {
  it('includes both ends of each range and nothing next to them', () => {
    expect([0xd7ff, 0xd800, 0xdbff, 0xdc00].map(isHighSurrogate)).toEqual([false, true, true, false]);
    expect([0xdbff, 0xdc00, 0xdfff, 0xe000].map(isLowSurrogate)).toEqual([false, true, true, false]);
  });
});
