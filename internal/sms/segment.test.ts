import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/test-prng.js';
import { analyzeText, capacityFor } from './analyze.js';
import { decodeGsm7 } from './gsm7.js';
import { segmentBinary, segmentText, type ConcatMethod, type SubmitPart } from './segment.js';
import { decodeUcs2 } from './ucs2.js';

const a = (n: number) => 'a'.repeat(n);
const cjk = (n: number) => '中'.repeat(n);
const hex = (b: Buffer) => b.toString('hex').toUpperCase();

/** Part content after any UDH. */
function body(p: SubmitPart): Buffer {
  return p.esmClass & 0x40 ? p.shortMessage.subarray((p.shortMessage[0] ?? 0) + 1) : p.shortMessage;
}

describe('segmentText: single part', () => {
  it('sends short GSM text without UDH or SAR, one septet per octet, data_coding 0', () => {
    const { encoding, parts } = segmentText('Hi @ 5€', { reference: 1 });
    expect(encoding).toBe('gsm7');
    expect(parts).toEqual([{ shortMessage: Buffer.from([0x48, 0x69, 0x20, 0x00, 0x20, 0x35, 0x1b, 0x65]), dataCoding: 0, esmClass: 0 }]);
  });

  it('labels GSM text with gsmDataCoding', () => {
    expect(segmentText('hi', { reference: 1, gsmDataCoding: 1 }).parts[0]?.dataCoding).toBe(1);
    expect(() => segmentText('hi', { reference: 1, gsmDataCoding: 256 })).toThrow(RangeError);
  });

  it('fits 160 GSM septets in one part and packs them into 140 octets when asked', () => {
    expect(segmentText(a(160), { reference: 1 }).parts[0]?.shortMessage.length).toBe(160);
    const packed = segmentText('hellohello', { reference: 1, gsm7Packed: true }).parts;
    expect(packed.map((p) => hex(p.shortMessage))).toEqual(['E8329BFD4697D9EC37']);
    expect(segmentText(a(160), { reference: 1, gsm7Packed: true }).parts[0]?.shortMessage.length).toBe(140);
  });

  it('sends UCS-2 as UTF-16BE with data_coding 8', () => {
    const { encoding, parts } = segmentText('ç😀', { reference: 1 });
    expect(encoding).toBe('ucs2');
    expect(parts).toEqual([{ shortMessage: Buffer.from('00e7d83dde00', 'hex'), dataCoding: 8, esmClass: 0 }]);
  });

  it('sends empty text as one empty part', () => {
    expect(segmentText('', { reference: 1 }).parts).toEqual([{ shortMessage: Buffer.alloc(0), dataCoding: 0, esmClass: 0 }]);
  });

  it('gives single-part text no SAR and no message_payload whatever the concat method', () => {
    for (const concat of ['udh8', 'udh16', 'sar', 'payload'] as const) {
      const parts = segmentText('hello', { reference: 1, concat }).parts;
      expect(parts).toEqual([{ shortMessage: Buffer.from('hello'), dataCoding: 0, esmClass: 0 }]);
    }
  });
});

describe('segmentText: encodings', () => {
  it('forces ucs2 on GSM text and refuses gsm7 for text outside the alphabet', () => {
    expect(segmentText('abc', { reference: 1, encoding: 'ucs2' }).parts[0]?.dataCoding).toBe(8);
    expect(() => segmentText('ça', { reference: 1, encoding: 'gsm7' })).toThrow(expect.objectContaining({ code: 'not_encodable' }));
  });

  it('sends latin1 as one octet per character, data_coding 3', () => {
    const { encoding, parts } = segmentText('café ç', { reference: 1, encoding: 'latin1' });
    expect(encoding).toBe('latin1');
    expect(parts).toEqual([{ shortMessage: Buffer.from('636166e920e7', 'hex'), dataCoding: 3, esmClass: 0 }]);
  });

  it('refuses latin1 for characters above U+00FF', () => {
    expect(() => segmentText('5€', { reference: 1, encoding: 'latin1' })).toThrow(expect.objectContaining({ code: 'not_encodable' }));
    expect(() => segmentText('😀', { reference: 1, encoding: 'latin1' })).toThrow(/index 0/);
  });

  it('splits latin1 by octets: 140 single, 134 per part', () => {
    expect(segmentText('é'.repeat(140), { reference: 1, encoding: 'latin1' }).parts).toHaveLength(1);
    const parts = segmentText('é'.repeat(141), { reference: 1, encoding: 'latin1' }).parts;
    expect(parts.map((p) => body(p).length)).toEqual([134, 7]);
  });
});

