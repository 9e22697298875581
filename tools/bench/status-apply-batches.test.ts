import { describe, expect, it } from 'vitest';
import { deliveredAfter, statusBatch } from './status-apply-batches.js';

const kinds = (evs: ReturnType<typeof statusBatch>) => evs.map((e) => e.kind);

describe('statusBatch', () => {
  it('folded: every message of the batch accepted, submitted and receipted in it, under its own SMSC id', () => {
    const b = statusBatch('folded', 3, 2, 1000);
    expect(kinds(b)).toEqual(['accepted', 'submitted', 'receipt', 'accepted', 'submitted', 'receipt']);
    const acc = b[0]!.kind === 'accepted' ? b[0]!.message.id : '';
    expect(b[1]).toMatchObject({ kind: 'submitted', id: acc, smscMessageId: 's6' });
    expect(b[2]).toMatchObject({ kind: 'receipt', smscMessageId: 's6', status: 'delivered' });
  });

  it('staggered: submits lag one batch and receipts two, so the first batches carry fewer kinds', () => {
    expect(kinds(statusBatch('staggered', 0, 2, 0))).toEqual(['accepted', 'accepted']);
    expect(kinds(statusBatch('staggered', 1, 2, 0))).toEqual(['accepted', 'submitted', 'accepted', 'submitted']);
    const third = statusBatch('staggered', 2, 2, 0);
    expect(third.filter((e) => e.kind === 'submitted').map((e) => (e.kind === 'submitted' ? e.smscMessageId : ''))).toEqual(['s2', 's3']);
    expect(third.filter((e) => e.kind === 'receipt').map((e) => (e.kind === 'receipt' ? e.smscMessageId : ''))).toEqual(['s0', 's1']);
  });

  it('says how many messages end delivered', () => {
    expect(deliveredAfter('folded', 10, 100)).toBe(1000);
    expect(deliveredAfter('staggered', 10, 100)).toBe(800);
    expect(deliveredAfter('staggered', 1, 100)).toBe(0);
  });
});
