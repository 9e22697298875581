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

describe('validateSubmit: each problem says what to fix', () => {
  const problems = (body: unknown, max = 1600) => {
    const r = validateSubmit(body, { maxTextLength: max });
    return r.ok ? [] : r.problems.map((p) => `${p.field}: ${p.message}`);
  };

  it('missing, wrongly typed and malformed fields', () => {
    expect(problems('x')).toEqual([expect.stringMatching(/^\(body\): must be a JSON object/)]);
    expect(problems({})).toEqual(['to: is required', 'from: is required', 'text: is required']);
    expect(problems({ to: 1, from: 2, text: 3 })).toEqual(['to: must be a string', 'from: must be a string', 'text: must be a string']);
    expect(problems({ ...good, to: 'x+447700900123' })).toEqual([expect.stringMatching(/^to: must be an E\.164 number/)]);
    expect(problems({ ...good, extra: 1 })).toEqual([expect.stringMatching(/^extra: is not a known field/)]);
    expect(problems({ ...good, encoding: 'x' })).toEqual([expect.stringMatching(/^encoding: must be one of auto, gsm7, ucs2, latin1, binary/)]);
    expect(problems({ ...good, clientRef: ' ' })).toEqual([expect.stringMatching(/^clientRef: must be 1 to 64 printable ASCII/)]);
  });

  it('the sender: up to 15 digits (with or without +) or up to 11 alphanumerics', () => {
    expect(problems({ ...good, from: '447700900123' })).toEqual([]);
    expect(problems({ ...good, from: '123456789012345' })).toEqual([]);
    expect(problems({ ...good, from: '1234567890123456' })).toEqual([expect.stringMatching(/^from: must be a number of up to 15 digits or an alphanumeric sender/)]);
  });

  it('the text: empty, at and over the limit, not hex for binary, control characters, half a surrogate pair', () => {
    expect(problems({ ...good, text: '' })).toEqual(['text: must not be empty']);
    expect(problems({ ...good, text: 'x'.repeat(10) }, 10)).toEqual([]);
    expect(problems({ ...good, text: 'x'.repeat(11) }, 10)).toEqual(['text: is 11 characters; the limit is 10']);
    expect(problems({ ...good, encoding: 'binary', text: 'zz' })).toEqual([expect.stringMatching(/^text: must be hex/)]);
    expect(problems({ ...good, text: 'a\u0007' })).toEqual(['text: contains control characters']);
    expect(problems({ ...good, text: '\uDC00' })).toEqual([expect.stringMatching(/^text: contains an unpaired UTF-16 surrogate/)]);
  });

  it('takes every encoding the API names, written out', () => {
    for (const encoding of ['auto', 'gsm7', 'ucs2', 'latin1']) expect(problems({ ...good, encoding })).toEqual([]);
  });
});
