/** Picks the on-air encoding of a message's content and counts its segments, for every content kind. Pure. */
import { AppError } from '../core/errors.js';
import { analyzeText, capacityFor, type ConcatMethod } from './analyze.js';
import type { ContentEncoding } from './message.js';

export type RequestedEncoding = 'auto' | ContentEncoding;

export type ContentAnalysis = { ok: true; encoding: ContentEncoding; segments: number } | { ok: false; reason: string };

const LATIN1 = /^[\u0000-\u00ff]*$/;

function octetSegments(octets: number, concat: ConcatMethod): number {
  const cap = capacityFor('octet', concat);
  return octets <= cap.single ? 1 : Math.ceil(octets / cap.perPart);
}

export function analyzeContent(text: string, requested: RequestedEncoding, concat: ConcatMethod): ContentAnalysis {
  switch (requested) {
    case 'binary':
      return { ok: true, encoding: 'binary', segments: octetSegments(text.length / 2, concat) };
    case 'latin1':
      if (!LATIN1.test(text)) return { ok: false, reason: 'has characters outside Latin-1 (ISO-8859-1); use encoding "ucs2" or "auto"' };
      return { ok: true, encoding: 'latin1', segments: octetSegments(text.length, concat) };
    default:
      try {
        const a = analyzeText(text, { encoding: requested, concat });
        return { ok: true, encoding: a.encoding, segments: a.segments };
      } catch (err) {
        if (err instanceof AppError && err.code === 'not_encodable') {
          return { ok: false, reason: 'has characters outside the GSM 03.38 alphabet; use encoding "ucs2" or "auto"' };
        }
        throw err;
      }
  }
}
