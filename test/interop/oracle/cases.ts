/**
 * The texts the interop suite sends, each with the parts it must travel in. Part sizes come from the spec
 * (airCapacity: 140 octets of user data less the UDH) and the split rule the README states: a part takes as many
 * whole characters as fit, never half an escape pair or half a surrogate pair. The edge cases are built piece by
 * piece so the character sits exactly on the edge; splitWhole confirms each one is aimed right.
 */
import { airCapacity, SAR_AIR_UDH_OCTETS } from './concat.js';
import { DEFAULT_CHARS, EXTENSION_CHARS, gsmSeptets } from './gsm-03-38.js';

export const METHODS = ['udh8', 'udh16', 'sar', 'payload'] as const;
export type Method = (typeof METHODS)[number];

/**
 * UDH octets each air segment carries: length octet + IEI + IE length + 3 (8-bit reference) or 4 (16-bit)
 * data octets. SAR and message_payload leave the UDH to the SMSC, which adds the 8-bit kind.
 */
export const AIR_UDH_OCTETS: Readonly<Record<Method, number>> = { udh8: 6, udh16: 7, sar: SAR_AIR_UDH_OCTETS, payload: SAR_AIR_UDH_OCTETS };

/** Units one part of a concatenated message holds: 153/152 septets, 67/66 UCS-2 units. */
export function perPart(method: Method, dataCoding: 0 | 8): number {
  return airCapacity(dataCoding, AIR_UDH_OCTETS[method]);
}

/** A message that fits one segment goes without UDH: 160 septets, 70 UCS-2 units. */
export const SINGLE = { 0: airCapacity(0, 0), 8: airCapacity(8, 0) } as const;

export function unitsOfChar(ch: string, dataCoding: 0 | 8): number {
  return dataCoding === 0 ? gsmSeptets(ch).length : ch.length;
}

/** The README's split rule, written out: whole characters (code points, escape pairs) only, as many as fit. */
export function splitWhole(text: string, dataCoding: 0 | 8, cap: number): string[] {
  let units = 0;
  for (const ch of text) units += unitsOfChar(ch, dataCoding);
  if (units <= SINGLE[dataCoding]) return [text];
  const parts: string[] = [];
  let cur = '';
  let used = 0;
  for (const ch of text) {
    const u = unitsOfChar(ch, dataCoding);
    if (used + u > cap) {
      parts.push(cur);
      cur = '';
      used = 0;
    }
    cur += ch;
    used += u;
  }
  parts.push(cur);
  return parts;
}

export interface TextCase {
  name: string;
  text: string;
  dataCoding: 0 | 8;
  /** The parts' texts in order; for payload, the parts the SMSC will make (and the segments the edge reports). */
  parts: string[];
}

const GSM_FILL = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?';
const CYRILLIC = 'абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЫЭЮЯ';

/** n characters of varied filler, different for each seed, so parts joined in the wrong order cannot pass. */
function fill(alphabet: string, n: number, seed: number): string {
  const chars = Array.from(alphabet);
  return Array.from({ length: n }, (_, i) => chars[(i + seed * 11) % chars.length]!).join('');
}

function pieces(name: string, dataCoding: 0 | 8, parts: string[]): TextCase {
  return { name, text: parts.join(''), dataCoding, parts };
}

/**
 * GSM extension character `e` twice: after C-1 septets (its escape pair would straddle the first edge, so it
 * opens part 2) and as the last two septets of part 2 (ending exactly on the second edge).
 */
function extensionAtEdges(e: string, cap: number, i: number): TextCase {
  const name = `extension character U+${e.codePointAt(0)!.toString(16).padStart(4, '0')} at segment edges`;
  return pieces(name, 0, [fill(GSM_FILL, cap - 1, i), e + fill(GSM_FILL, cap - 4, i + 1) + e, fill(GSM_FILL, 10, i + 2)]);
}

