import { describe, expect, it } from 'vitest';
import { analyzeContent } from './content.js';

describe('analyzeContent', () => {
  it('picks GSM or UCS-2 automatically', () => {
    expect(analyzeContent('Hello €', 'auto', 'udh8')).toEqual({ ok: true, encoding: 'gsm7', segments: 1 });
    expect(analyzeContent('ça va? 😀', 'auto', 'udh8')).toEqual({ ok: true, encoding: 'ucs2', segments: 1 });
  });
  it('counts Latin-1 and binary in octets: 140 single, 134 per part', () => {
    expect(analyzeContent('é'.repeat(140), 'latin1', 'udh8')).toEqual({ ok: true, encoding: 'latin1', segments: 1 });
    expect(analyzeContent('é'.repeat(141), 'latin1', 'udh8')).toEqual({ ok: true, encoding: 'latin1', segments: 2 });
    expect(analyzeContent('ab'.repeat(140), 'binary', 'udh8')).toEqual({ ok: true, encoding: 'binary', segments: 1 });
    expect(analyzeContent('ab'.repeat(269), 'binary', 'udh8')).toEqual({ ok: true, encoding: 'binary', segments: 3 });
  });
  it('explains content that the requested encoding cannot carry', () => {
    expect(analyzeContent('€', 'latin1', 'udh8')).toMatchObject({ ok: false, reason: expect.stringMatching(/outside Latin-1/) });
    expect(analyzeContent('ç', 'gsm7', 'udh8')).toMatchObject({ ok: false, reason: expect.stringMatching(/outside the GSM 03\.38 alphabet/) });
  });
});
