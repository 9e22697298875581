/** Delay queue tests: due order, ties in insertion order, one timer, clear. */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../internal/smpp/test-peer.js';
import { createDelayQueue } from './delay-queue.js';

describe('delay queue', () => {
  it('runs callbacks in due order, ties in insertion order, whatever order they were added in', async () => {
    const q = createDelayQueue();
    const t0 = Date.now();
    const order: string[] = [];
    q.add(t0 + 60, () => order.push('c'));
    q.add(t0 + 20, () => order.push('a1'));
    q.add(t0 + 40, () => order.push('b'));
    q.add(t0 + 20, () => order.push('a2'));
    q.add(t0 - 5, () => order.push('past'));
    expect(q.size).toBe(5);
    await waitFor(() => q.size === 0, 5_000, 'every callback run');
    expect(order).toEqual(['past', 'a1', 'a2', 'b', 'c']);
    expect(q.size).toBe(0);
  });

  it('fires nothing early and keeps going after a callback throws', async () => {
    const q = createDelayQueue();
    const t0 = Date.now();
    const at: number[] = [];
    q.add(t0 + 30, () => {
      throw new Error('boom');
    });
    q.add(t0 + 30, () => at.push(Date.now() - t0));
    q.add(t0 + 50, () => at.push(Date.now() - t0));
    await waitFor(() => at.length === 2, 5_000, 'both callbacks after the throwing one');
    expect(q.size).toBe(0);
    expect(at[0]).toBeGreaterThanOrEqual(29);
    expect(at[1]).toBeGreaterThanOrEqual(49);
  });

  it('holds many entries with one timer and clear() drops them all', async () => {
    const q = createDelayQueue();
    let n = 0;
    const t0 = Date.now();
    for (let i = 0; i < 10_000; i++) q.add(t0 + 20 + (i % 7), () => n++);
    q.clear();
    q.add(t0 + 10, () => n++);
    // Due after every cleared entry: once it has run, any of them that survived the clear would have run too.
    let last = false;
    q.add(t0 + 40, () => (last = true));
    await waitFor(() => last, 5_000, 'the last callback');
    expect(n).toBe(1);
    expect(q.size).toBe(0);
  });
});
