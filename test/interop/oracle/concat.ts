/**
 * The interop oracle's view of how the parts of one message travel and join: the UDH concatenation IEs of
 * 3GPP TS 23.040 §9.2.3.24.1 (IEI 0x00, 8-bit reference) and §9.2.3.24.8 (IEI 0x08, 16-bit reference), the SAR
 * TLVs and message_payload of SMPP 3.4 §5.3.2, and the 140-octet user data of one air segment (TS 23.040 §9.2.3.16).
 * Each part is decoded on its own before the texts are joined, as a handset shows them: a part that ends inside
 * an escape pair or a surrogate pair cannot pass. Shares nothing with internal/sms.
 */
import { decodeGsmSeptets, unpackGsmSeptets } from './gsm-03-38.js';
import { TAG, type SubmitSm } from './submit-sm.js';

export type Concat = 'none' | 'udh8' | 'udh16' | 'sar' | 'payload';

export interface Part {
  concat: Concat;
  ref: number;
  total: number;
  seq: number;
  dataCoding: number;
  /** Octets of the UDH including its length octet; 0 without one. */
  udhOctets: number;
  /** The UDH's information elements as raw IEI/length/data octets. */
  ies: Buffer[];
  /** The content: short_message after the UDH, or message_payload. */
  content: Buffer;
  /** The content decoded on its own. */
  text: string;
  /** Units the content takes on the air: GSM septets or UCS-2 code units. */
  units: number;
}

export interface ReadOptions {
  /** GSM septets packed 8 into 7 octets (the carrier's gsm7Packed) rather than one per octet. */
  packed?: boolean;
}

const UTF16BE = new TextDecoder('utf-16be', { fatal: true });

/**
 * data_coding 0 (SMSC default alphabet: GSM septets, one per octet, or packed after `fillBits` when `packed`)
 * or 8 (UCS-2, big-endian). Others are not expected.
 */
export function decodeContent(content: Buffer, dataCoding: number, packed?: { fillBits: number }): { text: string; units: number } {
  if (dataCoding === 0) {
    const septets = packed ? unpackGsmSeptets(content, packed.fillBits) : content;
    return { text: decodeGsmSeptets(septets), units: septets.length };
  }
  if (dataCoding === 8) {
    if (content.length % 2 !== 0) throw new Error(`oracle: UCS-2 content of odd length ${content.length}`);
    // fatal: a lone surrogate (a pair split across parts) throws instead of becoming U+FFFD.
    return { text: UTF16BE.decode(content), units: content.length / 2 };
  }
  throw new Error(`oracle: unexpected data_coding ${dataCoding}`);
}

/** TS 23.040 §9.2.3.24: packed septets after a UDH start on the next septet boundary of the user data. */
function fillBitsAfter(udhOctets: number): number {
  return (7 - ((udhOctets * 8) % 7)) % 7;
}

function udhOf(sm: Buffer): { octets: number; ies: Buffer[] } {
  const udhl = sm[0];
  if (udhl === undefined || udhl + 1 > sm.length) throw new Error('oracle: UDHI set but the UDH does not fit the short_message');
  const ies: Buffer[] = [];
  for (let i = 1; i < udhl + 1; ) {
    const len = sm[i + 1];
    if (len === undefined || i + 2 + len > udhl + 1) throw new Error('oracle: a UDH information element runs past the UDH');
    ies.push(Buffer.from(sm.subarray(i, i + 2 + len)));
    i += 2 + len;
  }
  return { octets: udhl + 1, ies };
}

function concatIe(ies: Buffer[]): { concat: 'udh8' | 'udh16'; ref: number; total: number; seq: number } | null {
  const found = ies.filter((ie) => ie[0] === 0x00 || ie[0] === 0x08);
  if (found.length > 1) throw new Error('oracle: more than one concatenation IE');
  const ie = found[0];
  if (!ie) return null;
  if (ie[0] === 0x00) {
    if (ie[1] !== 3) throw new Error(`oracle: IEI 0x00 with length ${ie[1]}, not 3`);
    return { concat: 'udh8', ref: ie[2]!, total: ie[3]!, seq: ie[4]! };
  }
  if (ie[1] !== 4) throw new Error(`oracle: IEI 0x08 with length ${ie[1]}, not 4`);
  return { concat: 'udh16', ref: ie.readUInt16BE(2), total: ie[4]!, seq: ie[5]! };
}

