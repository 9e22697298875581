import { describe, expect, it } from 'vitest';
import { foldLifecycles, unfold, type FoldableBatch } from './lifecycle-fold.js';
import type { AcceptedRow, ReceiptRow, SubmittedRow } from './pg-status-sql.js';

const acc = (id: string, over: Partial<AcceptedRow> = {}): AcceptedRow => ({
  id,
  client: 'c',
  ref: null,
  carrier: 'uk',
  to: '+447700900001',
  from: 'SHOP',
  segments: 1,
  encoding: 'gsm7',
  at: 1000,
  st: 'accepted',
  rk: 1,
  send: null,
  valid: null,
  cb: null,
  ...over,
});
const sub = (id: string, over: Partial<SubmittedRow> = {}): SubmittedRow => ({ id, carrier: 'uk', part: 1, parts: 1, smsc: `s-${id}`, at: 1100, ...over });
const rec = (smsc: string, i: number, over: Partial<ReceiptRow> = {}): ReceiptRow => ({
  i,
  carrier: 'uk',
  smsc,
  status: 'delivered',
  stat: 'DELIVRD',
  err: null,
  done: 1150,
  at: 1200,
  ...over,
});
const batch = (o: Partial<FoldableBatch>): FoldableBatch => ({ accepted: [], submitted: [], receipts: [], failedIds: new Set(), ...o });

describe('foldLifecycles', () => {
  it('folds accepted, submit and receipt of a one-part message into one row and takes them out of the batch', () => {
    const b = batch({ accepted: [acc('a')], submitted: [sub('a')], receipts: [rec('s-a', 2)] });
    const folded = foldLifecycles(b);
    expect(folded.map((f) => f.row)).toEqual([
      { ...acc('a'), smsc: 's-a', sub: 1100, status: 'delivered', stat: 'DELIVRD', err: null, done: 1150, rat: 1200 },
    ]);
    expect(b).toEqual(batch({}));
  });

  it('folds accepted and submit without a receipt, and keeps an intermediate receipt as the last state', () => {
    const b = batch({ accepted: [acc('a'), acc('b')], submitted: [sub('a'), sub('b')], receipts: [rec('s-b', 3, { status: null, stat: 'ENROUTE', done: null })] });
    const rows = foldLifecycles(b).map((f) => f.row);
    expect(rows.find((r) => r.id === 'a')).toMatchObject({ status: null, stat: null, rat: null, smsc: 's-a' });
    expect(rows.find((r) => r.id === 'b')).toMatchObject({ status: null, stat: 'ENROUTE', rat: 1200 });
    expect(b.receipts).toEqual([]);
  });

  it('leaves multi-part, scheduled, failed, repeated and carrier-changed messages to the event-by-event path', () => {
    const b = batch({
      accepted: [acc('multi', { segments: 2 }), acc('sched', { st: 'scheduled', rk: 0 }), acc('fail'), acc('twice'), acc('twice'), acc('moved'), acc('resub')],
      submitted: [sub('multi', { parts: 2 }), sub('multi', { part: 2, parts: 2, smsc: 's-multi-2' }), sub('sched'), sub('fail'), sub('twice'), sub('moved', { carrier: 'de' }), sub('resub'), sub('resub', { smsc: 's-resub-2' })],
      failedIds: new Set(['fail']),
    });
    const before = structuredClone({ accepted: b.accepted, submitted: b.submitted, receipts: b.receipts });
    expect(foldLifecycles(b)).toEqual([]);
    expect({ accepted: b.accepted, submitted: b.submitted, receipts: b.receipts }).toEqual(before);
  });

  it('does not fold a receipt that could mean two messages, or one of two receipts for the same SMSC id', () => {
    const b = batch({
      accepted: [acc('a'), acc('b'), acc('c')],
      // a and b got the same SMSC id (an SMSC reusing ids); c has two receipts in the batch.
      submitted: [sub('a', { smsc: 'same' }), sub('b', { smsc: 'same' }), sub('c')],
      receipts: [rec('same', 3), rec('s-c', 4, { status: null, stat: 'ENROUTE' }), rec('s-c', 5)],
    });
    const folded = foldLifecycles(b);
    expect(folded.map((f) => f.row.id).sort()).toEqual(['a', 'b', 'c']);
    expect(folded.every((f) => f.receipt === undefined && f.row.status === null)).toBe(true);
    expect(b.receipts.map((r) => r.i)).toEqual([3, 4, 5]);
  });

  it('keeps what it cannot fold in the batch, in order, beside what it folds', () => {
    const b = batch({ accepted: [acc('a'), acc('x')], submitted: [sub('a'), sub('y')], receipts: [rec('s-z', 7), rec('s-a', 8)] });
    const folded = foldLifecycles(b);
    expect(folded.map((f) => f.row.id)).toEqual(['a']);
    expect(b.accepted.map((r) => r.id)).toEqual(['x']);
    expect(b.submitted.map((r) => r.id)).toEqual(['y']);
    expect(b.receipts.map((r) => r.i)).toEqual([7]);
  });

  it('puts a folded message back as its three rows when its row already exists', () => {
    const a = acc('a'), s = sub('a'), r = rec('s-a', 2);
    const b = batch({ accepted: [a], submitted: [s], receipts: [r] });
    const folded = foldLifecycles(b);
    unfold(b, folded);
    expect(b.accepted).toEqual([a]);
    expect(b.submitted).toEqual([s]);
    expect(b.receipts).toEqual([r]);
  });
});
