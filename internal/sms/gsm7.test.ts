import { describe, expect, it } from 'vitest';
import { decodeGsm7, encodeGsm7, gsm7CharSeptets, gsm7Septets, isGsm7, packSeptets, unpackSeptets } from './gsm7.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

describe('GSM 7-bit alphabet membership and counting', () => {
  it('maps the tricky basic characters to their 23.038 septets', () => {
    const cases: Array<[string, number]> = [
      ['@', 0x00], ['£', 0x01], ['$', 0x02], ['¥', 0x03], ['è', 0x04], ['é', 0x05], ['ù', 0x06], ['ì', 0x07],
      ['ò', 0x08], ['Ç', 0x09], ['\n', 0x0a], ['Ø', 0x0b], ['ø', 0x0c], ['\r', 0x0d], ['Å', 0x0e], ['å', 0x0f],
      ['Δ', 0x10], ['_', 0x11], ['Φ', 0x12], ['Γ', 0x13], ['Λ', 0x14], ['Ω', 0x15], ['Π', 0x16], ['Ψ', 0x17],
      ['Σ', 0x18], ['Θ', 0x19], ['Ξ', 0x1a], ['Æ', 0x1c], ['æ', 0x1d], ['ß', 0x1e], ['É', 0x1f], [' ', 0x20],
      ['¤', 0x24], ['¡', 0x40], ['A', 0x41], ['Ä', 0x5b], ['Ö', 0x5c], ['Ñ', 0x5d], ['Ü', 0x5e], ['§', 0x5f],
      ['¿', 0x60], ['a', 0x61], ['ä', 0x7b], ['ö', 0x7c], ['ñ', 0x7d], ['ü', 0x7e], ['à', 0x7f],
    ];
    for (const [ch, septet] of cases) expect(hex(encodeGsm7(ch)), ch).toBe(hex(Uint8Array.of(septet)));
  });

  it('maps extension characters to escape + septet and counts them 2', () => {
    const cases: Array<[string, number]> = [
      ['\f', 0x0a], ['^', 0x14], ['{', 0x28], ['}', 0x29], ['\\', 0x2f], ['[', 0x3c], ['~', 0x3d], [']', 0x3e], ['|', 0x40], ['€', 0x65],
    ];
    for (const [ch, septet] of cases) {
      expect(hex(encodeGsm7(ch)), ch).toBe(hex(Uint8Array.of(0x1b, septet)));
      expect(gsm7Septets(ch)).toBe(2);
      expect(gsm7CharSeptets(ch.charCodeAt(0))).toBe(2);
    }
    expect(gsm7Septets('^{}[]~|\\€\f')).toBe(20);
  });

  it('rejects characters outside the alphabet: ç (only Ç is in), ESC itself, lower-case Greek, emoji, CJK, ` and Ê', () => {
    for (const s of ['ç', '\u001b', 'δ', 'π', '😀', '中', '`', 'Ê', 'á', 'í', 'ó', 'ú', '\t', '\u00a0']) {
      expect(isGsm7(s), s).toBe(false);
      expect(gsm7Septets(s), s).toBe(-1);
      expect(gsm7CharSeptets(s.charCodeAt(0))).toBe(0);
    }
    expect(isGsm7('Ça va')).toBe(true);
    expect(isGsm7('ça va')).toBe(false);
    expect(() => encodeGsm7('abc中')).toThrow(/U\+4E2D at index 3/);
  });

  it('accepts all printable ASCII except the backtick, extension ones counting 2', () => {
    let ascii = '';
    for (let c = 0x20; c < 0x7f; c++) if (c !== 0x60) ascii += String.fromCharCode(c);
    expect(isGsm7(ascii)).toBe(true);
    // ^ { } [ ] ~ | \ are the eight ASCII characters in the extension table.
    expect(gsm7Septets(ascii)).toBe(ascii.length + 8);
  });

  it('counts the empty string as 0 and mixed text per character', () => {
    expect(gsm7Septets('')).toBe(0);
    expect(isGsm7('')).toBe(true);
    expect(gsm7Septets('Price: 5€ @ [shop]')).toBe(18 + 3);
  });
});

describe('septet packing', () => {
  it('packs "hellohello" to the known vector and back', () => {
    const septets = encodeGsm7('hellohello');
    const packed = packSeptets(septets);
    expect(hex(packed)).toBe('E8329BFD4697D9EC37');
    expect(hex(unpackSeptets(packed, 10, 0))).toBe(hex(septets));
    expect(decodeGsm7(packed, { packed: true, count: 10 })).toBe('hellohello');
  });

  it('packs with one fill bit as after an 8-bit concat UDH (vector from a captured PDU)', () => {
    // UD 0500033A0202 EC6176BD0C4ACF4134170E06 decodes to "value is 4.80".
    const packed = packSeptets(encodeGsm7('value is 4.80'), 1);
    expect(hex(packed)).toBe('EC6176BD0C4ACF4134170E06');
    expect(decodeGsm7(packed, { packed: true, fillBits: 1, count: 13 })).toBe('value is 4.80');
  });

  it('round-trips every fill bit and length', () => {
    const all = Uint8Array.from({ length: 128 }, (_, i) => i);
    for (let fill = 0; fill <= 6; fill++) {
      for (let n = 0; n <= 20; n++) {
        const s = all.subarray(100 - n, 100);
        const packed = packSeptets(s, fill);
        expect(packed.length).toBe(Math.ceil((fill + 7 * n) / 8));
        expect(hex(unpackSeptets(packed, n, fill))).toBe(hex(s));
      }
    }
  });

  it('packs 160 septets into 140 octets', () => {
    expect(packSeptets(new Uint8Array(160)).length).toBe(140);
  });

  it('rejects bad fill bits', () => {
    expect(() => packSeptets(new Uint8Array(1), 7)).toThrow(RangeError);
    expect(() => unpackSeptets(Buffer.alloc(1), 1, -1)).toThrow(RangeError);
  });

  it('unpacks no more septets than the buffer holds', () => {
    expect(unpackSeptets(Buffer.from([0x41]), 5, 0).length).toBe(1);
  });
});

