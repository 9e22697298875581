/**
 * The oracle judged on its own: its tables have the shape 23.038 gives them, and it rejects each kind of broken
 * message it exists to catch (an oracle that accepts anything would make the interop suite pass for nothing).
 */
import { describe, expect, it } from 'vitest';
import { joinParts, readPart, type Part } from './concat.js';
import { decodeGsmSeptets, DEFAULT_CHARS, EXTENSION_CHARS, gsmSeptets, unpackGsmSeptets } from './gsm-03-38.js';
import { parseSubmitSmBody, TAG } from './submit-sm.js';

/** A submit_sm body built by hand, field by field (SMPP 3.4 §4.4.1). */
function body(o: { esmClass?: number; dataCoding?: number; sm?: number[]; tlvs?: Array<[number, number[]]> } = {}): Buffer {
  const cstr = (s: string) => [...Buffer.from(s, 'latin1'), 0];
  const sm = o.sm ?? [];
  const tlvs = (o.tlvs ?? []).flatMap(([tag, v]) => [tag >> 8, tag & 0xff, v.length >> 8, v.length & 0xff, ...v]);
  return Buffer.from([
    ...cstr(''),
    5, 0, ...cstr('ACME'),
    1, 1, ...cstr('447700900001'),
    o.esmClass ?? 0, 0, 0,
    ...cstr(''), ...cstr(''),
    1, 0, o.dataCoding ?? 0, 0, sm.length, ...sm,
    ...tlvs,
  ]);
}

const udh8 = (ref: number, total: number, seq: number) => [5, 0x00, 3, ref, total, seq];
const part = (b: Buffer): Part => readPart(parseSubmitSmBody(b));

describe('interop oracle', () => {
  it('has the 23.038 tables: 127 characters and the escape, 10 extension characters, none twice', () => {
    expect(DEFAULT_CHARS).toHaveLength(127);
    expect(new Set(DEFAULT_CHARS).size).toBe(127);
    expect(EXTENSION_CHARS.join('')).toBe('\f^{}\\[~]|€');
    expect(EXTENSION_CHARS.filter((c) => DEFAULT_CHARS.includes(c))).toEqual([]);
    expect(gsmSeptets('@A€')).toEqual([0x00, 0x41, 0x1b, 0x65]);
    expect(() => gsmSeptets('`')).toThrow(/not in the GSM/);
  });

  it('rejects a lone escape at the end of a part, an escape before a reserved septet, and an octet over 0x7F', () => {
    expect(decodeGsmSeptets(Uint8Array.from([0x41, 0x1b, 0x3c]))).toBe('A[');
    expect(() => decodeGsmSeptets(Uint8Array.from([0x41, 0x1b]))).toThrow(/lone escape/);
    expect(() => decodeGsmSeptets(Uint8Array.from([0x1b, 0x41]))).toThrow(/reserved/);
    expect(() => decodeGsmSeptets(Uint8Array.from([0xc1]))).toThrow(/not a septet/);
  });

  it('unpacks septets: the 23.038 example "hellohello", fill bits, and CR in 7 spare bits as padding only', () => {
    const text = (octets: number[], fill = 0) => decodeGsmSeptets(unpackGsmSeptets(Uint8Array.from(octets), fill));
    expect(text([0xe8, 0x32, 0x9b, 0xfd, 0x46, 0x97, 0xd9, 0xec, 0x37])).toBe('hellohello');
    expect(text([0x41])).toBe('A');
    expect(text([0x41 << 1], 1)).toBe('A');
    // "abcdefg" in 7 octets: the 8th septet is the 7 spare bits, CR as 23.038 asks; zeros there read as '@'.
    const abcdefg = [0x61, 0xf1, 0x98, 0x5c, 0x36, 0x9f, 0x01];
    expect(text([...abcdefg.slice(0, 6), 0x01 | (0x0d << 1)])).toBe('abcdefg');
    expect(text(abcdefg)).toBe('abcdefg@');
  });

  it('rejects half a surrogate pair in a UCS-2 part', () => {
    expect(part(body({ dataCoding: 8, sm: [0xd8, 0x3d, 0xde, 0x00] })).text).toBe('😀');
    expect(() => part(body({ dataCoding: 8, sm: [0x00, 0x41, 0xd8, 0x3d] }))).toThrow();
  });

  it('reads UDH, SAR and message_payload parts, and rejects them mixed', () => {
    expect(part(body({ esmClass: 0x40, sm: [...udh8(7, 2, 1), 0x41] }))).toMatchObject({ concat: 'udh8', ref: 7, total: 2, seq: 1, udhOctets: 6, text: 'A' });
    expect(part(body({ esmClass: 0x40, sm: [6, 0x08, 4, 0x12, 0x34, 3, 2, 0x42] }))).toMatchObject({ concat: 'udh16', ref: 0x1234, total: 3, seq: 2, text: 'B' });
    const sar: Array<[number, number[]]> = [[TAG.sarMsgRefNum, [0xbe, 0xef]], [TAG.sarTotalSegments, [2]], [TAG.sarSegmentSeqnum, [2]]];
    expect(part(body({ sm: [0x43], tlvs: sar }))).toMatchObject({ concat: 'sar', ref: 0xbeef, total: 2, seq: 2, text: 'C' });
    expect(part(body({ tlvs: [[TAG.messagePayload, [0x44, 0x45]]] }))).toMatchObject({ concat: 'payload', text: 'DE' });
    expect(() => part(body({ sm: [0x41], tlvs: [[TAG.messagePayload, [0x44]]] }))).toThrow(/message_payload and a non-empty/);
    expect(() => part(body({ esmClass: 0x40, sm: [...udh8(7, 2, 1), 0x41], tlvs: sar }))).toThrow(/UDH and SAR/);
    expect(() => part(body({ sm: [0x41], tlvs: sar.slice(0, 2) }))).toThrow(/set of three/);
    expect(() => part(body({ esmClass: 0x40, sm: [3, 0x00, 3, 1] }))).toThrow(/runs past the UDH|does not fit/);
  });

  it('rejects a TLV that runs past the body or comes twice, and a field over its size limit', () => {
    const ok = body({ tlvs: [[TAG.messagePayload, [0x41]]] });
    expect(() => parseSubmitSmBody(ok.subarray(0, ok.length - 1))).toThrow(/runs past the body/);
    expect(() => parseSubmitSmBody(body({ tlvs: [[TAG.messagePayload, [0x41]], [TAG.messagePayload, [0x42]]] }))).toThrow(/twice/);
    expect(() => parseSubmitSmBody(Buffer.from([...Buffer.from('TOOLONG'), 0]))).toThrow(/service_type is 8 octets/);
  });

  it('joins parts only when one reference, one total and every seq exactly once', () => {
    const p = (ref: number, total: number, seq: number, ch: number) => part(body({ esmClass: 0x40, sm: [...udh8(ref, total, seq), ch] }));
    expect(joinParts([p(1, 2, 2, 0x42), p(1, 2, 1, 0x41)]).text).toBe('AB');
    expect(() => joinParts([p(1, 2, 1, 0x41), p(2, 2, 2, 0x42)])).toThrow(/references/);
    expect(() => joinParts([p(1, 2, 1, 0x41), p(1, 3, 2, 0x42)])).toThrow(/in all/);
    expect(() => joinParts([p(1, 2, 1, 0x41), p(1, 2, 1, 0x41)])).toThrow(/sent twice/);
    expect(() => joinParts([p(1, 3, 1, 0x41), p(1, 3, 2, 0x42)])).toThrow(/2 of 3/);
  });
});
