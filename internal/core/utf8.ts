/**
 * Strict UTF-8 for request bodies: a body with invalid bytes is refused with the offset of the first one, instead of
 * being decoded with U+FFFD in their place (which would send the phone "�" for what the client meant). Pure.
 */
import { isUtf8 } from 'node:buffer';

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Byte offset of the first byte that does not belong to a valid UTF-8 sequence, or -1 when all are valid. */
export function invalidUtf8Offset(b: Uint8Array): number {
  // The native check is the common path; the scan below runs only for bodies already known to be bad.
  if (isUtf8(b)) return -1;
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (x & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

export type Utf8Decode = { ok: true; text: string } | { ok: false; offset: number };

/** Decodes strictly; on failure says where. */
export function decodeUtf8(b: Uint8Array): Utf8Decode {
  try {
    return { ok: true, text: fatal.decode(b) };
  } catch {
    const offset = invalidUtf8Offset(b);
    return { ok: false, offset: offset < 0 ? 0 : offset };
  }
}
