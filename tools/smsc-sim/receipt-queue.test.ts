/** Receipt queue tests: per-system due order, limit, FIFO across compaction. */
import { describe, expect, it } from 'vitest';
import { createReceiptQueue, type QueuedReceipt } from './receipt-queue.js';

const r = (systemId: string, dueAt: number, id = String(dueAt)): QueuedReceipt => ({
  dueAt,
  systemId,
  preferredSessionId: 0,
  smscMessageId: id,
  sourceAddrTon: 0,
  sourceAddrNpi: 0,
  sourceAddr: 's',
  destAddrTon: 0,
  destAddrNpi: 0,
  destinationAddr: 'd',
  submittedAt: 0,
  stat: 'DELIVRD',
  text: '',
  attempts: 0,
});

describe('receipt queue', () => {
  it('keeps due order per system, even when a later receipt asks to be earlier', () => {
    const q = createReceiptQueue(10);
    q.push(r('a', 100));
    q.push(r('a', 50, 'late-but-early'));
    q.push(r('b', 70));
    expect(q.earliestDue(new Set())).toBe(70);
    expect(q.earliestDue(new Set(['b']))).toBe(100);
    expect(q.shift('a')?.smscMessageId).toBe('100');
    expect(q.peek('a')).toMatchObject({ smscMessageId: 'late-but-early', dueAt: 100 });
    expect(q.size).toBe(2);
  });

  it('drops beyond its limit', () => {
    const q = createReceiptQueue(2);
    expect(q.push(r('a', 1))).toBe(true);
    expect(q.push(r('a', 2))).toBe(true);
    expect(q.push(r('b', 3))).toBe(false);
    expect(q.size).toBe(2);
  });

  it('stays FIFO across compaction', () => {
    const q = createReceiptQueue(100_000);
    for (let i = 0; i < 10_000; i++) q.push(r('a', i));
    for (let i = 0; i < 9_000; i++) expect(q.shift('a')?.dueAt).toBe(i);
    for (let i = 10_000; i < 12_000; i++) q.push(r('a', i));
    for (let i = 9_000; i < 12_000; i++) expect(q.shift('a')?.dueAt).toBe(i);
    expect(q.shift('a')).toBeUndefined();
    expect(q.size).toBe(0);
  });
});
