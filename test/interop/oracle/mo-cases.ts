/**
 * The multi-part MO the foreign SMSC sends: 8- and 16-bit UDH and SAR, GSM and UCS-2, parts in and out of order,
 * and one split inside a surrogate pair (some phones do; the MO writer joins bytes before decoding). The UDH octets
 * are built here from TS 23.040 §9.2.3.24.1 and .8.
 */
import { utf16beOctets } from './encode.js';

export function udhFor(concat: 'udh8' | 'udh16', ref: number, total: number, seq: number): Buffer {
  return concat === 'udh8' ? Buffer.from([0x05, 0x00, 0x03, ref, total, seq]) : Buffer.from([0x06, 0x08, 0x04, ref >> 8, ref & 0xff, total, seq]);
}

export interface MoCase {
  name: string;
  text: string;
  dataCoding: 0 | 8;
  concat: 'udh8' | 'udh16' | 'sar';
  /** Order the parts go out in (1-based seqs). */
  order: (total: number) => number[];
  /** Per-part content, when the parts are not whole characters. */
  contents?: Buffer[];
}

const reversed = (n: number) => Array.from({ length: n }, (_, i) => n - i);
const inOrder = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export function moCases(): MoCase[] {
  const cyr = 'Сообщение из трёх частей с эмодзи 👋 и ещё немного текста; ';
  // 66 BMP units, then a pair: the first part (67 units) ends on the pair's high half.
  const splitPair = 'ж'.repeat(66) + '😀' + 'конец';
  return [
    {
      name: 'UDH 8-bit reference, GSM with extension characters, parts in reverse order',
      text: 'Reply {yes} or [no] ~ costs €1 | see \\help ^ and @ £ ¥; '.repeat(6),
      dataCoding: 0,
      concat: 'udh8',
      order: reversed,
    },
    { name: 'UDH 16-bit reference, UCS-2 with surrogate pairs', text: cyr.repeat(3), dataCoding: 8, concat: 'udh16', order: inOrder },
    {
      name: 'SAR, GSM, parts out of order',
      text: 'SAR parts carry no header in the message itself; '.repeat(5),
      dataCoding: 0,
      concat: 'sar',
      order: (n) => [2, ...inOrder(n).filter((s) => s !== 2)],
    },
    {
      name: 'SAR, UCS-2 with a surrogate pair split between the parts',
      text: splitPair,
      dataCoding: 8,
      concat: 'sar',
      order: inOrder,
      contents: [utf16beOctets(splitPair).subarray(0, 134), utf16beOctets(splitPair).subarray(134)],
    },
  ];
}
