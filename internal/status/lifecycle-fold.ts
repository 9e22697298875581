/**
 * Folds the whole life of a message into row inserts when its events arrive in one batch — the common case under
 * load, when the SMSC answers within a batch's time. A one-part message's accepted record, submit and (often) receipt:
 * applied one statement at a time, those events insert the row and then update it twice, and both updates change
 * indexed columns (status, smsc id), so neither is heap-only: every index of `messages` is written three times.
 * Folded, it is written once.
 *
 * Only the plain case is folded: one accepted record (not scheduled), one submit of a one-part message on the same
 * carrier, no failure, and at most one receipt for its SMSC id in the batch, with no other message of the batch
 * holding that id. Anything else keeps the event-by-event path, whose rules it must equal.
 *
 * A multi-part message whose accepted record and every part's submit are in the batch is written as its message
 * row and its part rows, each in the state the statements would leave it in (the parts with their receipts, the
 * message settled from its parts), instead of an insert, an update for the submit, a part insert and a part update
 * per receipt, and the settling update: for three parts, four row writes instead of nine. Folded only when every
 * part is there once, on the accepted record's carrier, and each part's SMSC id is held by no other submit of the
 * batch and has at most one receipt in it: then no receipt can mean anything else, and settling sees what the
 * statements would.
 */
import type { AcceptedRow, ReceiptRow, SubmittedRow } from './pg-status-sql.js';

/** What the folded insert writes: the accepted row, its submit and the receipt's fields (null without one). */
export interface LifecycleRow extends AcceptedRow {
  smsc: string;
  sub: number;
  status: string | null;
  stat: string | null;
  err: string | null;
  done: number | null;
  rat: number | null;
}

/** One folded message and the rows it came from: they go back on the event-by-event path if the insert finds the row. */
export interface Folded {
  row: LifecycleRow;
  accepted: AcceptedRow;
  submitted: SubmittedRow;
  receipt?: ReceiptRow;
}

/**
 * A multi-part message row as the fold writes it: the one-part row's fields, with part 1's SMSC id, the first
 * submit's time, the number of parts, and the settled state (status null: still submitted) with the deciding part's
 * receipt fields its error is made from; no receipt time, which a multi-part message row does not keep.
 */
export interface MultipartRow extends Omit<LifecycleRow, 'rat'> {
  parts: number;
}

/** A part row as the fold writes it: its submit and its receipt's fields (null without one). */
export interface PartLifecycleRow {
  id: string;
  part: number;
  parts: number;
  carrier: string;
  smsc: string;
  sub: number;
  status: string | null;
  stat: string | null;
  err: string | null;
  done: number | null;
  rat: number | null;
}

export interface FoldedMultipart {
  row: MultipartRow;
  parts: PartLifecycleRow[];
  accepted: AcceptedRow;
  submitted: SubmittedRow[];
  receipts: ReceiptRow[];
}

export interface FoldableBatch {
  accepted: AcceptedRow[];
  submitted: SubmittedRow[];
  receipts: ReceiptRow[];
  /** Ids with a failed event in the batch: never folded. */
  failedIds: ReadonlySet<string>;
}

const receiptKey = (carrier: string, smsc: string) => `${carrier}\u0000${smsc}`;

/**
 * The rows are written out field by field, never as `{ ...accepted, smsc, … }`: V8 (Node 20) copies a leading spread
 * on its fast path but adds every key the spread did not bring on a slow one, which made this fold the status
 * writer's largest function of its own (README, "an object spread on the status path"). Overriding a key the spread
 * brought, or a spread after named keys, does not have that cost.
 */
function lifecycleRow(a: AcceptedRow, smsc: string, sub: number, r: ReceiptRow | undefined): LifecycleRow {
  return {
    id: a.id, client: a.client, ref: a.ref, carrier: a.carrier, to: a.to, from: a.from, segments: a.segments, encoding: a.encoding, at: a.at,
    st: a.st, rk: a.rk, send: a.send, valid: a.valid, cb: a.cb,
    smsc, sub, status: r?.status ?? null, stat: r?.stat ?? null, err: r?.err ?? null, done: r?.done ?? null, rat: r?.at ?? null,
  };
}