export function readPart(sm: SubmitSm, opts: ReadOptions = {}): Part {
  const base = { dataCoding: sm.dataCoding };
  const decode = (content: Buffer, udhOctets: number) => decodeContent(content, sm.dataCoding, opts.packed ? { fillBits: fillBitsAfter(udhOctets) } : undefined);
  const payload = sm.tlvs.get(TAG.messagePayload);
  const sar = [TAG.sarMsgRefNum, TAG.sarTotalSegments, TAG.sarSegmentSeqnum].map((t) => sm.tlvs.get(t));
  if (payload) {
    // §5.3.2.32: with message_payload, sm_length must be 0.
    if (sm.shortMessage.length !== 0) throw new Error('oracle: message_payload and a non-empty short_message together');
    if (sar.some(Boolean) || sm.esmClass & 0x40) throw new Error('oracle: message_payload with SAR TLVs or a UDH');
    return { ...base, concat: 'payload', ref: 0, total: 1, seq: 1, udhOctets: 0, ies: [], content: payload, ...decode(payload, 0) };
  }
  if (sm.esmClass & 0x40) {
    if (sar.some(Boolean)) throw new Error('oracle: UDH and SAR TLVs in one part');
    const udh = udhOf(sm.shortMessage);
    const c = concatIe(udh.ies);
    if (!c) throw new Error('oracle: UDH without a concatenation IE');
    const content = sm.shortMessage.subarray(udh.octets);
    return { ...base, ...c, udhOctets: udh.octets, ies: udh.ies, content, ...decode(content, udh.octets) };
  }
  if (sar.some(Boolean)) {
    const [ref, total, seq] = sar;
    if (!ref || !total || !seq) throw new Error('oracle: SAR TLVs must come as a set of three');
    if (ref.length !== 2 || total.length !== 1 || seq.length !== 1) throw new Error('oracle: SAR TLV of the wrong size (2, 1, 1 octets)');
    const content = sm.shortMessage;
    return { ...base, concat: 'sar', ref: ref.readUInt16BE(0), total: total[0]!, seq: seq[0]!, udhOctets: 0, ies: [], content, ...decode(content, 0) };
  }
  const content = sm.shortMessage;
  return { ...base, concat: 'none', ref: 0, total: 1, seq: 1, udhOctets: 0, ies: [], content, ...decode(content, 0) };
}

/**
 * Units one air segment carries after a UDH of `udhOctets` octets: 140 octets of user data, GSM septets packed
 * from the septet boundary after the UDH (TS 23.040 §9.2.3.24), UCS-2 two octets a unit.
 */
export function airCapacity(dataCoding: number, udhOctets: number): number {
  return dataCoding === 0 ? Math.floor((140 * 8 - udhOctets * 8) / 7) : Math.floor((140 - udhOctets) / 2);
}

/** Units a part's content takes on the air: septets or UCS-2 code units. */
export function unitsOf(p: Part): number {
  return p.units;
}

/**
 * SAR parts carry no UDH, but the SMSC adds one on the air: the 6-octet UDH of an 8-bit reference, the common
 * choice (the gateway's README assumes the same), so a SAR part must fit what that leaves.
 */
export const SAR_AIR_UDH_OCTETS = 6;

/** Joins the parts of one message: one reference, one total, one data_coding, every seq 1..total exactly once. */
export function joinParts(parts: readonly Part[]): { text: string; parts: Part[] } {
  if (parts.length === 0) throw new Error('oracle: no parts');
  const first = parts[0]!;
  if (parts.length === 1 && (first.concat === 'none' || first.concat === 'payload')) return { text: first.text, parts: [first] };
  for (const p of parts) {
    if (p.concat !== first.concat) throw new Error(`oracle: parts mix ${first.concat} and ${p.concat}`);
    if (p.ref !== first.ref) throw new Error(`oracle: parts carry references ${first.ref} and ${p.ref}`);
    if (p.total !== first.total) throw new Error(`oracle: parts say ${first.total} and ${p.total} in all`);
    if (p.dataCoding !== first.dataCoding) throw new Error('oracle: parts of one message with different data_coding');
  }
  if (first.total < 2) throw new Error(`oracle: a concatenated message of total ${first.total}`);
  const bySeq = new Map<number, Part>();
  for (const p of parts) {
    if (p.seq < 1 || p.seq > first.total) throw new Error(`oracle: seq ${p.seq} outside 1..${first.total}`);
    if (bySeq.has(p.seq)) throw new Error(`oracle: seq ${p.seq} sent twice`);
    bySeq.set(p.seq, p);
  }
  if (bySeq.size !== first.total) throw new Error(`oracle: ${bySeq.size} of ${first.total} parts`);
  const ordered = Array.from({ length: first.total }, (_, i) => bySeq.get(i + 1)!);
  return { text: ordered.map((p) => p.text).join(''), parts: ordered };
}
