import { describe, expect, it } from 'vitest';
import { createTraceIds, formatTraceparent, parseTraceparent } from './trace-context.js';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparent', () => {
  it('reads a valid version-00 header and writes it back unchanged', () => {
    const p = parseTraceparent(VALID);
    expect(p).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', flags: '01' });
    expect(formatTraceparent(p!)).toBe(VALID);
    expect(parseTraceparent(` ${VALID} `)).toEqual(p);
  });

  it('ignores malformed headers, all-zero ids, version ff, and reads a later version by its first fields', () => {
    for (const bad of [
      '',
      'garbage',
      VALID.toUpperCase(),
      '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01',
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`,
      `ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`,
      `${VALID}-extra`,
    ]) {
      expect(parseTraceparent(bad), bad).toBeUndefined();
    }
    expect(parseTraceparent('cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds')?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('continues a caller\'s trace with a new span id, keeping its flags', () => {
    const ids = createTraceIds();
    const a = parseTraceparent(ids.next('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00'))!;
    const b = parseTraceparent(ids.next('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00'))!;
    expect(a.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(a.flags).toBe('00');
    expect(a.parentId).not.toBe(b.parentId);
    expect(a.parentId).not.toBe('00f067aa0ba902b7');
  });

  it('starts distinct valid traces without a caller, and two processes do not collide', () => {
    const one = createTraceIds();
    const two = createTraceIds();
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      for (const ids of [one, two]) {
        const t = ids.next(undefined);
        expect(parseTraceparent(t), t).toBeDefined();
        seen.add(parseTraceparent(t)!.traceId);
      }
    }
    expect(seen.size).toBe(2000);
  });

  it('carries its counters over 32 bits and never yields an all-zero id', () => {
    const seed = Buffer.alloc(24);
    seed.writeUInt32BE(0xffffffff, 12);
    seed.writeUInt32BE(0xffffffff, 16);
    seed.writeUInt32BE(0xffffffff, 20);
    const ids = createTraceIds(seed);
    const t = parseTraceparent(ids.next())!;
    expect(t.traceId).toBe(`0000000000000001${'00000001'}${'00000000'}`);
    expect(t.parentId).toBe('0000000000000001');
  });
});
