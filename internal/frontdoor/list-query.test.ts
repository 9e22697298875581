import { describe, expect, it } from 'vitest';
import { encodeCursor, parseListQuery } from './list-query.js';

describe('list query', () => {
  it('takes every filter, with a default limit', () => {
    const q = parseListQuery({ status: 'delivered', to: '+447700900123', clientRef: 'r-1', since: '2026-01-01T00:00:00Z', until: '2026-01-02T00:00:00+01:00' });
    expect(q.ok && q.filter).toEqual({
      status: 'delivered', to: '+447700900123', clientRef: 'r-1', since: Date.parse('2026-01-01T00:00:00Z'), until: Date.parse('2026-01-01T23:00:00Z'), limit: 100, after: undefined,
    });
  });
  it('round-trips its cursor and refuses one it did not make', () => {
    const c = encodeCursor({ at: 1_700_000_000_123, id: '0190a0b0-0000-7000-8000-000000000001' });
    const q = parseListQuery({ cursor: c, limit: '5' });
    expect(q.ok && q.filter.after).toEqual({ at: 1_700_000_000_123, id: '0190a0b0-0000-7000-8000-000000000001' });
    expect(q.ok && q.filter.limit).toBe(5);
    expect(parseListQuery({ cursor: 'bm90LWEtY3Vyc29y' })).toEqual({ ok: false, problems: [{ field: 'cursor', message: expect.stringMatching(/not a cursor/) }] });
  });
  it('names each bad parameter', () => {
    const q = parseListQuery({ status: 'sent', limit: '5000', since: 'yesterday', page: '2' });
    expect(q.ok).toBe(false);
    expect(!q.ok && q.problems.map((p) => p.field).sort()).toEqual(['limit', 'page', 'since', 'status']);
  });
});