function multipartRow(a: AcceptedRow, smsc: string, sub: number, parts: number, r: Pick<MultipartRow, 'status' | 'stat' | 'err' | 'done'>): MultipartRow {
  return {
    id: a.id, client: a.client, ref: a.ref, carrier: a.carrier, to: a.to, from: a.from, segments: a.segments, encoding: a.encoding, at: a.at,
    st: a.st, rk: a.rk, send: a.send, valid: a.valid, cb: a.cb,
    smsc, sub, parts, status: r.status, stat: r.stat, err: r.err, done: r.done,
  };
}

function countBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, number> {
  const n = new Map<string, number>();
  for (const x of xs) {
    const k = key(x);
    n.set(k, (n.get(k) ?? 0) + 1);
  }
  return n;
}

/** How many submits and receipts of the batch name each (carrier, SMSC id): counted once, before either fold takes any. */
export interface SmscKeyCounts {
  submits: Map<string, number>;
  receipts: Map<string, number>;
}

export function smscKeyCounts(b: Pick<FoldableBatch, 'submitted' | 'receipts'>): SmscKeyCounts {
  return { submits: countBy(b.submitted, (s) => receiptKey(s.carrier, s.smsc)), receipts: countBy(b.receipts, (r) => receiptKey(r.carrier, r.smsc)) };
}

/**
 * Takes the foldable one-part messages out of `b.accepted`, `b.submitted` and `b.receipts` (in place) and returns
 * them. What stays in `b` is applied as before.
 */
export function foldLifecycles(b: FoldableBatch, counts: SmscKeyCounts = smscKeyCounts(b)): Folded[] {
  if (b.accepted.length === 0 || b.submitted.length === 0) return [];
  const acceptedCount = countBy(b.accepted, (r) => r.id);
  const submittedCount = countBy(b.submitted, (r) => r.id);
  const acceptedById = new Map<string, AcceptedRow>();
  for (const a of b.accepted) if (a.st === 'accepted' && acceptedCount.get(a.id) === 1 && !b.failedIds.has(a.id)) acceptedById.set(a.id, a);

  const candidates = new Map<string, { accepted: AcceptedRow; submitted: SubmittedRow }>();
  for (const s of b.submitted) {
    const a = acceptedById.get(s.id);
    if (!a || submittedCount.get(s.id) !== 1 || s.parts !== 1 || s.part !== 1 || s.carrier !== a.carrier) continue;
    candidates.set(s.id, { accepted: a, submitted: s });
  }
  if (candidates.size === 0) return [];

  // A receipt folds only when it can mean one message: its SMSC id is held by no other submit of the batch and it
  // is the only receipt for that id (picking among several is the SQL path's job).
  const submitsByKey = counts.submits;
  const receiptsByKey = counts.receipts;
  const receiptFor = new Map<string, ReceiptRow>();
  for (const r of b.receipts) {
    const k = receiptKey(r.carrier, r.smsc);
    if (receiptsByKey.get(k) === 1 && submitsByKey.get(k) === 1) receiptFor.set(k, r);
  }

  const folded: Folded[] = [];
  const usedReceipts = new Set<ReceiptRow>();
  for (const { accepted, submitted } of candidates.values()) {
    const receipt = receiptFor.get(receiptKey(submitted.carrier, submitted.smsc));
    if (receipt) usedReceipts.add(receipt);
    const f: Folded = { accepted, submitted, row: lifecycleRow(accepted, submitted.smsc, submitted.at, receipt) };
    if (receipt) f.receipt = receipt;
    folded.push(f);
  }
  b.accepted = b.accepted.filter((a) => !candidates.has(a.id));
  b.submitted = b.submitted.filter((s) => !candidates.has(s.id));
  if (usedReceipts.size > 0) b.receipts = b.receipts.filter((r) => !usedReceipts.has(r));
  return folded;
}

/** The done time settling takes for a part: the receipt's own, else when it arrived. */
const doneOf = (p: PartLifecycleRow): number => p.done ?? p.rat!;

/**
 * The state settling gives a message from its parts: the first part final and not delivered (by done time, then part
 * number) decides; else every part delivered makes it delivered, done when the last was; else it stays submitted.
 */
