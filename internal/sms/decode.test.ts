/** MO text by data_coding (SMPP 3.4 §5.2.19): 0 default alphabet, 3 Latin-1, 8 UCS-2; others kept as hex. */
import { describe, expect, it } from 'vitest';
import { decodeByDataCoding } from './decode.js';

describe('decodeByDataCoding', () => {
  it('reads 0 as GSM septets, and 1 the same, as the SMSCs that label GSM text 1 mean it (README gsmDataCoding)', () => {
    const septets = Buffer.from([0x00, 0x41, 0x1b, 0x65]);
    expect(decodeByDataCoding(septets, 0)).toBe('@A€');
    expect(decodeByDataCoding(septets, 1)).toBe('@A€');
  });

  it('reads 3 as Latin-1 and 8 as UTF-16BE', () => {
    expect(decodeByDataCoding(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 3)).toBe('café');
    expect(decodeByDataCoding(Buffer.from([0x00, 0x41, 0xd8, 0x3d, 0xde, 0x00]), 8)).toBe('A😀');
  });

  it('keeps binary and unknown codings as hex', () => {
    expect(decodeByDataCoding(Buffer.from([0xde, 0xad]), 4)).toBe('dead');
    expect(decodeByDataCoding(Buffer.from([0x00, 0x41]), 2)).toBe('0041');
  });
});
