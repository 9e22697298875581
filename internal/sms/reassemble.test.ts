import { describe, expect, it } from 'vitest';
import { createReassembler, parseUdh, type MoPart } from './reassemble.js';
import { segmentText } from './segment.js';

const part = (seq: number, total = 3, ref = 42, text = `p${seq}`): MoPart => ({ ref, total, seq, bytes: Buffer.from(text), dataCoding: 0 });
const texts = (r: { complete: boolean; parts?: Buffer[] }) => (r.complete ? r.parts?.map((b) => b.toString()) : null);

describe('parseUdh', () => {
  it('reads an 8-bit concat IE', () => {
    expect(parseUdh(Buffer.from('050003ab0302414243', 'hex'))).toEqual({ ref: 0xab, total: 3, seq: 2, headerLength: 6 });
  });

  it('reads a 16-bit concat IE', () => {
    expect(parseUdh(Buffer.from('0608041234050141', 'hex'))).toEqual({ ref: 0x1234, total: 5, seq: 1, headerLength: 7 });
  });

  it('finds the concat IE among other IEs (port addressing, national language shift)', () => {
    // IE 05 (16-bit ports, 4 octets), IE 25 (locking shift, 1 octet), then IE 00.
    expect(parseUdh(Buffer.from('0e' + '050415811581' + '250101' + '000307020141', 'hex'))).toEqual({ ref: 7, total: 2, seq: 1, headerLength: 15 });
    expect(parseUdh(Buffer.from('0a' + '0804beef0302' + '250101' + '41', 'hex'))).toEqual({ ref: 0xbeef, total: 3, seq: 2, headerLength: 11 });
  });

  it('returns null without a concat IE, for malformed headers, and for IEs 23.040 says to ignore', () => {
    expect(parseUdh(Buffer.from('06050415811581', 'hex'))).toBeNull(); // ports only
    expect(parseUdh(Buffer.alloc(0))).toBeNull();
    expect(parseUdh(Buffer.from('00', 'hex'))).toBeNull();
    expect(parseUdh(Buffer.from('050003ab03', 'hex'))).toBeNull(); // header longer than the message
    expect(parseUdh(Buffer.from('0500050102', 'hex'))).toBeNull(); // IE length overruns the header
    expect(parseUdh(Buffer.from('050003ab0000', 'hex'))).toBeNull(); // total 0
    expect(parseUdh(Buffer.from('050003ab0300', 'hex'))).toBeNull(); // seq 0
    expect(parseUdh(Buffer.from('050003ab0304', 'hex'))).toBeNull(); // seq > total
    expect(parseUdh(Buffer.from('050004ab030141', 'hex'))).toBeNull(); // wrong IE length for 0x00
  });

  it('reads what segmentText writes', () => {
    for (const concat of ['udh8', 'udh16'] as const) {
      const { parts } = segmentText('x'.repeat(400), { reference: 200, concat });
      expect(parts.map((p) => parseUdh(p.shortMessage))).toEqual(
        parts.map((_, i) => ({ ref: 200, total: 3, seq: i + 1, headerLength: concat === 'udh8' ? 6 : 7 })),
      );
    }
  });
});

