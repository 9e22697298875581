/**
 * W3C Trace Context `traceparent` values (https://www.w3.org/TR/trace-context/): read from a client, or made at the
 * edge. Ids come from counters behind one random prefix per process, so a message costs no random bytes: trace ids
 * stay unique across processes by the prefix and within one by the counter.
 */
import { randomBytes } from 'node:crypto';

/** The header (HTTP and NATS) and the log field name. */
export const TRACEPARENT = 'traceparent';

const VERSION_00 = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const LATER_VERSION = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export interface TraceParent {
  traceId: string;
  parentId: string;
  flags: string;
}

/** A valid header, or undefined: a malformed one is ignored (a new trace starts), as the spec asks. */
export function parseTraceparent(raw: string | undefined): TraceParent | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim();
  let m = VERSION_00.exec(v);
  let traceId: string, parentId: string, flags: string;
  if (m) {
    [, traceId, parentId, flags] = m as unknown as [string, string, string, string];
  } else {
    // A later version is read as version 00 from its first fields; version ff is invalid.
    m = LATER_VERSION.exec(v);
    if (!m || m[1] === 'ff' || m[1] === '00') return undefined;
    [, , traceId, parentId, flags] = m as unknown as [string, string, string, string, string];
  }
  if (traceId === ZERO_TRACE || parentId === ZERO_SPAN) return undefined;
  return { traceId, parentId, flags };
}

export function formatTraceparent(t: TraceParent): string {
  return `00-${t.traceId}-${t.parentId}-${t.flags}`;
}

export interface TraceIds {
  /** A traceparent for a new span: in the caller's trace when `parent` is valid, in a new trace otherwise. */
  next(parent?: string): string;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** A 64-bit counter as two 32-bit halves, formatted as 16 hex digits, never all zero. */
function counter(start: Buffer): () => string {
  let hi = start.readUInt32BE(0);
  let lo = start.readUInt32BE(4);
  // The high half changes once in 2^32 calls: formatted then, not every time.
  let hiHex = hex8(hi);
  return () => {
    lo = (lo + 1) >>> 0;
    if (lo === 0) {
      hi = (hi + 1) >>> 0;
      hiHex = hex8(hi);
      if (hi === 0) lo = 1;
    }
    return hiHex + hex8(lo);
  };
}

/** `seed` (24 bytes: trace prefix, trace counter start, span counter start) is for tests; the default is random. */
export function createTraceIds(seed: Buffer = randomBytes(24)): TraceIds {
  const prefix = seed.subarray(0, 8).equals(Buffer.alloc(8)) ? '0000000000000001' : seed.subarray(0, 8).toString('hex');
  const traceNo = counter(seed.subarray(8, 16));
  const spanNo = counter(seed.subarray(16, 24));
  return {
    next(parent) {
      const p = parseTraceparent(parent);
      if (p) return formatTraceparent({ traceId: p.traceId, parentId: spanNo(), flags: p.flags });
      return formatTraceparent({ traceId: prefix + traceNo(), parentId: spanNo(), flags: '01' });
    },
  };
}
