/** How much a text costs to send: its encoding, units and segment count, from the one split rule the segmenter also uses. */
import { AppError } from '../core/errors.js';
import { gsm7CharSeptets, gsm7Septets } from './gsm7.js';
import { isHighSurrogate, isLowSurrogate } from './ucs2.js';
import type { TextEncoding } from './message.js';

/** How parts of a long message are tied together: UDH with 8- or 16-bit reference, SMPP SAR TLVs, or message_payload. */
export type ConcatMethod = 'udh8' | 'udh16' | 'sar' | 'payload';

/** Units per segment: GSM septets, UCS-2 code units, or octets (latin1, binary). Per 3GPP TS 23.040 a TPDU carries 140 octets. */
export const SEGMENT_CAPACITY = {
  gsm7: { single: 160, udh8: 153, udh16: 152 },
  ucs2: { single: 70, udh8: 67, udh16: 66 },
  octet: { single: 140, udh8: 134, udh16: 133 },
} as const;

export type UnitKind = keyof typeof SEGMENT_CAPACITY;

export interface Capacity {
  single: number;
  perPart: number;
}

/**
 * SAR and message_payload hand the splitting to the SMSC, which adds its own UDH on the air; we assume
 * the common 8-bit reference IE, hence the udh8 capacity (a 16-bit one would cost one more unit per part).
 */
export function capacityFor(kind: UnitKind, concat: ConcatMethod = 'udh8'): Capacity {
  const c = SEGMENT_CAPACITY[kind];
  return { single: c.single, perPart: concat === 'udh16' ? c.udh16 : c.udh8 };
}

export type SplitEncoding = TextEncoding | 'latin1';

/**
 * Greedy split of text into parts of at most perPart units, never separating an escape pair (GSM) or a
 * surrogate pair (UCS-2). Returns the part count; when starts is given, pushes each part's first char index.
 * The text must be encodable in the encoding. Analyse and segment both call this, so they cannot disagree.
 */
export function splitParts(text: string, encoding: SplitEncoding, perPart: number, starts?: number[]): number {
  let parts = 1;
  let used = 0;
  starts?.push(0);
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    let width = 1;
    let step = 1;
    if (encoding === 'gsm7') {
      width = gsm7CharSeptets(code);
    } else if (encoding === 'ucs2' && isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(i + 1))) {
      width = 2;
      step = 2;
    }
    if (used + width > perPart) {
      parts++;
      used = 0;
      starts?.push(i);
    }
    used += width;
    i += step;
  }
  return parts;
}

export interface AnalyzeOptions {
  encoding?: 'auto' | 'gsm7' | 'ucs2';
  /** Only udh16 changes the count (one unit less per part); the default matches segmentText's default. */
  concat?: ConcatMethod;
}

export interface TextAnalysis {
  encoding: TextEncoding;
  /** GSM septets (escape pairs count 2) or UCS-2 code units (surrogate pairs count 2). */
  units: number;
  /** Segments on the air; empty text is one (empty) segment. */
  segments: number;
}

/** Throws AppError('not_encodable') when gsm7 is forced on text outside the GSM alphabet. */
export function analyzeText(text: string, opts: AnalyzeOptions = {}): TextAnalysis {
  const requested = opts.encoding ?? 'auto';
  let encoding: TextEncoding = 'ucs2';
  let units = text.length;
  if (requested !== 'ucs2') {
    const septets = gsm7Septets(text);
    if (septets >= 0) {
      encoding = 'gsm7';
      units = septets;
    } else if (requested === 'gsm7') {
      throw new AppError('not_encodable', 'text has characters outside the GSM 7-bit alphabet');
    }
  }
  const cap = capacityFor(encoding, opts.concat);
  const segments = units <= cap.single ? 1 : splitParts(text, encoding, cap.perPart);
  return { encoding, units, segments };
}
