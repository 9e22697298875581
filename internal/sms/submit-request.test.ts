import { describe, expect, it } from 'vitest';
import { validateSubmit } from './submit-request.js';

const limits = { maxTextLength: 1600 };
const good = { to: '+447700900123', from: 'ACME', text: 'Hello' };

function fields(body: unknown): string[] {
  const r = validateSubmit(body, limits);
  return r.ok ? [] : r.problems.map((p) => p.field);
}

describe('validateSubmit', () => {
  it('accepts a good request', () => {
    expect(validateSubmit({ ...good, clientRef: 'order-42' }, limits)).toEqual({ ok: true, value: { ...good, encoding: 'auto', clientRef: 'order-42' } });
  });
  it('names every missing field', () => {
    expect(fields({})).toEqual(['to', 'from', 'text']);
  });
  it('rejects non-objects', () => {
    expect(fields([])).toEqual(['(body)']);
    expect(fields('x')).toEqual(['(body)']);
    expect(fields(null)).toEqual(['(body)']);
  });
  it('rejects non-E.164 destinations', () => {
    for (const to of ['447700900123', '+0447700900', '+44 7700 900123', '+1234', '+1234567890123456', 12345]) {
      expect(fields({ ...good, to })).toEqual(['to']);
    }
  });
  it('checks the sender', () => {
    expect(fields({ ...good, from: '+447700900999' })).toEqual([]);
    expect(fields({ ...good, from: 'TWELVECHARSX' })).toEqual(['from']);
    expect(fields({ ...good, from: '' })).toEqual(['from']);
    expect(fields({ ...good, from: 'A;DROP' })).toEqual(['from']);
  });
  it('rejects empty, over-long and control-character text', () => {
    expect(fields({ ...good, text: '' })).toEqual(['text']);
    expect(fields({ ...good, text: 'x'.repeat(1601) })).toEqual(['text']);
    expect(fields({ ...good, text: 'a\u0000b' })).toEqual(['text']);
    expect(fields({ ...good, text: 'bad \uD83D half' })).toEqual(['text']);
    expect(fields({ ...good, text: 'line\nbreak 😀' })).toEqual([]);
  });
  it('checks the encoding and binary hex content', () => {
    expect(fields({ ...good, encoding: 'latin1' })).toEqual([]);
    expect(fields({ ...good, encoding: 'ebcdic' })).toEqual(['encoding']);
    expect(fields({ ...good, encoding: 'binary', text: '0A0b' })).toEqual([]);
    expect(fields({ ...good, encoding: 'binary', text: 'abc' })).toEqual(['text']);
    expect(fields({ ...good, encoding: 'binary', text: 'zz' })).toEqual(['text']);
  });
  it('rejects unknown fields and bad clientRef', () => {
    expect(fields({ ...good, extra: 1 })).toEqual(['extra']);
    expect(fields({ ...good, clientRef: 'has space' })).toEqual(['clientRef']);
  });
});
