/** Decodes a short message's bytes by their SMPP data_coding; unknown codings come back as hex. */
import { decodeGsm7 } from './gsm7.js';
import { decodeUcs2 } from './ucs2.js';

export function decodeByDataCoding(bytes: Buffer, dataCoding: number): string {
  switch (dataCoding) {
    case 0:
    case 1:
      return decodeGsm7(bytes);
    case 3:
      return bytes.toString('latin1');
    case 8:
      return decodeUcs2(bytes);
    default:
      return bytes.toString('hex');
  }
}

/** The API's name for what decodeByDataCoding made of a data_coding ("binary": the text is hex). */
export function encodingOfDataCoding(dataCoding: number): 'gsm7' | 'latin1' | 'ucs2' | 'binary' {
  switch (dataCoding) {
    case 0:
    case 1:
      return 'gsm7';
    case 3:
      return 'latin1';
    case 8:
      return 'ucs2';
    default:
      return 'binary';
  }
}
