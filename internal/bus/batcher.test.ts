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

describe('batcher with oneInFlight', () => {
  function gated() {
    const flushed: number[][] = [];
    const gates: Array<() => void> = [];
    const b = createBatcher<number>({
      maxItems: 4,
      maxDelayMs: 0,
      oneInFlight: true,
      flush: (xs) =>
        new Promise<void>((resolve) => {
          flushed.push(xs);
          gates.push(resolve);
        }),
    });
    const turn = () => new Promise((r) => setImmediate(r));
    return { b, flushed, gates, turn };
  }

  it('flushes at once when idle, and gathers what arrives while a flush runs into the next one', async () => {
    const { b, flushed, gates, turn } = gated();
    const first = b.add(1);
    await turn();
    expect(flushed).toEqual([[1]]);
    const more = [b.add(2)];
    await turn();
    more.push(b.add(3));
    await turn();
    // Two turns passed, but the first flush has not finished: nothing else went.
    expect(flushed).toEqual([[1]]);
    gates[0]!();
    await first;
    await turn();
    expect(flushed).toEqual([[1], [2, 3]]);
    gates[1]!();
    await Promise.all(more);
  });

  it('still sends a full batch while another flush runs', async () => {
    const { b, flushed, gates, turn } = gated();
    const first = b.add(0);
    await turn();
    const full = [1, 2, 3, 4].map((x) => b.add(x));
    expect(flushed).toEqual([[0], [1, 2, 3, 4]]);
    gates.forEach((g) => g());
    await Promise.all([first, ...full]);
  });

  it('sends each item of a serial caller alone, without waiting', async () => {
    const { b, flushed, gates } = gated();
    for (let i = 0; i < 3; i++) {
      const p = b.add(i);
      await new Promise((r) => setImmediate(r));
      gates[i]!();
      await p;
    }
    expect(flushed).toEqual([[0], [1], [2]]);
  });
});