export function settleParts(parts: readonly PartLifecycleRow[]): Pick<MultipartRow, 'status' | 'stat' | 'err' | 'done'> {
  let bad: PartLifecycleRow | undefined;
  let delivered = 0;
  let deliveredAt = -Infinity;
  for (const p of parts) {
    if (p.status === null) continue;
    if (p.status === 'delivered') {
      delivered++;
      deliveredAt = Math.max(deliveredAt, doneOf(p));
    } else if (!bad || doneOf(p) < doneOf(bad) || (doneOf(p) === doneOf(bad) && p.part < bad.part)) {
      bad = p;
    }
  }
  if (bad) return { status: bad.status, stat: bad.stat, err: bad.err, done: doneOf(bad) };
  if (parts.length > 0 && delivered >= parts[0]!.parts) return { status: 'delivered', stat: null, err: null, done: deliveredAt };
  return { status: null, stat: null, err: null, done: null };
}

/**
 * Takes the foldable multi-part messages out of `b` (in place) and returns them; `counts` must be of the batch as it
 * was before any fold took from it.
 */
export function foldMultipart(b: FoldableBatch, counts: SmscKeyCounts): FoldedMultipart[] {
  if (b.accepted.length === 0 || b.submitted.length === 0) return [];
  const partsOf = new Map<string, SubmittedRow[]>();
  for (const s of b.submitted) {
    if (s.parts <= 1) continue;
    const list = partsOf.get(s.id);
    if (list) list.push(s);
    else partsOf.set(s.id, [s]);
  }
  if (partsOf.size === 0) return [];
  const acceptedCount = countBy(b.accepted, (r) => r.id);
  // Every submit of the message, whatever part count it names: one that says otherwise keeps it off the fold.
  const submittedCount = countBy(b.submitted, (s) => s.id);
  const receiptsByKey = new Map<string, ReceiptRow>();
  for (const r of b.receipts) receiptsByKey.set(receiptKey(r.carrier, r.smsc), r);

  const folded: FoldedMultipart[] = [];
  const taken = new Set<string>();
  const usedReceipts = new Set<ReceiptRow>();
  for (const a of b.accepted) {
    const subs = partsOf.get(a.id);
    if (!subs || a.st !== 'accepted' || acceptedCount.get(a.id) !== 1 || b.failedIds.has(a.id)) continue;
    const n = subs[0]!.parts;
    if (subs.length !== n || submittedCount.get(a.id) !== n) continue;
    const sorted = [...subs].sort((x, y) => x.part - y.part);
    const plain = sorted.every((s, k) => {
      const key = receiptKey(s.carrier, s.smsc);
      return s.part === k + 1 && s.parts === n && s.carrier === a.carrier && counts.submits.get(key) === 1 && (counts.receipts.get(key) ?? 0) <= 1;
    });
    if (!plain) continue;
    const receipts: ReceiptRow[] = [];
    const parts = sorted.map((s): PartLifecycleRow => {
      const r = receiptsByKey.get(receiptKey(s.carrier, s.smsc));
      if (r) receipts.push(r);
      return { id: s.id, part: s.part, parts: n, carrier: s.carrier, smsc: s.smsc, sub: s.at, status: r?.status ?? null, stat: r?.stat ?? null, err: r?.err ?? null, done: r?.done ?? null, rat: r?.at ?? null };
    });
    // The message keeps its earliest submit's time, and part 1's SMSC id, as the submit statement does.
    const sub = Math.min(...sorted.map((s) => s.at));
    const row = multipartRow(a, sorted[0]!.smsc, sub, n, settleParts(parts));
    folded.push({ row, parts, accepted: a, submitted: subs, receipts });
    taken.add(a.id);
    for (const r of receipts) usedReceipts.add(r);
  }
  if (taken.size === 0) return [];
  b.accepted = b.accepted.filter((a) => !taken.has(a.id));
  b.submitted = b.submitted.filter((s) => !taken.has(s.id));
  if (usedReceipts.size > 0) b.receipts = b.receipts.filter((r) => !usedReceipts.has(r));
  return folded;
}

/** Puts back on the event-by-event path the folded messages whose row already existed. */
export function unfold(b: Pick<FoldableBatch, 'accepted' | 'submitted' | 'receipts'>, back: readonly (Folded | FoldedMultipart)[]): void {
  for (const f of back) {
    b.accepted.push(f.accepted);
    if ('parts' in f) {
      b.submitted.push(...f.submitted);
      b.receipts.push(...f.receipts);
      continue;
    }
    b.submitted.push(f.submitted);
    if (f.receipt) b.receipts.push(f.receipt);
  }
}
