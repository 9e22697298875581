/** The octets of a simulated MO text: GSM 7-bit unpacked (data_coding 0) when the alphabet has every character, else UCS-2 (8). */
import { encodeGsm7, isGsm7 } from '../../internal/sms/gsm7.js';
import { encodeUcs2 } from '../../internal/sms/ucs2.js';

export const MoDataCoding = { gsm7: 0x00, ucs2: 0x08 } as const;

export function encodeMoText(text: string): { dataCoding: number; bytes: Buffer } {
  if (isGsm7(text)) return { dataCoding: MoDataCoding.gsm7, bytes: encodeGsm7(text) };
  return { dataCoding: MoDataCoding.ucs2, bytes: encodeUcs2(text) };
}
