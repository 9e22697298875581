/** Builds the submit_sm parts for one message: encoding, splitting, and the UDH / SAR / message_payload that ties parts together. */
import { AppError } from '../core/errors.js';
import { capacityFor, splitParts, type ConcatMethod, type UnitKind } from './analyze.js';
import { encodeGsm7, isGsm7, packSeptets } from './gsm7.js';
import { encodeUcs2 } from './ucs2.js';

export type { ConcatMethod } from './analyze.js';

/** SMPP 3.4 §5.2.19 data_coding values we emit. */
export const DATA_CODING = {
  smscDefault: 0,
  ia5: 1,
  latin1: 3,
  binary: 4,
  ucs2: 8,
} as const;

export const ESM_CLASS = { udhi: 0x40 } as const;

/** TS 23.040 §9.2.3.24: concatenation information elements. */
const IEI = { concat8: 0x00, concat16: 0x08 } as const;

const LIMITS = {
  /** total and seq are one octet in the UDH IEs and in sar_total_segments / sar_segment_seqnum. */
  maxParts: 255,
  /** message_payload length is a 16-bit field. */
  maxPayload: 0xffff,
} as const;

export interface SegmentOptions {
  /** latin1: data_coding 3, one octet per character; only for text with every character ≤ U+00FF. */
  encoding?: 'auto' | 'gsm7' | 'ucs2' | 'latin1';
  /** Default udh8. */
  concat?: ConcatMethod;
  /** Default false: most SMSCs want one septet per octet in short_message. */
  gsm7Packed?: boolean;
  /** data_coding to label GSM text with: default 0 (SMSC default alphabet); some SMSCs want 1. */
  gsmDataCoding?: number;
  /** Shared by all parts: 0..255 for udh8, 0..65535 for udh16 and sar. Checked even for single-part text, so a bad value fails early. */
  reference: number;
}

export interface SubmitPart {
  /** ≤ 254 octets; empty when the content travels in messagePayload. */
  shortMessage: Buffer;
  dataCoding: number;
  /** 0x40 (UDHI) when shortMessage starts with a UDH, else 0. */
  esmClass: number;
  sar?: { refNum: number; total: number; seq: number };
  messagePayload?: Buffer;
}

export type SegmentEncoding = 'gsm7' | 'ucs2' | 'latin1';

/**
 * Splits text into the submit_sm parts for one message, in order. Single-segment text gets no UDH or
 * SAR, whatever the concat method (so 'payload' only applies when the text needs more than one segment).
 * Throws AppError 'not_encodable' / 'too_long', RangeError for a bad reference or data_coding.
 */
export function segmentText(text: string, opts: SegmentOptions): { encoding: SegmentEncoding; parts: SubmitPart[] } {
  const concat = opts.concat ?? 'udh8';
  checkReference(opts.reference, concat);
  const encoding = resolveEncoding(text, opts.encoding ?? 'auto');
  const dataCoding = dataCodingFor(encoding, opts.gsmDataCoding);
  const packed = encoding === 'gsm7' && (opts.gsm7Packed ?? false);
  const kind: UnitKind = encoding === 'latin1' ? 'octet' : encoding;
  const cap = capacityFor(kind, concat);

  const whole = encodeText(text, encoding);
  const units = encoding === 'ucs2' ? whole.length / 2 : whole.length;
  if (units <= cap.single) {
    return { encoding, parts: [{ shortMessage: packed ? packSeptets(whole) : whole, dataCoding, esmClass: 0 }] };
  }
  if (concat === 'payload') {
    return { encoding, parts: [payloadPart(packed ? packSeptets(whole) : whole, dataCoding)] };
  }

  const starts: number[] = [];
  const total = splitParts(text, encoding, cap.perPart, starts);
  checkTotal(total);
  const parts = starts.map((start, i) => {
    const body = encodeText(text.slice(start, starts[i + 1] ?? text.length), encoding);
    return concatPart(body, { concat, packed, dataCoding, ref: opts.reference, total, seq: i + 1 });
  });
  return { encoding, parts };
}

