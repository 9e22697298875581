/** The GSM 7-bit default alphabet and extension table (3GPP TS 23.038 §6.2.1): lookup, counting, encoding, septet packing. */
import { AppError } from '../core/errors.js';

export const GSM7 = {
  escape: 0x1b,
  /** Septet value of CR, used by 23.038 as padding when a packed text leaves 7 spare bits. */
  cr: 0x0d,
} as const;

/** Septet 0x1B is the escape, not a character, so its slot holds a code no string can produce. */
const BASIC_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\uFFFFÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Extension table: septet that follows the escape → character. Only these have a meaning. */
const EXTENSION_TABLE: ReadonlyArray<readonly [number, string]> = [
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
];

const EURO = 0x20ac;
/** Covers every table character except '€': the Greek capitals end at Ω (U+03A9). */
const LOOKUP_SIZE = 0x3aa;
/** Lookup entries: -1 not in the alphabet, 0..0x7F a basic septet, EXT_FLAG|septet an extension character. */
const EXT_FLAG = 0x80;

const LOOKUP = buildLookup();
const EURO_ENTRY = EXT_FLAG | 0x65;
const DECODE_BASIC: readonly string[] = Array.from(BASIC_TABLE);
const DECODE_EXTENSION = new Map<number, string>(EXTENSION_TABLE);

function buildLookup(): Int16Array {
  const table = new Int16Array(LOOKUP_SIZE).fill(-1);
  Array.from(BASIC_TABLE).forEach((ch, septet) => {
    if (septet === GSM7.escape) return;
    table[ch.charCodeAt(0)] = septet;
  });
  for (const [septet, ch] of EXTENSION_TABLE) {
    const code = ch.charCodeAt(0);
    if (code < LOOKUP_SIZE) table[code] = EXT_FLAG | septet;
  }
  return table;
}

function entryOf(code: number): number {
  if (code < LOOKUP_SIZE) return LOOKUP[code] ?? -1;
  return code === EURO ? EURO_ENTRY : -1;
}

/** Septets one UTF-16 code unit needs: 1 basic, 2 extension (escape + septet), 0 when not in the alphabet. */
export function gsm7CharSeptets(code: number): 0 | 1 | 2 {
  const e = entryOf(code);
  if (e < 0) return 0;
  return e & EXT_FLAG ? 2 : 1;
}

export function isGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (entryOf(text.charCodeAt(i)) < 0) return false;
  }
  return true;
}

/**
 * Septets the text takes in the default alphabet (extension characters count 2), or -1 when any
 * character is outside it. One pass, no allocation: the edge calls it on every request.
 */
export function gsm7Septets(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const e = entryOf(text.charCodeAt(i));
    if (e < 0) return -1;
    n += e & EXT_FLAG ? 2 : 1;
  }
  return n;
}

/** One septet per byte (unpacked), the escape written before extension characters. Throws when a character has no septet. */
export function encodeGsm7(text: string): Buffer {
  const n = gsm7Septets(text);
  if (n < 0) {
    const at = firstNonGsm7(text);
    throw new AppError(
      'not_encodable',
      `character U+${text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} at index ${at} is not in the GSM 7-bit alphabet`,
    );
  }
  const out = Buffer.allocUnsafe(n);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const e = entryOf(text.charCodeAt(i));
    if (e & EXT_FLAG) {
      out[o++] = GSM7.escape;
      out[o++] = e & 0x7f;
    } else {
      out[o++] = e;
    }
  }
  return out;
}

function firstNonGsm7(text: string): number {
  for (let i = 0; i < text.length; i++) if (entryOf(text.charCodeAt(i)) < 0) return i;
  return -1;
}

/**
 * Packs septets LSB-first into octets (23.038 §6.1.2.1.1). fillBits (0..6) zero bits come first, so
 * that after a UDH the first septet starts on a septet boundary of the whole user data; 7 spare bits at
 * the end are CR.
 */
export function packSeptets(septets: Uint8Array, fillBits = 0): Buffer {
  checkFillBits(fillBits);
  const out = Buffer.alloc(Math.ceil((fillBits + 7 * septets.length) / 8));
  let acc = 0;
  let accBits = fillBits;
  let o = 0;
  for (let i = 0; i < septets.length; i++) {
    acc |= ((septets[i] ?? 0) & 0x7f) << accBits;
    accBits += 7;
    while (accBits >= 8) {
      out[o++] = acc & 0xff;
      acc >>>= 8;
      accBits -= 8;
    }
  }
  if (accBits > 0) out[o] = acc & 0xff;
  // 23.038 §6.1.2.1.1: 7 spare bits at the end read as one more septet ('@' when zero), so they carry CR,
  // which receivers drop as padding.
  if (out.length * 8 - fillBits - 7 * septets.length === 7) out[out.length - 1]! |= GSM7.cr << 1;
  return out;
}

/** Inverse of packSeptets: reads count septets after fillBits leading bits. Septets past the end of buf are not invented. */
export function unpackSeptets(buf: Uint8Array, count: number, fillBits = 0): Buffer {
  checkFillBits(fillBits);
  const available = Math.floor((buf.length * 8 - fillBits) / 7);
  const n = Math.max(0, Math.min(count, available));
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    const bit = fillBits + 7 * i;
    const byte = bit >> 3;
    const shift = bit & 7;
    const lo = buf[byte] ?? 0;
    const hi = buf[byte + 1] ?? 0;
    out[i] = ((lo | (hi << 8)) >> shift) & 0x7f;
  }
  return out;
}

function checkFillBits(fillBits: number): void {
  if (!Number.isInteger(fillBits) || fillBits < 0 || fillBits > 6) {
    throw new RangeError(`fillBits must be an integer 0..6, got ${fillBits}`);
  }
}

export interface DecodeGsm7Options {
  /** Septets packed 8 per 7 octets rather than one per byte. */
  packed?: boolean;
  /** Packed only: the septet count when known (e.g. from TP-UDL); otherwise derived from the length. */
  count?: number;
  /** Packed only: leading fill bits, as after a UDH. */
  fillBits?: number;
}

/**
 * Septets to text. An escape before an unknown septet shows the basic character and escape-escape
 * shows a space, as 23.038 asks of receivers; a trailing lone escape has nothing to escape and is dropped.
 */
export function decodeGsm7(bytes: Uint8Array, opts: DecodeGsm7Options = {}): string {
  let septets: Uint8Array = bytes;
  if (opts.packed) {
    const fill = opts.fillBits ?? 0;
    const derived = Math.floor((bytes.length * 8 - fill) / 7);
    septets = unpackSeptets(bytes, opts.count ?? derived, fill);
    // With the count taken from the length, 7 spare bits read as one more septet; 23.038 pads those with CR.
    if (opts.count === undefined && (bytes.length * 8 - fill) % 7 === 0 && septets[septets.length - 1] === GSM7.cr) {
      septets = septets.subarray(0, septets.length - 1);
    }
  }
  let out = '';
  for (let i = 0; i < septets.length; i++) {
    const s = (septets[i] ?? 0) & 0x7f;
    if (s !== GSM7.escape) {
      out += DECODE_BASIC[s] ?? '';
      continue;
    }
    if (i + 1 >= septets.length) break;
    const next = (septets[++i] ?? 0) & 0x7f;
    if (next === GSM7.escape) out += ' ';
    else out += DECODE_EXTENSION.get(next) ?? DECODE_BASIC[next] ?? '';
  }
  return out;
}
