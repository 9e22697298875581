/** Inbound (MO) concatenation: reads the concatenation IE from a UDH and joins the parts of one message. Pure: time is an argument. */

/** TS 23.040 §9.2.3.24.1 and .8: concatenated SM with 8-bit and 16-bit reference. */
const IEI = { concat8: 0x00, concat16: 0x08 } as const;

export interface UdhConcat {
  ref: number;
  total: number;
  seq: number;
  /** Octets the UDH takes including its length octet: the text starts here. */
  headerLength: number;
}

/**
 * The concatenation IE of a short_message that starts with a UDH (esm_class UDHI), or null when there
 * is none, the header is malformed, or the IE is one 23.040 tells receivers to ignore (total or seq 0, seq > total).
 * Other IEs (ports, national language shifts, ...) are skipped; when several concat IEs appear the last counts, as 23.040 says.
 */
export function parseUdh(shortMessage: Uint8Array): UdhConcat | null {
  const udhl = shortMessage[0];
  if (udhl === undefined || udhl === 0 || udhl + 1 > shortMessage.length) return null;
  const headerLength = udhl + 1;
  let found: UdhConcat | null = null;
  let i = 1;
  while (i + 2 <= headerLength) {
    const iei = shortMessage[i] ?? 0;
    const len = shortMessage[i + 1] ?? 0;
    const data = i + 2;
    if (data + len > headerLength) return null;
    if (iei === IEI.concat8 && len === 3) {
      found = concatOf(shortMessage[data] ?? 0, shortMessage[data + 1] ?? 0, shortMessage[data + 2] ?? 0, headerLength);
    } else if (iei === IEI.concat16 && len === 4) {
      const ref = ((shortMessage[data] ?? 0) << 8) | (shortMessage[data + 1] ?? 0);
      found = concatOf(ref, shortMessage[data + 2] ?? 0, shortMessage[data + 3] ?? 0, headerLength);
    }
    i = data + len;
  }
  return found;
}

function concatOf(ref: number, total: number, seq: number, headerLength: number): UdhConcat | null {
  if (total === 0 || seq === 0 || seq > total) return null;
  return { ref, total, seq, headerLength };
}

export interface MoPart {
  ref: number;
  total: number;
  /** 1-based. */
  seq: number;
  /** The part's content, UDH already removed. */
  bytes: Buffer;
  dataCoding: number;
}

export type AddResult = { complete: false } | { complete: true; parts: Buffer[]; dataCoding: number };

export interface DroppedGroup {
  key: string;
  ref: number;
  total: number;
  /** Seqs that had arrived, ascending. */
  received: number[];
  reason: 'expired' | 'evicted';
}

export interface Reassembler {
  /** key identifies the sender (carrier + source address): refs are only unique per sender. */
  add(key: string, part: MoPart, now: number): AddResult;
  /** Drops groups older than ttlMs; returns them, and any evicted for room since the last sweep. */
  sweep(now: number): DroppedGroup[];
  /** Groups waiting for parts. */
  readonly pending: number;
}

export interface ReassemblerOptions {
  /** A group is dropped this long after its first part arrived. */
  ttlMs: number;
  /** At most this many groups wait at once; the oldest is evicted to make room. */
  maxPending: number;
}

interface Group {
  key: string;
  ref: number;
  total: number;
  firstAt: number;
  parts: Array<MoPart | undefined>;
  received: number;
}

const NOT_COMPLETE = Object.freeze({ complete: false as const });

export function createReassembler(opts: ReassemblerOptions): Reassembler {
  if (!(opts.ttlMs > 0)) throw new RangeError('ttlMs must be > 0');
  if (!Number.isInteger(opts.maxPending) || opts.maxPending < 1) throw new RangeError('maxPending must be an integer ≥ 1');
  // Map keeps insertion order, and a group is never re-inserted, so the first entry is always the oldest.
  const groups = new Map<string, Group>();
  let evicted: DroppedGroup[] = [];

  function drop(g: Group, reason: DroppedGroup['reason']): DroppedGroup {
    const received: number[] = [];
    g.parts.forEach((p, i) => {
      if (p) received.push(i + 1);
    });
    return { key: g.key, ref: g.ref, total: g.total, received, reason };
  }

  return {
    get pending() {
      return groups.size;
    },

    add(key, part, now) {
      const { ref, total, seq } = part;
      if (!Number.isInteger(total) || !Number.isInteger(seq) || total < 1 || seq < 1 || seq > total) return NOT_COMPLETE;
      if (total === 1) return { complete: true, parts: [part.bytes], dataCoding: part.dataCoding };

      // total is part of the identity: a reused ref with a different total is another message.
      const id = groupId(key, ref, total);
      let g = groups.get(id);
      if (g && now - g.firstAt >= opts.ttlMs) {
        groups.delete(id);
        evicted.push(drop(g, 'expired'));
        g = undefined;
      }
      if (!g) {
        while (groups.size >= opts.maxPending) {
          const oldest = groups.values().next().value as Group;
          groups.delete(groupId(oldest.key, oldest.ref, oldest.total));
          evicted.push(drop(oldest, 'evicted'));
        }
        // Bounded like the groups, so a caller that never sweeps cannot grow it without limit.
        if (evicted.length > opts.maxPending) evicted = evicted.slice(-opts.maxPending);
        g = { key, ref, total, firstAt: now, parts: new Array<MoPart | undefined>(total), received: 0 };
        groups.set(id, g);
      }
      if (g.parts[seq - 1]) return NOT_COMPLETE;
      g.parts[seq - 1] = part;
      g.received++;
      if (g.received < total) return NOT_COMPLETE;

      groups.delete(id);
      const ordered = g.parts as MoPart[];
      return { complete: true, parts: ordered.map((p) => p.bytes), dataCoding: ordered[0]?.dataCoding ?? part.dataCoding };
    },

    sweep(now) {
      const out = evicted;
      evicted = [];
      // A full scan rather than stopping at the first live group: callers' clocks are not guaranteed monotonic.
      for (const [id, g] of groups) {
        if (now - g.firstAt < opts.ttlMs) continue;
        groups.delete(id);
        out.push(drop(g, 'expired'));
      }
      return out;
    },
  };
}

function groupId(key: string, ref: number, total: number): string {
  return `${key}\u0000${ref}\u0000${total}`;
}
