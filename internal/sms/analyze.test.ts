import { describe, expect, it } from 'vitest';
import { analyzeText, capacityFor, splitParts } from './analyze.js';

const a = (n: number) => 'a'.repeat(n);
const cjk = (n: number) => '中'.repeat(n);

describe('analyzeText', () => {
  it('reports empty text as 0 units in 1 segment', () => {
    expect(analyzeText('')).toEqual({ encoding: 'gsm7', units: 0, segments: 1 });
    expect(analyzeText('', { encoding: 'ucs2' })).toEqual({ encoding: 'ucs2', units: 0, segments: 1 });
  });

  it('picks gsm7 when every character is in the alphabet (extension included), else ucs2', () => {
    expect(analyzeText('@£¥€ÇΔ{}')).toEqual({ encoding: 'gsm7', units: 11, segments: 1 });
    expect(analyzeText('ça')).toEqual({ encoding: 'ucs2', units: 2, segments: 1 });
    expect(analyzeText('hi 😀')).toEqual({ encoding: 'ucs2', units: 5, segments: 1 });
  });

  it('honours a forced encoding, and refuses gsm7 for text outside it', () => {
    expect(analyzeText('abc', { encoding: 'ucs2' })).toEqual({ encoding: 'ucs2', units: 3, segments: 1 });
    expect(analyzeText('€', { encoding: 'gsm7' })).toEqual({ encoding: 'gsm7', units: 2, segments: 1 });
    expect(() => analyzeText('ç', { encoding: 'gsm7' })).toThrow(expect.objectContaining({ code: 'not_encodable' }));
  });

  it('GSM boundaries: 160 | 161, 153×2 | 153×2+1', () => {
    expect(analyzeText(a(160)).segments).toBe(1);
    expect(analyzeText(a(161)).segments).toBe(2);
    expect(analyzeText(a(306)).segments).toBe(2);
    expect(analyzeText(a(307)).segments).toBe(3);
    expect(analyzeText(a(153 * 255)).segments).toBe(255);
  });

  it('GSM: extension characters count 2 toward the single-segment limit', () => {
    expect(analyzeText(a(158) + '€')).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(analyzeText(a(159) + '€')).toEqual({ encoding: 'gsm7', units: 161, segments: 2 });
  });

  it('GSM: an escape pair is never split, so a part may carry 152 septets', () => {
    // Naively ceil(306 / 153) = 2; the euro cannot straddle parts 1 and 2, which pushes one septet into a third part.
    const text = a(152) + '€' + a(152);
    expect(analyzeText(text)).toEqual({ encoding: 'gsm7', units: 306, segments: 3 });
    expect(analyzeText(a(151) + '€' + a(153)).segments).toBe(2);
  });

  it('UCS-2 boundaries: 70 | 71, 67×2 | 67×2+1', () => {
    expect(analyzeText(cjk(70)).segments).toBe(1);
    expect(analyzeText(cjk(71)).segments).toBe(2);
    expect(analyzeText(cjk(134)).segments).toBe(2);
    expect(analyzeText(cjk(135)).segments).toBe(3);
  });

  it('UCS-2: an emoji counts 2 units and is never split, so a part may carry 66', () => {
    expect(analyzeText(cjk(68) + '😀')).toEqual({ encoding: 'ucs2', units: 70, segments: 1 });
    expect(analyzeText(cjk(69) + '😀').segments).toBe(2);
    expect(analyzeText(cjk(66) + '😀' + cjk(66))).toEqual({ encoding: 'ucs2', units: 134, segments: 3 });
    expect(analyzeText(cjk(65) + '😀' + cjk(67)).segments).toBe(2);
  });

  it('a single non-GSM character switches the whole text to UCS-2', () => {
    expect(analyzeText(a(100) + 'ç')).toEqual({ encoding: 'ucs2', units: 101, segments: 2 });
  });

  it('udh16 leaves one unit less per part', () => {
    expect(analyzeText(a(306)).segments).toBe(2);
    expect(analyzeText(a(306), { concat: 'udh16' }).segments).toBe(3);
    expect(analyzeText(a(304), { concat: 'udh16' }).segments).toBe(2);
    expect(analyzeText(cjk(133), { concat: 'udh16' }).segments).toBe(3);
    expect(analyzeText(a(306), { concat: 'sar' }).segments).toBe(2);
  });
});

describe('splitParts', () => {
  it('reports where each part starts', () => {
    const starts: number[] = [];
    expect(splitParts(a(152) + '€' + a(152), 'gsm7', 153, starts)).toBe(3);
    expect(starts).toEqual([0, 152, 304]);
  });

  it('treats a lone surrogate as one unit', () => {
    const starts: number[] = [];
    expect(splitParts('\ud83d' + cjk(67), 'ucs2', 67, starts)).toBe(2);
    expect(starts).toEqual([0, 67]);
  });

  it('capacities follow TS 23.040: 140 octets less the UDH', () => {
    expect(capacityFor('gsm7')).toEqual({ single: 160, perPart: 153 });
    expect(capacityFor('gsm7', 'udh16')).toEqual({ single: 160, perPart: 152 });
    expect(capacityFor('ucs2', 'payload')).toEqual({ single: 70, perPart: 67 });
    expect(capacityFor('octet', 'udh16')).toEqual({ single: 140, perPart: 133 });
  });
});

describe('splitParts in UCS-2: only a real surrogate pair is kept whole', () => {
  it('cuts BMP text at exactly 67 units', () => {
    const starts: number[] = [];
    expect(splitParts('Ж'.repeat(71), 'ucs2', 67, starts)).toBe(2);
    expect(starts).toEqual([0, 67]);
  });

  it('counts a lone high surrogate as one unit, not as a pair with the next character', () => {
    const starts: number[] = [];
    splitParts('Ж'.repeat(66) + '\uD800' + 'ЖЖЖ', 'ucs2', 67, starts);
    expect(starts).toEqual([0, 67]);
  });

  it('counts Latin-1 one octet a character (133 octets a part with a 16-bit reference)', () => {
    const starts: number[] = [];
    expect(splitParts('é'.repeat(135), 'latin1', 133, starts)).toBe(2);
    expect(starts).toEqual([0, 133]);
  });

  it('says why forced GSM fails', () => {
    expect(() => analyzeText('Ж', { encoding: 'gsm7' })).toThrow(/outside the GSM 7-bit alphabet/);
  });
});
