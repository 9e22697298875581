import { describe, expect, it } from 'vitest';
import { backlogReading, largestFreshBacklog } from './consumer-backlog.js';

describe('consumer backlog board', () => {
  it('reports the largest num_pending among consumers that received a message since the last read', () => {
    const a = backlogReading('T1', 'a');
    const b = backlogReading('T1', 'b');
    a.pending = 40;
    a.deliveries++;
    b.pending = 700;
    b.deliveries++;
    expect(largestFreshBacklog()).toBe(700);
    // Only a received since: b's 700 is old news (its pulls stopped, or another process took the rest).
    a.pending = 39;
    a.deliveries++;
    expect(largestFreshBacklog()).toBe(39);
    expect(largestFreshBacklog()).toBe(0);
  });

  it('gives consumers of one durable the same entry', () => {
    const first = backlogReading('T2', 'c');
    const again = backlogReading('T2', 'c');
    expect(again).toBe(first);
    again.pending = 12;
    again.deliveries++;
    expect(largestFreshBacklog()).toBe(12);
  });
});
