import { describe, expect, it } from 'vitest';
import { createBatcher } from './batcher.js';

describe('batcher', () => {
  it('flushes when full, in one call, and resolves every add', async () => {
    const flushed: number[][] = [];
    const b = createBatcher<number>({ maxItems: 3, maxDelayMs: 10_000, flush: async (xs) => void flushed.push(xs) });
    await Promise.all([b.add(1), b.add(2), b.add(3)]);
    expect(flushed).toEqual([[1, 2, 3]]);
  });

  it('flushes a partial batch after the delay', async () => {
    const flushed: number[][] = [];
    const b = createBatcher<number>({ maxItems: 100, maxDelayMs: 5, flush: async (xs) => void flushed.push(xs) });
    const t0 = Date.now();
    await Promise.all([b.add(1), b.add(2)]);
    expect(flushed).toEqual([[1, 2]]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4);
  });

  it('rejects every add of a failed flush, and carries on with the next batch', async () => {
    let fail = true;
    const b = createBatcher<number>({
      maxItems: 2,
      maxDelayMs: 5,
      flush: async () => {
        if (fail) throw new Error('down');
      },
    });
    const r = await Promise.allSettled([b.add(1), b.add(2)]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(b.add(3)).resolves.toBeUndefined();
  });
});

describe('batcher with maxDelayMs 0', () => {
  it('flushes what was added in the same turn together, without a timer', async () => {
    const flushed: number[][] = [];
    const b = createBatcher<number>({ maxItems: 100, maxDelayMs: 0, flush: async (xs) => void flushed.push(xs) });
    await Promise.all([b.add(1), b.add(2), b.add(3)]);
    await b.add(4);
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });
});
