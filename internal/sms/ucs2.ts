/** UCS-2 text as SMS carries it (data_coding 8): UTF-16BE octets and counting in 16-bit code units. */

/** Code units the text takes: a character outside the BMP is a surrogate pair and counts 2. */
export function ucs2Units(text: string): number {
  return text.length;
}

export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** UTF-16BE, two octets per code unit. Surrogate pairs pass through as the two units, which handsets render. */
export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/** UTF-16BE octets to text. An odd trailing octet is half a unit and is ignored. */
export function decodeUcs2(buf: Uint8Array): string {
  const even = buf.length & ~1;
  const copy = Buffer.from(buf.subarray(0, even));
  return copy.swap16().toString('utf16le');
}