describe('reassembler', () => {
  it('completes when all parts arrived, in any order, returning them in sequence', () => {
    const orders = [[1, 2, 3], [3, 2, 1], [2, 3, 1], [3, 1, 2]];
    for (const order of orders) {
      const r = createReassembler({ ttlMs: 60_000, maxPending: 10 });
      const results = order.map((seq, i) => r.add('c1:+4477', part(seq), 1000 + i));
      expect(results.slice(0, -1).every((x) => !x.complete)).toBe(true);
      expect(texts(results[2] ?? { complete: false })).toEqual(['p1', 'p2', 'p3']);
      expect(r.pending).toBe(0);
    }
  });

  it('ignores duplicates', () => {
    const r = createReassembler({ ttlMs: 60_000, maxPending: 10 });
    r.add('k', part(1, 2), 0);
    expect(r.add('k', part(1, 2, 42, 'dup'), 1).complete).toBe(false);
    const done = r.add('k', part(2, 2), 2);
    expect(texts(done)).toEqual(['p1', 'p2']);
  });

  it('passes a one-part message straight through', () => {
    const r = createReassembler({ ttlMs: 1000, maxPending: 1 });
    expect(r.add('k', part(1, 1), 0)).toEqual({ complete: true, parts: [Buffer.from('p1')], dataCoding: 0 });
    expect(r.pending).toBe(0);
  });

  it('keeps groups apart by sender key, reference and total', () => {
    const r = createReassembler({ ttlMs: 60_000, maxPending: 10 });
    r.add('a', part(1, 2, 1, 'a1'), 0);
    r.add('b', part(1, 2, 1, 'b1'), 0);
    r.add('a', part(1, 3, 1, 'x1'), 0);
    r.add('a', part(1, 2, 2, 'y1'), 0);
    expect(r.pending).toBe(4);
    expect(texts(r.add('b', part(2, 2, 1, 'b2'), 1))).toEqual(['b1', 'b2']);
    expect(texts(r.add('a', part(2, 2, 1, 'a2'), 1))).toEqual(['a1', 'a2']);
  });

  it('ignores parts with an impossible seq or total', () => {
    const r = createReassembler({ ttlMs: 1000, maxPending: 5 });
    expect(r.add('k', part(0, 2), 0).complete).toBe(false);
    expect(r.add('k', part(3, 2), 0).complete).toBe(false);
    expect(r.add('k', part(1, 0), 0).complete).toBe(false);
    expect(r.pending).toBe(0);
  });

  it('reports the data_coding of the first part', () => {
    const r = createReassembler({ ttlMs: 1000, maxPending: 5 });
    r.add('k', { ...part(2, 2), dataCoding: 8 }, 0);
    expect(r.add('k', { ...part(1, 2), dataCoding: 8 }, 0)).toMatchObject({ complete: true, dataCoding: 8 });
  });

  it('drops expired groups on sweep and reports what had arrived', () => {
    const r = createReassembler({ ttlMs: 1000, maxPending: 10 });
    r.add('k', part(3), 0);
    r.add('k', part(1), 500);
    r.add('other', part(1, 2, 9), 800);
    expect(r.sweep(999)).toEqual([]);
    expect(r.sweep(1000)).toEqual([{ key: 'k', ref: 42, total: 3, received: [1, 3], reason: 'expired' }]);
    expect(r.pending).toBe(1);
    expect(r.sweep(1800).map((d) => d.key)).toEqual(['other']);
    expect(r.pending).toBe(0);
  });

  it('starts a fresh group when a part arrives for an expired one, and reports the old one', () => {
    const r = createReassembler({ ttlMs: 1000, maxPending: 10 });
    r.add('k', part(1, 2), 0);
    expect(r.add('k', part(2, 2), 1000).complete).toBe(false);
    expect(r.pending).toBe(1);
    expect(r.sweep(1000)).toEqual([{ key: 'k', ref: 42, total: 2, received: [1], reason: 'expired' }]);
    expect(texts(r.add('k', part(1, 2), 1001))).toEqual(['p1', 'p2']);
  });

  it('is bounded: the oldest group is evicted to make room and reported by the next sweep', () => {
    const r = createReassembler({ ttlMs: 60_000, maxPending: 2 });
    r.add('k', part(1, 2, 1), 0);
    r.add('k', part(1, 2, 2), 1);
    r.add('k', part(1, 2, 3), 2);
    expect(r.pending).toBe(2);
    expect(r.sweep(3)).toEqual([{ key: 'k', ref: 1, total: 2, received: [1], reason: 'evicted' }]);
    expect(r.sweep(4)).toEqual([]);
    expect(r.add('k', part(2, 2, 1), 5).complete).toBe(false);
    expect(texts(r.add('k', part(2, 2, 3), 5))).toEqual(['p1', 'p2']);
  });

  it('keeps the not-yet-swept drop list bounded too', () => {
    const r = createReassembler({ ttlMs: 60_000, maxPending: 3 });
    for (let ref = 0; ref < 100; ref++) r.add('k', part(1, 2, ref), ref);
    const dropped = r.sweep(100);
    expect(dropped.length).toBeLessThanOrEqual(3);
    expect(dropped.at(-1)?.ref).toBe(96);
  });

  it('rejects nonsensical options', () => {
    expect(() => createReassembler({ ttlMs: 0, maxPending: 1 })).toThrow(RangeError);
    expect(() => createReassembler({ ttlMs: 1, maxPending: 0 })).toThrow(RangeError);
  });
});

