import { describe, expect, it } from 'vitest';
import { deliveredAfter, statusBatch, statusPreload } from './status-apply-batches.js';

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

  it('drained: the accepted records come first, in a preload; each batch holds submits (facts on the first) and receipts', () => {
    const pre = statusPreload('drained', 2, 10, 0);
    expect(pre.map((b) => b.length)).toEqual([10, 10]);
    expect(pre[1]!.map((e) => (e.kind === 'accepted' ? e.message.id : e.kind)).slice(0, 2)).toEqual(['bench000000000010', 'bench000000000011']);
    // One message in ten has three parts.
    expect(pre[0]!.map((e) => (e.kind === 'accepted' ? e.message.segments : 0))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 3]);
    const b = statusBatch('drained', 1, 10, 0);
    expect(b.filter((e) => e.kind === 'accepted')).toEqual([]);
    expect(kinds(b.slice(0, 2))).toEqual(['submitted', 'receipt']);
    expect(b[0]).toMatchObject({ kind: 'submitted', id: 'bench000000000010', part: 1, parts: 1, smscMessageId: 's10', message: { id: 'bench000000000010' } });
    expect(b[1]).toMatchObject({ kind: 'receipt', smscMessageId: 's10', status: 'delivered' });
    const three = b.slice(-6);
    expect(kinds(three)).toEqual(['submitted', 'submitted', 'submitted', 'receipt', 'receipt', 'receipt']);
    expect(three.map((e) => (e.kind === 'submitted' ? `${e.part}/${e.parts}:${e.smscMessageId}:${e.message ? 'facts' : '-'}` : e.kind === 'receipt' ? e.smscMessageId : ''))).toEqual([
      '1/3:s19.1:facts',
      '2/3:s19.2:-',
      '3/3:s19.3:-',
      's19.1',
      's19.2',
      's19.3',
    ]);
    expect(statusPreload('folded', 3, 2, 0)).toEqual([]);
    expect(statusPreload('staggered', 3, 2, 0)).toEqual([]);
  });

  it('says how many messages end delivered', () => {
    expect(deliveredAfter('drained', 10, 100)).toBe(1000);
    expect(deliveredAfter('folded', 10, 100)).toBe(1000);
    expect(deliveredAfter('staggered', 10, 100)).toBe(800);
    expect(deliveredAfter('staggered', 1, 100)).toBe(0);
  });
});