/** Binary (data_coding 4): 140 octets in one part, else 134 per part with an 8-bit UDH (133 with a 16-bit one). */
export function segmentBinary(data: Buffer, opts: { concat?: ConcatMethod; reference: number }): SubmitPart[] {
  const concat = opts.concat ?? 'udh8';
  checkReference(opts.reference, concat);
  const cap = capacityFor('octet', concat);
  const dataCoding = DATA_CODING.binary;
  if (data.length <= cap.single) return [{ shortMessage: Buffer.from(data), dataCoding, esmClass: 0 }];
  if (concat === 'payload') return [payloadPart(Buffer.from(data), dataCoding)];
  const total = Math.ceil(data.length / cap.perPart);
  checkTotal(total);
  const parts: SubmitPart[] = [];
  for (let i = 0; i < total; i++) {
    const body = data.subarray(i * cap.perPart, (i + 1) * cap.perPart);
    parts.push(concatPart(body, { concat, packed: false, dataCoding, ref: opts.reference, total, seq: i + 1 }));
  }
  return parts;
}

interface PartContext {
  concat: Exclude<ConcatMethod, 'payload'>;
  packed: boolean;
  dataCoding: number;
  ref: number;
  total: number;
  seq: number;
}

function concatPart(body: Buffer, c: PartContext): SubmitPart {
  if (c.concat === 'sar') {
    return {
      shortMessage: c.packed ? packSeptets(body) : Buffer.from(body),
      dataCoding: c.dataCoding,
      esmClass: 0,
      sar: { refNum: c.ref, total: c.total, seq: c.seq },
    };
  }
  const udh = buildUdh(c.concat, c.ref, c.total, c.seq);
  // Packed septets after a UDH start on the next septet boundary of the whole user data (TS 23.040 §9.2.3.24).
  const fillBits = (7 - ((udh.length * 8) % 7)) % 7;
  const content = c.packed ? packSeptets(body, fillBits) : body;
  return { shortMessage: Buffer.concat([udh, content]), dataCoding: c.dataCoding, esmClass: ESM_CLASS.udhi };
}

function buildUdh(concat: 'udh8' | 'udh16', ref: number, total: number, seq: number): Buffer {
  if (concat === 'udh8') return Buffer.from([0x05, IEI.concat8, 0x03, ref, total, seq]);
  return Buffer.from([0x06, IEI.concat16, 0x04, ref >> 8, ref & 0xff, total, seq]);
}

function payloadPart(content: Buffer, dataCoding: number): SubmitPart {
  if (content.length > LIMITS.maxPayload) {
    throw new AppError('too_long', `message_payload of ${content.length} octets exceeds ${LIMITS.maxPayload}`);
  }
  return { shortMessage: Buffer.alloc(0), dataCoding, esmClass: 0, messagePayload: content };
}

function resolveEncoding(text: string, requested: NonNullable<SegmentOptions['encoding']>): SegmentEncoding {
  if (requested === 'auto') return isGsm7(text) ? 'gsm7' : 'ucs2';
  if (requested === 'latin1') {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > 0xff) {
        throw new AppError('not_encodable', `character at index ${i} is outside Latin-1`);
      }
    }
  }
  return requested;
}

function encodeText(text: string, encoding: SegmentEncoding): Buffer {
  if (encoding === 'gsm7') return encodeGsm7(text);
  if (encoding === 'ucs2') return encodeUcs2(text);
  return Buffer.from(text, 'latin1');
}

function dataCodingFor(encoding: SegmentEncoding, gsmDataCoding: number | undefined): number {
  if (encoding === 'ucs2') return DATA_CODING.ucs2;
  if (encoding === 'latin1') return DATA_CODING.latin1;
  const dc = gsmDataCoding ?? DATA_CODING.smscDefault;
  if (!Number.isInteger(dc) || dc < 0 || dc > 0xff) throw new RangeError(`gsmDataCoding must be 0..255, got ${dc}`);
  return dc;
}

function checkReference(ref: number, concat: ConcatMethod): void {
  const max = concat === 'udh8' ? 0xff : 0xffff;
  if (!Number.isInteger(ref) || ref < 0 || ref > max) {
    throw new RangeError(`reference for ${concat} must be an integer 0..${max}, got ${ref}`);
  }
}

function checkTotal(total: number): void {
  if (total > LIMITS.maxParts) {
    throw new AppError('too_long', `message needs ${total} parts; concatenation allows at most ${LIMITS.maxParts}`);
  }
}
