/**
 * Folds the whole life of a one-part message into one row insert when its accepted record, its submit and (often)
 * its receipt arrive in the same batch — the common case under load, when the SMSC answers within a batch's time.
 * Applied one statement at a time, those events insert the row and then update it twice, and both updates change
 * indexed columns (status, smsc id), so neither is heap-only: every index of `messages` is written three times.
 * Folded, it is written once.
 *
 * Only the plain case is folded: one accepted record (not scheduled), one submit of a one-part message on the same
 * carrier, no failure, and at most one receipt for its SMSC id in the batch, with no other message of the batch
 * holding that id. Anything else keeps the event-by-event path, whose rules it must equal.
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

export interface FoldableBatch {
  accepted: AcceptedRow[];
  submitted: SubmittedRow[];
  receipts: ReceiptRow[];
  /** Ids with a failed event in the batch: never folded. */
  failedIds: ReadonlySet<string>;
}

const receiptKey = (carrier: string, smsc: string) => `${carrier}\u0000${smsc}`;

function countBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, number> {
  const n = new Map<string, number>();
  for (const x of xs) {
    const k = key(x);
    n.set(k, (n.get(k) ?? 0) + 1);
  }
  return n;
}

/**
 * Takes the foldable messages out of `b.accepted`, `b.submitted` and `b.receipts` (in place) and returns them.
 * What stays in `b` is applied as before.
 */
export function foldLifecycles(b: FoldableBatch): Folded[] {
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
  const submitsByKey = countBy(b.submitted, (s) => receiptKey(s.carrier, s.smsc));
  const receiptsByKey = countBy(b.receipts, (r) => receiptKey(r.carrier, r.smsc));
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
    folded.push({
      accepted,
      submitted,
      ...(receipt ? { receipt } : {}),
      row: {
        ...accepted,
        smsc: submitted.smsc,
        sub: submitted.at,
        status: receipt?.status ?? null,
        stat: receipt?.stat ?? null,
        err: receipt?.err ?? null,
        done: receipt?.done ?? null,
        rat: receipt?.at ?? null,
      },
    });
  }
  b.accepted = b.accepted.filter((a) => !candidates.has(a.id));
  b.submitted = b.submitted.filter((s) => !candidates.has(s.id));
  if (usedReceipts.size > 0) b.receipts = b.receipts.filter((r) => !usedReceipts.has(r));
  return folded;
}

/** Puts back on the event-by-event path the folded messages whose row already existed. */
export function unfold(b: Pick<FoldableBatch, 'accepted' | 'submitted' | 'receipts'>, back: readonly Folded[]): void {
  for (const f of back) {
    b.accepted.push(f.accepted);
    b.submitted.push(f.submitted);
    if (f.receipt) b.receipts.push(f.receipt);
  }
}
