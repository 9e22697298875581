/**
 * The GSM 7-bit default alphabet and its extension table, written for the interop oracle from 3GPP TS 23.038
 * §6.2.1 (figures 6.2.1.1 and 6.2.1.1a), as Unicode code points by septet. Shares nothing with internal/sms: the
 * point of the oracle is that a wrong entry there cannot also be wrong here.
 */

/** Septet 0x1B is the escape to the extension table; it is no character. */
export const ESCAPE = 0x1b;

/** Default alphabet, 8 rows of 16 septets (0x00–0x7F). -1 marks the escape. */
const DEFAULT_ALPHABET: readonly number[] = [
  // 0x00  @       £       $       ¥       è       é       ù       ì       ò       Ç       LF      Ø       ø       CR      Å       å
  0x0040, 0x00a3, 0x0024, 0x00a5, 0x00e8, 0x00e9, 0x00f9, 0x00ec, 0x00f2, 0x00c7, 0x000a, 0x00d8, 0x00f8, 0x000d, 0x00c5, 0x00e5,
  // 0x10  Δ       _       Φ       Γ       Λ       Ω       Π       Ψ       Σ       Θ       Ξ       ESC     Æ       æ       ß       É
  0x0394, 0x005f, 0x03a6, 0x0393, 0x039b, 0x03a9, 0x03a0, 0x03a8, 0x03a3, 0x0398, 0x039e, -1, 0x00c6, 0x00e6, 0x00df, 0x00c9,
  // 0x20  SP      !       "       #       ¤       %       &       '       (       )       *       +       ,       -       .       /
  0x0020, 0x0021, 0x0022, 0x0023, 0x00a4, 0x0025, 0x0026, 0x0027, 0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f,
  // 0x30  digits 0–9, then : ; < = > ?
  0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, 0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f,
  // 0x40  ¡, then A–O
  0x00a1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047, 0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f,
  // 0x50  P–Z, then Ä Ö Ñ Ü §
  0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057, 0x0058, 0x0059, 0x005a, 0x00c4, 0x00d6, 0x00d1, 0x00dc, 0x00a7,
  // 0x60  ¿, then a–o
  0x00bf, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, 0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f,
  // 0x70  p–z, then ä ö ñ ü à
  0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077, 0x0078, 0x0079, 0x007a, 0x00e4, 0x00f6, 0x00f1, 0x00fc, 0x00e0,
];

/** Extension table: the septet after an escape → code point. 23.038 leaves every other septet reserved. */
const EXTENSION: ReadonlyMap<number, number> = new Map([
  [0x0a, 0x000c], // FORM FEED (page break)
  [0x14, 0x005e], // ^
  [0x28, 0x007b], // {
  [0x29, 0x007d], // }
  [0x2f, 0x005c], // \
  [0x3c, 0x005b], // [
  [0x3d, 0x007e], // ~
  [0x3e, 0x005d], // ]
  [0x40, 0x007c], // |
  [0x65, 0x20ac], // €
]);

const BY_CHAR = new Map<string, number[]>();
DEFAULT_ALPHABET.forEach((cp, septet) => {
  if (cp >= 0) BY_CHAR.set(String.fromCodePoint(cp), [septet]);
});
for (const [septet, cp] of EXTENSION) BY_CHAR.set(String.fromCodePoint(cp), [ESCAPE, septet]);

/** Every character of the default alphabet, in septet order (the escape is not one). */
export const DEFAULT_CHARS: readonly string[] = DEFAULT_ALPHABET.filter((cp) => cp >= 0).map((cp) => String.fromCodePoint(cp));
/** Every character of the extension table, in septet order. */
export const EXTENSION_CHARS: readonly string[] = [...EXTENSION.values()].map((cp) => String.fromCodePoint(cp));

/** Septets of a text, escape pairs for extension characters; throws on a character outside both tables. */
export function gsmSeptets(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const s = BY_CHAR.get(ch);
    if (!s) throw new Error(`oracle: U+${ch.codePointAt(0)!.toString(16)} is not in the GSM 7-bit default alphabet`);
    out.push(...s);
  }
  return out;
}

/**
 * Unpacked septets (one per octet, as SMPP's data_coding 0 carries them) to text. Strict, because it judges
 * what the gateway sent: an octet with bit 8 set, an escape at the end (an escape pair split across parts)
 * or an escape before a reserved septet are errors, not something to render leniently.
 */
export function decodeGsmSeptets(octets: Uint8Array): string {
  let out = '';
  for (let i = 0; i < octets.length; i++) {
    const s = octets[i]!;
    if (s > 0x7f) throw new Error(`oracle: octet ${i} is 0x${s.toString(16)}, not a septet`);
    if (s !== ESCAPE) {
      out += String.fromCodePoint(DEFAULT_ALPHABET[s]!);
      continue;
    }
    if (i + 1 >= octets.length) throw new Error('oracle: the text ends with a lone escape (an escape pair split across parts?)');
    const cp = EXTENSION.get(octets[++i]!);
    if (cp === undefined) throw new Error(`oracle: escape before reserved septet 0x${octets[i]!.toString(16)}`);
    out += String.fromCodePoint(cp);
  }
  return out;
}

/**
 * Packed septets (23.038 §6.1.2.1.1): septet k is bits fill+7k … fill+7k+6 of the octets read least significant bit
 * first. The count is what the octets hold; when that leaves exactly 7 bits over the sender must have put CR there
 * (zeros would read as '@'), so a CR in that place is padding. Returns one septet per octet, ready for decodeGsmSeptets.
 */
export function unpackGsmSeptets(octets: Uint8Array, fillBits: number): Uint8Array {
  const bits: number[] = [];
  for (const o of octets) for (let b = 0; b < 8; b++) bits.push((o >> b) & 1);
  const usable = bits.slice(fillBits);
  const septets: number[] = [];
  for (let k = 0; 7 * (k + 1) <= usable.length; k++) {
    let s = 0;
    for (let b = 0; b < 7; b++) s |= usable[7 * k + b]! << b;
    septets.push(s);
  }
  // usable bits a multiple of 7: the last septet is either text or the 7 spare bits, which only CR may fill.
  if (usable.length % 7 === 0 && septets[septets.length - 1] === 0x0d) septets.pop();
  return Uint8Array.from(septets);
}
