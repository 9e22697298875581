/**
 * Reads the PubAck of a stored message without JSON.parse: an edge receives two per keyed SMS, and decoding each one
 * to a string and an object was about 2 % of its CPU. Only the shapes nats-server writes for a message stored or
 * found a duplicate are read here (`{"stream":"S", "seq":N}`, then `,"duplicate": true` for a duplicate); anything
 * else (an error, a domain, a field a later server adds) is left to the caller's JSON.parse.
 */

export interface StoredAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

const STREAM = bytes('{"stream":"');
const SEQ = bytes('"seq":');
const DUPLICATE = bytes('"duplicate":');
const TRUE = bytes('true');
const QUOTE = 0x22;
const COMMA = 0x2c;
const SPACE = 0x20;
const CLOSE = 0x7d;
const BACKSLASH = 0x5c;

function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function at(d: Uint8Array, i: number, lit: Uint8Array): boolean {
  if (i + lit.length > d.length) return false;
  for (let k = 0; k < lit.length; k++) if (d[i + k] !== lit[k]) return false;
  return true;
}

function skipSpaces(d: Uint8Array, i: number): number {
  while (d[i] === SPACE) i++;
  return i;
}

// The stream name of the last ack, kept so that the usual case (every ack from the same few streams) makes no string.
let lastName = '';
let lastBytes = new Uint8Array(0);

function streamName(d: Uint8Array, from: number, to: number): string {
  const n = to - from;
  if (n === lastBytes.length) {
    let same = true;
    for (let k = 0; k < n; k++) {
      if (d[from + k] !== lastBytes[k]) {
        same = false;
        break;
      }
    }
    if (same) return lastName;
  }
  lastBytes = d.slice(from, to);
  lastName = String.fromCharCode(...lastBytes);
  return lastName;
}

/** The ack of a stored (or duplicate) message, or undefined when `d` is anything else. */
export function readStoredAck(d: Uint8Array): StoredAck | undefined {
  if (!at(d, 0, STREAM)) return undefined;
  let i = STREAM.length;
  const nameFrom = i;
  while (i < d.length && d[i] !== QUOTE) {
    // An escape or a byte beyond ASCII: not a name this reader makes a string of.
    if (d[i] === BACKSLASH || d[i]! >= 0x80) return undefined;
    i++;
  }
  if (i >= d.length || i === nameFrom) return undefined;
  const nameTo = i++;
  if (d[i++] !== COMMA) return undefined;
  i = skipSpaces(d, i);
  if (!at(d, i, SEQ)) return undefined;
  i = skipSpaces(d, i + SEQ.length);
  const digitsFrom = i;
  let seq = 0;
  while (i < d.length && d[i]! >= 0x30 && d[i]! <= 0x39) seq = seq * 10 + (d[i++]! - 0x30);
  // At least one digit, and few enough that the number is exact.
  if (i === digitsFrom || i - digitsFrom > 15) return undefined;
  let duplicate = false;
  if (d[i] === COMMA) {
    i = skipSpaces(d, i + 1);
    if (!at(d, i, DUPLICATE)) return undefined;
    i = skipSpaces(d, i + DUPLICATE.length);
    if (!at(d, i, TRUE)) return undefined;
    i += TRUE.length;
    duplicate = true;
  }
  if (d[i] !== CLOSE || i + 1 !== d.length) return undefined;
  return { stream: streamName(d, nameFrom, nameTo), seq, duplicate };
}
