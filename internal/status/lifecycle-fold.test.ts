import { describe, expect, it } from 'vitest';
import { foldLifecycles, foldMultipart, settleParts, smscKeyCounts, unfold, type FoldableBatch, type PartLifecycleRow } from './lifecycle-fold.js';
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

describe('foldMultipart', () => {
  const three = (id: string, over: Partial<SubmittedRow> = {}) => [1, 2, 3].map((part) => sub(id, { part, parts: 3, smsc: `s-${id}-${part}`, at: 1100 + part, ...over }));
  const fold = (b: FoldableBatch) => foldMultipart(b, smscKeyCounts(b));

  it('writes a message row settled from its parts and each part with its receipt, and takes them out of the batch', () => {
    const b = batch({
      accepted: [acc('m', { segments: 3 })],
      submitted: three('m').reverse(),
      receipts: [rec('s-m-1', 4, { done: 1300 }), rec('s-m-3', 5, { done: 1250 }), rec('s-m-2', 6, { status: null, stat: 'ENROUTE', done: null })],
    });
    const [f, ...more] = fold(b);
    expect(more).toEqual([]);
    // Part 2 is not final yet: the message stays submitted, with part 1's SMSC id and its first submit's time.
    expect(f!.row).toEqual({ ...acc('m', { segments: 3 }), smsc: 's-m-1', sub: 1101, parts: 3, status: null, stat: null, err: null, done: null });
    expect(f!.parts.map((p) => [p.part, p.status, p.stat, p.rat])).toEqual([
      [1, 'delivered', 'DELIVRD', 1200],
      [2, null, 'ENROUTE', 1200],
      [3, 'delivered', 'DELIVRD', 1200],
    ]);
    expect(b).toEqual(batch({}));
  });

  it('settles as the statements do: the first failed part by done time then part, else delivered when the last part was', () => {
    const part = (n: number, status: string | null, done: number | null, rat = 2000): PartLifecycleRow => ({
      id: 'm', part: n, parts: 3, carrier: 'uk', smsc: `s${n}`, sub: 1000, status, stat: status ? status.toUpperCase() : null, err: null, done, rat,
    });
    expect(settleParts([part(1, 'delivered', 1500), part(2, 'delivered', 1700), part(3, 'delivered', null, 1600)])).toEqual({ status: 'delivered', stat: null, err: null, done: 1700 });
    expect(settleParts([part(1, 'delivered', 1500), part(2, 'expired', 1900), part(3, 'rejected', 1800)])).toMatchObject({ status: 'rejected', done: 1800 });
    // A tie on done time goes to the lower part; a failed part decides even while another is still open.
    expect(settleParts([part(1, null, null), part(3, 'expired', 1800), part(2, 'rejected', 1800)])).toMatchObject({ status: 'rejected', done: 1800 });
    expect(settleParts([part(1, 'delivered', 1500), part(2, null, null), part(3, 'delivered', 1600)])).toEqual({ status: null, stat: null, err: null, done: null });
  });

  it('leaves a message to the statements when a part is missing or twice, on another carrier, scheduled, failed, or a submit names another part count', () => {
    const b = batch({
      accepted: [acc('missing', { segments: 3 }), acc('twice', { segments: 3 }), acc('moved', { segments: 3 }), acc('sched', { segments: 3, st: 'scheduled', rk: 0 }), acc('fail', { segments: 3 }), acc('odd', { segments: 3 })],
      submitted: [
        ...three('missing').slice(0, 2),
        // Three parts, and one more submit that calls the message one-part.
        ...three('odd'),
        sub('odd', { smsc: 's-odd-x' }),
        ...three('twice'),
        sub('twice', { part: 2, parts: 3, smsc: 's-twice-2b' }),
        ...three('moved').map((s, k) => (k === 2 ? { ...s, carrier: 'de' } : s)),
        ...three('sched'),
        ...three('fail'),
      ],
      failedIds: new Set(['fail']),
    });
    const before = structuredClone({ accepted: b.accepted, submitted: b.submitted });
    expect(fold(b)).toEqual([]);
    expect({ accepted: b.accepted, submitted: b.submitted }).toEqual(before);
  });

  it('leaves a message to the statements when a part shares its SMSC id with another submit or has two receipts', () => {
    const b = batch({
      accepted: [acc('shared', { segments: 3 }), acc('one'), acc('twice', { segments: 3 })],
      submitted: [...three('shared').map((s, k) => (k === 1 ? { ...s, smsc: 'same' } : s)), sub('one', { smsc: 'same' }), ...three('twice')],
      receipts: [rec('same', 1), rec('s-twice-3', 2, { status: null, stat: 'ENROUTE' }), rec('s-twice-3', 3)],
    });
    // Counted over the whole batch, before the one-part fold takes 'one': neither fold may give 'same' to anyone.
    const counts = smscKeyCounts(b);
    const one = foldLifecycles(b, counts);
    expect(one.map((f) => [f.row.id, f.receipt])).toEqual([['one', undefined]]);
    expect(foldMultipart(b, counts)).toEqual([]);
    expect(b.receipts.map((r) => r.i)).toEqual([1, 2, 3]);
  });

  it('puts a folded multi-part message back as its rows when its row already exists', () => {
    const a = acc('m', { segments: 3 });
    const subs = three('m');
    const r = rec('s-m-2', 9);
    const b = batch({ accepted: [a], submitted: [...subs], receipts: [r] });
    unfold(b, fold(b));
    expect(b.accepted).toEqual([a]);
    expect(b.submitted).toEqual(subs);
    expect(b.receipts).toEqual([r]);
  });
});