describe('parseUdh: malformed and foreign IEs (TS 23.040 §9.2.3.24)', () => {
  const udh = (hex: string) => parseUdh(Buffer.from(hex, 'hex'));

  it('refuses a UDH that claims more octets than the short message has', () => {
    expect(udh('060003070201')).toBeNull();
  });

  it('refuses an IE that runs past the UDH, even a trailing one after a good concat IE', () => {
    expect(udh('05000901020141')).toBeNull();
    expect(udh('0700030702017005')).toBeNull();
  });

  it('reads a concat IE only with its own IEI and length: 0x00/3 and 0x08/4', () => {
    expect(udh('057003090909')).toBeNull();
    expect(udh('060004010201ff')).toBeNull();
    // IEI 0x08 with 3 octets: read as a 16-bit IE it would give ref 0x0102, total 3 and seq 1 (the text's first octet).
    expect(udh('05080301020301')).toBeNull();
    // IEI 0x05 (16-bit application ports) has length 4, like a 16-bit concat IE: still not one.
    expect(udh('0605040001020141')).toBeNull();
  });

  it('ignores a concat IE with total 0, seq 0 or seq above total', () => {
    expect(udh('050003070001')).toBeNull();
    expect(udh('050003070200')).toBeNull();
    expect(udh('050003070203')).toBeNull();
    expect(udh('050003070202')).toEqual({ ref: 7, total: 2, seq: 2, headerLength: 6 });
  });
});

describe('reassembler: bounds and bookkeeping', () => {
  it('reports only the seqs that arrived when a group expires', () => {
    const r = createReassembler({ ttlMs: 10, maxPending: 5 });
    r.add('k', part(2, 4), 0);
    r.add('k', part(4, 4), 0);
    expect(r.sweep(10)).toEqual([{ key: 'k', ref: 42, total: 4, received: [2, 4], reason: 'expired' }]);
  });

  it('turns away a part with a seq or total that cannot be, without opening a group', () => {
    const r = createReassembler({ ttlMs: 1000, maxPending: 5 });
    for (const [seq, total] of [[0, 2], [3, 2], [1, 0], [1.5, 2], [1, 2.5]] as const) {
      expect(r.add('k', part(seq, total), 0)).toEqual({ complete: false });
    }
    expect(r.pending).toBe(0);
  });

  it('a one-part message never takes a group slot, so it cannot evict a waiting group', () => {
    const r = createReassembler({ ttlMs: 1000, maxPending: 1 });
    r.add('a', part(1, 2), 0);
    expect(r.add('b', part(1, 1), 0)).toMatchObject({ complete: true });
    expect(r.pending).toBe(1);
    expect(r.sweep(1)).toEqual([]);
  });

  it('keeps the last maxPending evictions when nothing sweeps', () => {
    const r = createReassembler({ ttlMs: 1000, maxPending: 2 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) r.add(key, part(1, 2), 0);
    expect(r.sweep(1).map((d) => [d.key, d.reason])).toEqual([
      ['b', 'evicted'],
      ['c', 'evicted'],
    ]);
  });

  it('says which option is wrong', () => {
    expect(() => createReassembler({ ttlMs: 0, maxPending: 1 })).toThrow(/ttlMs/);
    expect(() => createReassembler({ ttlMs: 1, maxPending: 0 })).toThrow(/maxPending/);
  });
});