/** The same with a surrogate pair in UCS-2: straddling the first edge, then ending exactly on the second. */
function surrogatesAtEdges(cap: number): TextCase {
  return pieces('UCS-2 surrogate pairs at the part edges', 8, [fill(CYRILLIC, cap - 1, 0), '😀' + fill(CYRILLIC, cap - 4, 1) + '🎉', fill(CYRILLIC, 5, 2)]);
}

/**
 * The single-segment limit: an extension character ending exactly on septet 160 (one part, no UDH), and one
 * septet later (it no longer fits one segment, so the text is split); a surrogate pair likewise at unit 70.
 */
function singleLimit(cap: number, dataCoding: 0 | 8, over: boolean): TextCase {
  const [alphabet, last, width] = dataCoding === 0 ? [GSM_FILL, '€', 2] : [CYRILLIC, '😀', 2];
  const text = fill(alphabet, SINGLE[dataCoding] - width + (over ? 1 : 0), 5) + last;
  const what = dataCoding === 0 ? 'extension character' : 'surrogate pair';
  return { name: `${what} ${over ? 'one unit past' : 'ending on'} the single-segment limit`, text, dataCoding, parts: splitWhole(text, dataCoding, cap) };
}

function wholeAlphabet(cap: number): TextCase {
  const all = [...DEFAULT_CHARS, ...EXTENSION_CHARS];
  const text = all.join('') + [...all].reverse().join('');
  return { name: 'every character of the default alphabet and extension table, twice', text, dataCoding: 0, parts: splitWhole(text, 0, cap) };
}

function threePartGsm(cap: number): TextCase {
  const sentence = 'Order #42 {ok}: €5 [VAT incl.] ~ see ex.am/p?q=1|2 \\ ^_^ £3 ¥4 @home; ';
  let text = '';
  for (let i = 0; gsmSeptets(text).length < 400; i++) text += Array.from(sentence)[i % Array.from(sentence).length];
  return { name: '3-part GSM', text, dataCoding: 0, parts: splitWhole(text, 0, cap) };
}

function sixPartCjk(cap: number): TextCase {
  let text = '';
  for (let i = 0; i < 352; i++) text += String.fromCodePoint(0x4e00 + ((i * 37) % 0x5000));
  // Three CJK Extension B characters (outside the BMP): surrogate pairs inside CJK text too.
  text += '𠀋𠂢𡈽';
  return { name: '6-part CJK', text, dataCoding: 8, parts: splitWhole(text, 8, cap) };
}

export function textCases(method: Method): TextCase[] {
  const gsm = perPart(method, 0);
  const ucs2 = perPart(method, 8);
  return [
    ...EXTENSION_CHARS.map((e, i) => extensionAtEdges(e, gsm, i)),
    singleLimit(gsm, 0, false),
    singleLimit(gsm, 0, true),
    wholeAlphabet(gsm),
    threePartGsm(gsm),
    surrogatesAtEdges(ucs2),
    singleLimit(ucs2, 8, false),
    singleLimit(ucs2, 8, true),
    sixPartCjk(ucs2),
  ];
}

/**
 * For a carrier that packs GSM septets (gsm7Packed), with an 8-bit UDH: lengths that leave 7 spare bits at the end
 * (7 and 15 septets alone; 8 septets after the UDH's fill bit), which 23.038 says carry CR, and lengths that do not.
 */
export function packedCases(): TextCase[] {
  const gsm = perPart('udh8', 0);
  const whole = (name: string, text: string): TextCase => ({ name, text, dataCoding: 0, parts: splitWhole(text, 0, gsm) });
  return [
    whole('7 septets (7 spare bits)', 'abcdefg'),
    whole('8 septets (no spare bits)', 'abcdefgh'),
    whole('15 septets (7 spare bits)', fill(GSM_FILL, 15, 3)),
    whole('2 parts, the second of 8 septets after the fill bit (7 spare bits)', fill(GSM_FILL, gsm, 4) + fill(GSM_FILL, 8, 5)),
    extensionAtEdges('€', gsm, 6),
    threePartGsm(gsm),
  ];
}