describe('segmentText: concatenation', () => {
  it('udh8: 05 00 03 ref total seq, UDHI set, one reference for all parts, in order', () => {
    const { parts } = segmentText(a(307), { reference: 0xab });
    expect(parts).toHaveLength(3);
    parts.forEach((p, i) => {
      expect(hex(p.shortMessage.subarray(0, 6))).toBe(`050003AB03${hex(Buffer.from([i + 1]))}`);
      expect(p.esmClass).toBe(0x40);
      expect(p.dataCoding).toBe(0);
      expect(p.sar).toBeUndefined();
    });
    expect(parts.map((p) => body(p).length)).toEqual([153, 153, 1]);
  });

  it('udh16: 06 08 04 refHi refLo total seq, 152 septets per part', () => {
    const { parts } = segmentText(a(305), { reference: 0x1234, concat: 'udh16' });
    expect(parts.map((p) => hex(p.shortMessage.subarray(0, 7)))).toEqual(['060804123403' + '01', '06080412340302', '06080412340303']);
    expect(parts.map((p) => body(p).length)).toEqual([152, 152, 1]);
  });

  it('sar: no UDH, SAR fields on every part', () => {
    const { parts } = segmentText(cjk(100), { reference: 300, concat: 'sar' });
    expect(parts.map((p) => p.sar)).toEqual([
      { refNum: 300, total: 2, seq: 1 },
      { refNum: 300, total: 2, seq: 2 },
    ]);
    expect(parts.map((p) => [p.esmClass, p.dataCoding, p.shortMessage.length])).toEqual([
      [0, 8, 134],
      [0, 8, 66],
    ]);
  });

  it('payload: one part with empty short_message and the whole text in message_payload', () => {
    const text = a(200) + '€';
    const parts = segmentText(text, { reference: 1, concat: 'payload' }).parts;
    expect(parts).toHaveLength(1);
    expect(parts[0]?.shortMessage.length).toBe(0);
    expect(parts[0]?.esmClass).toBe(0);
    expect(parts[0]?.messagePayload?.length).toBe(202);
    expect(decodeGsm7(parts[0]?.messagePayload ?? Buffer.alloc(0))).toBe(text);
  });

  it('payload: refuses more than 65535 octets', () => {
    expect(() => segmentText(cjk(32768), { reference: 1, concat: 'payload' })).toThrow(expect.objectContaining({ code: 'too_long' }));
  });

  it('never splits an escape pair: the part before it carries 152 septets', () => {
    const { parts } = segmentText(a(152) + '€' + a(10), { reference: 7 });
    expect(parts.map((p) => body(p).length)).toEqual([152, 12]);
    expect(hex(body(parts[1] as SubmitPart).subarray(0, 2))).toBe('1B65');
  });

  it('never splits a surrogate pair: the part before it carries 66 units', () => {
    const { parts } = segmentText(cjk(66) + '😀' + cjk(4), { reference: 7 });
    expect(parts.map((p) => body(p).length)).toEqual([132, 12]);
    expect(decodeUcs2(body(parts[1] as SubmitPart))).toBe('😀' + cjk(4));
  });

  it('packed GSM after an 8-bit UDH uses 1 fill bit and fills 140 octets', () => {
    const { parts } = segmentText(a(200), { reference: 0x3a, gsm7Packed: true });
    const first = parts[0] as SubmitPart;
    expect(first.shortMessage.length).toBe(140);
    expect(hex(first.shortMessage.subarray(0, 6))).toBe('0500033A0201');
    expect(decodeGsm7(first.shortMessage.subarray(6), { packed: true, fillBits: 1, count: 153 })).toBe(a(153));
    const second = parts[1] as SubmitPart;
    expect(second.shortMessage.length).toBe(6 + Math.ceil((1 + 47 * 7) / 8));
    expect(decodeGsm7(second.shortMessage.subarray(6), { packed: true, fillBits: 1, count: 47 })).toBe(a(47));
  });

  it('packed GSM after a 16-bit UDH needs no fill bits and fills 140 octets', () => {
    const { parts } = segmentText(a(300), { reference: 1, gsm7Packed: true, concat: 'udh16' });
    expect(parts[0]?.shortMessage.length).toBe(140);
    expect(decodeGsm7((parts[0] as SubmitPart).shortMessage.subarray(7), { packed: true, fillBits: 0, count: 152 })).toBe(a(152));
  });

  it('checks the reference range for the concat method, even for single-part text', () => {
    expect(() => segmentText('hi', { reference: 256 })).toThrow(RangeError);
    expect(() => segmentText('hi', { reference: -1, concat: 'udh16' })).toThrow(RangeError);
    expect(() => segmentText('hi', { reference: 1.5, concat: 'sar' })).toThrow(RangeError);
    expect(() => segmentText('hi', { reference: 65536, concat: 'sar' })).toThrow(RangeError);
    expect(segmentText(a(200), { reference: 65535, concat: 'udh16' }).parts[0]?.shortMessage.subarray(3, 5)).toEqual(Buffer.from([0xff, 0xff]));
  });

  it('refuses more than 255 parts', () => {
    expect(segmentText(a(153 * 255), { reference: 1 }).parts).toHaveLength(255);
    expect(() => segmentText(a(153 * 255 + 1), { reference: 1 })).toThrow(expect.objectContaining({ code: 'too_long' }));
  });

  it('keeps every short_message within 254 octets', () => {
    for (const text of [a(2000), cjk(2000), '€'.repeat(1000)]) {
      for (const concat of ['udh8', 'udh16', 'sar'] as const) {
        for (const p of segmentText(text, { reference: 1, concat }).parts) expect(p.shortMessage.length).toBeLessThanOrEqual(254);
      }
    }
  });
});

