/** The interop oracle's encoders, for MO content the test builds itself: GSM septets one per octet, UCS-2 big-endian. */
import { gsmSeptets } from './gsm-03-38.js';

export function gsmOctets(text: string): Buffer {
  return Buffer.from(gsmSeptets(text));
}

/** UTF-16 code units, high octet first (what SMPP's data_coding 8 carries). */
export function utf16beOctets(text: string): Buffer {
  const out = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out[2 * i] = u >> 8;
    out[2 * i + 1] = u & 0xff;
  }
  return out;
}

export function contentOctets(text: string, dataCoding: 0 | 8): Buffer {
  return dataCoding === 0 ? gsmOctets(text) : utf16beOctets(text);
}