describe('decodeGsm7', () => {
  it('round-trips the whole basic and extension tables, unpacked and packed', () => {
    let text = '';
    for (let s = 0; s < 128; s++) if (s !== 0x1b) text += decodeGsm7(Uint8Array.of(s));
    text += '\f^{}\\[~]|€';
    expect(text.length).toBe(127 + 10);
    expect(decodeGsm7(encodeGsm7(text))).toBe(text);
    expect(decodeGsm7(packSeptets(encodeGsm7(text)), { packed: true })).toBe(text);
  });

  it('decodes an escape before an unknown septet as the basic character, escape-escape as a space', () => {
    expect(decodeGsm7(Uint8Array.of(0x1b, 0x41))).toBe('A');
    expect(decodeGsm7(Uint8Array.of(0x1b, 0x1b, 0x41))).toBe(' A');
    expect(decodeGsm7(Uint8Array.of(0x41, 0x1b))).toBe('A');
  });

  it('ignores bit 7 of unpacked septets', () => {
    expect(decodeGsm7(Uint8Array.of(0xc1))).toBe('A');
  });

  it('drops CR padding in the 7 spare bits when the count is derived from the length', () => {
    const seven = encodeGsm7('1234567');
    const padded = packSeptets(Uint8Array.from([...seven, 0x0d]));
    expect(padded.length).toBe(7);
    expect(decodeGsm7(padded, { packed: true })).toBe('1234567');
    expect(decodeGsm7(padded, { packed: true, count: 8 })).toBe('1234567\r');
  });
});

describe('GSM 7-bit edges', () => {
  it('names the first character outside the alphabet and its index, after an @ (septet 0)', () => {
    expect(() => encodeGsm7('@`')).toThrow(/U\+0060 at index 1/);
  });

  it('unpacks no septet from fill bits alone: one octet after 6 fill bits holds none', () => {
    expect(unpackSeptets(Buffer.from([0xff]), 5, 6)).toHaveLength(0);
    expect(unpackSeptets(Buffer.from([0xff, 0xff]), 5, 2)).toHaveLength(2);
  });

  it('says which fill bits it was given when they are out of range', () => {
    expect(() => packSeptets(Uint8Array.from([1]), 7)).toThrow(/got 7/);
  });

  it('drops a CR only when it sits in 7 spare bits: 8 septets fill 7 octets exactly and keep their last one', () => {
    // 23.038 §6.1.2.1.1: CR pads 7 spare bits; 8 septets use all 56 bits of 7 octets, so there is no padding.
    expect(decodeGsm7(packSeptets(encodeGsm7('ABCDEFGH')), { packed: true })).toBe('ABCDEFGH');
    // A real CR at the end of 2 septets (14 of 16 bits) is text, not padding.
    expect(decodeGsm7(packSeptets(encodeGsm7('A\r')), { packed: true })).toBe('A\r');
    // One fill bit and one septet fill one octet: that CR is in the 7 spare bits.
    expect(decodeGsm7(Buffer.from([0x0d << 1]), { packed: true, fillBits: 1 })).toBe('');
  });
});

describe('packing: 7 spare bits carry CR (23.038 §6.1.2.1.1)', () => {
  it('7 septets in 7 octets: the last 7 bits are CR, not zeros that read as @', () => {
    expect(hex(packSeptets(encodeGsm7('abcdefg')))).toBe('61F1985C369F1B');
    expect(decodeGsm7(packSeptets(encodeGsm7('abcdefg')), { packed: true })).toBe('abcdefg');
  });

  it('after one fill bit, 8 septets leave 7 spare bits too', () => {
    const packed = packSeptets(encodeGsm7('abcdefgh'), 1);
    expect(packed).toHaveLength(8);
    expect(packed[7]! >> 1).toBe(0x0d);
    expect(decodeGsm7(packed, { packed: true, fillBits: 1 })).toBe('abcdefgh');
  });

  it('leaves other spare bits zero', () => {
    expect(hex(packSeptets(encodeGsm7('hellohello')))).toBe('E8329BFD4697D9EC37');
    expect(hex(packSeptets(encodeGsm7('abcdefgh')))).toBe('61F1985C369FD1');
  });
});