describe('segmentBinary', () => {
  it('sends up to 140 octets in one part with data_coding 4', () => {
    expect(segmentBinary(Buffer.alloc(140, 1), { reference: 1 })).toEqual([{ shortMessage: Buffer.alloc(140, 1), dataCoding: 4, esmClass: 0 }]);
  });

  it('splits 134 octets per part behind an 8-bit UDH', () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));
    const parts = segmentBinary(data, { reference: 9 });
    expect(parts.map((p) => [hex(p.shortMessage.subarray(0, 6)), body(p).length, p.esmClass, p.dataCoding])).toEqual([
      ['050003090301', 134, 0x40, 4],
      ['050003090302', 134, 0x40, 4],
      ['050003090303', 32, 0x40, 4],
    ]);
    expect(Buffer.concat(parts.map(body))).toEqual(data);
  });

  it('splits 133 per part with udh16, 134 with sar, one message_payload with payload', () => {
    const data = Buffer.alloc(141, 7);
    expect(segmentBinary(data, { reference: 1, concat: 'udh16' }).map((p) => body(p).length)).toEqual([133, 8]);
    const sar = segmentBinary(data, { reference: 1, concat: 'sar' });
    expect(sar.map((p) => [p.shortMessage.length, p.sar?.seq, p.sar?.total])).toEqual([
      [134, 1, 2],
      [7, 2, 2],
    ]);
    const payload = segmentBinary(data, { reference: 1, concat: 'payload' });
    expect(payload).toEqual([{ shortMessage: Buffer.alloc(0), dataCoding: 4, esmClass: 0, messagePayload: data }]);
  });

  it('does not share memory with the caller for a single part', () => {
    const data = Buffer.from([1, 2, 3]);
    const [part] = segmentBinary(data, { reference: 1 });
    data[0] = 9;
    expect(part?.shortMessage[0]).toBe(1);
  });
});

/** Deterministic PRNG so a failing case can be replayed. */

describe('analyzeText agrees with segmentText (property)', () => {
  const gsmBasic = ['a', 'Z', ' ', '@', '0', 'é', 'Ç', 'Δ', '\n', '£', '¥'];
  const gsmExt = ['€', '{', '}', '[', ']', '^', '~', '|', '\\', '\f'];
  const other = ['ç', '中', 'й', '😀', '👍🏽', '\ud83d'];

  function randomText(rnd: () => number): string {
    // Lengths cluster around the segment boundaries, where disagreements would show.
    const targets = [0, 5, 66, 70, 134, 152, 160, 201, 306, 459, 600];
    const base = targets[Math.floor(rnd() * targets.length)] ?? 0;
    const len = Math.max(0, base + Math.floor(rnd() * 9) - 4);
    const gsmOnly = rnd() < 0.5;
    const extRate = rnd() * 0.3;
    let s = '';
    while (s.length < len) {
      const r = rnd();
      const pool = r < extRate ? gsmExt : !gsmOnly && r > 0.97 ? other : gsmBasic;
      s += pool[Math.floor(rnd() * pool.length)] ?? 'a';
    }
    return s;
  }

  function isPairStart(ucs2: Buffer): boolean {
    return ucs2.length >= 4 && (ucs2.readUInt16BE(0) & 0xfc00) === 0xd800 && (ucs2.readUInt16BE(2) & 0xfc00) === 0xdc00;
  }

  function decodeBody(p: SubmitPart, encoding: string): string {
    return encoding === 'gsm7' ? decodeGsm7(body(p)) : decodeUcs2(body(p));
  }

  it('for 2,000 random strings, with every concat method', () => {
    const rnd = seededRandom(0x5eed);
    for (let n = 0; n < 2000; n++) {
      const text = randomText(rnd);
      const concat = (['udh8', 'udh16', 'sar'] as const)[n % 3] as ConcatMethod;
      const analysis = analyzeText(text, { concat });
      const { encoding, parts } = segmentText(text, { reference: n & 0xff, concat });
      const ctx = `case ${n} (${concat}): ${JSON.stringify(text)}`;
      expect(encoding, ctx).toBe(analysis.encoding);
      expect(parts.length, ctx).toBe(analysis.segments);

      const cap = capacityFor(encoding === 'gsm7' ? 'gsm7' : 'ucs2', concat);
      const limit = parts.length === 1 ? cap.single : cap.perPart;
      for (const p of parts) {
        const units = encoding === 'gsm7' ? body(p).length : body(p).length / 2;
        expect(units, ctx).toBeLessThanOrEqual(limit);
      }
      expect(parts.map((p) => decodeBody(p, encoding)).join(''), ctx).toBe(text);
      // Greedy and maximal, checked on the octets rather than through splitParts: a part is only cut
      // when the next character (escape pair or surrogate pair counting 2) would not fit.
      for (let i = 0; i + 1 < parts.length; i++) {
        const here = body(parts[i] as SubmitPart);
        const next = body(parts[i + 1] as SubmitPart);
        const units = encoding === 'gsm7' ? here.length : here.length / 2;
        const nextWidth = encoding === 'gsm7' ? (next[0] === 0x1b ? 2 : 1) : isPairStart(next) ? 2 : 1;
        expect(units + nextWidth, ctx).toBeGreaterThan(limit);
      }

      const payload = segmentText(text, { reference: 1, concat: 'payload' }).parts;
      expect(payload).toHaveLength(1);
    }
  });
});

describe('segmentText / segmentBinary: options at their edges', () => {
  it('packs only GSM text: UCS-2 content is left as UTF-16BE whatever gsm7Packed says', () => {
    const [p] = segmentText('Ж', { reference: 0, gsm7Packed: true }).parts;
    expect(hex(p!.shortMessage)).toBe('0416');
  });

  it('takes Latin-1 up to U+00FF', () => {
    expect(hex(segmentText('ÿ', { reference: 0, encoding: 'latin1' }).parts[0]!.shortMessage)).toBe('FF');
    expect(() => segmentText('Ā', { reference: 0, encoding: 'latin1' })).toThrow(/index 0 is outside Latin-1/);
  });

  it('takes a gsmDataCoding of 0..255 and says what was wrong otherwise', () => {
    expect(segmentText('a', { reference: 0, gsmDataCoding: 255 }).parts[0]!.dataCoding).toBe(255);
    for (const bad of [-1, 256, 1.5]) expect(() => segmentText('a', { reference: 0, gsmDataCoding: bad })).toThrow(new RegExp(`gsmDataCoding must be 0..255, got ${bad}`));
  });

  it('message_payload holds up to 65535 octets (its length is 16 bits)', () => {
    expect(segmentBinary(Buffer.alloc(65535), { concat: 'payload', reference: 0 })[0]!.messagePayload).toHaveLength(65535);
    expect(() => segmentBinary(Buffer.alloc(65536), { concat: 'payload', reference: 0 })).toThrow(/65536 octets exceeds 65535/);
  });

  it('names the method and range of a bad reference, and the part count of a text that needs more than 255', () => {
    expect(() => segmentText('a', { reference: 256, concat: 'udh8' })).toThrow(/udh8 must be an integer 0\.\.255, got 256/);
    expect(() => segmentBinary(Buffer.alloc(134 * 255 + 1), { reference: 0 })).toThrow(/needs 256 parts/);
  });
});
