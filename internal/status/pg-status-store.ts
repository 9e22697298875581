/** StatusStore on PostgreSQL or PGlite through drizzle: one transaction and a constant number of statements per batch. */
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { assertNever } from '../core/errors.js';
import type { Database, Db } from '../db/client.js';
import type { PreparedExecutor, PreparedSql } from '../db/prepared-sql.js';
import { rowsOf } from '../db/rows.js';
import { messages } from '../db/schema.js';
import {
  statusStatements as S,
  type AcceptedRow,
  type FailedRow,
  type ReceiptRow,
  type SubmittedRow,
} from './pg-status-sql.js';
import { foldLifecycles, foldMultipart, smscKeyCounts, unfold, type Folded, type FoldedMultipart } from './lifecycle-fold.js';
import type { MessageFacts, ReceiptEvent, StatusEvent } from '../sms/events.js';
import { FINAL_STATUSES, STATUS_RANK, type FinalStatus, type MessageStatus } from '../sms/status.js';
import type { ApplyResult, ListFilter, ListPage, MessageView, StatusStore } from './status-store.js';

interface Batch {
  accepted: AcceptedRow[];
  submitted: SubmittedRow[];
  receipts: ReceiptRow[];
  failed: FailedRow[];
  /** One-part messages whose whole life so far is in this batch: one row insert each (lifecycle-fold.ts). */
  folded: Folded[];
  /** Multi-part messages whose accepted record and every submit are in this batch: a message row and its part rows. */
  multipart: FoldedMultipart[];
}

function acceptedRow(m: MessageFacts, scheduled: boolean): AcceptedRow {
  return {
    id: m.id,
    client: m.clientId,
    ref: m.clientRef ?? null,
    carrier: m.carrier,
    to: m.to,
    from: m.from,
    segments: m.segments,
    encoding: m.encoding,
    at: m.acceptedAt,
    st: scheduled ? 'scheduled' : 'accepted',
    rk: scheduled ? STATUS_RANK.scheduled : STATUS_RANK.accepted,
    send: m.sendAt ?? null,
    valid: m.validUntil ?? null,
    cb: m.callbackUrl ?? null,
  };
}

function partition(events: readonly StatusEvent[]): Batch {
  const b: Batch = { accepted: [], submitted: [], receipts: [], failed: [], folded: [], multipart: [] };
  /** Facts repeated by connectors' first events; only those whose accepted record is not in this batch are written. */
  let repairs: MessageFacts[] | undefined;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    switch (e.kind) {
      case 'accepted':
        b.accepted.push(acceptedRow(e.message, e.scheduled === true));
        break;
      case 'submitted':
        b.submitted.push({ id: e.id, carrier: e.carrier, part: e.part, parts: e.parts, smsc: e.smscMessageId, at: e.at });
        if (e.message) (repairs ??= []).push(e.message);
        break;
      case 'receipt':
        b.receipts.push(receiptRow(e, i));
        break;
      case 'failed':
        b.failed.push({ id: e.id, carrier: e.carrier, client: e.clientId ?? null, status: e.status, error: e.error, at: e.at });
        if (e.message) (repairs ??= []).push(e.message);
        break;
      default:
        assertNever(e, 'status event');
    }
  }
  if (repairs) {
    // Applied as accepted records: the upsert fills a row only where its accepted record never arrived, so on
    // a row that has one it writes nothing.
    const have = new Set(b.accepted.map((r) => r.id));
    for (const m of repairs) if (!have.has(m.id)) b.accepted.push(acceptedRow(m, false));
  }
  const fold = { accepted: b.accepted, submitted: b.submitted, receipts: b.receipts, failedIds: new Set(b.failed.map((f) => f.id)) };
  // Counted once over the whole batch: a receipt either fold takes must mean nothing else in it.
  const counts = smscKeyCounts(fold);
  b.folded = foldLifecycles(fold, counts);
  b.multipart = foldMultipart(fold, counts);
  b.accepted = fold.accepted;
  b.submitted = fold.submitted;
  b.receipts = fold.receipts;
  return b;
}

function receiptRow(e: ReceiptEvent, i: number): ReceiptRow {
  return { i, carrier: e.carrier, smsc: e.smscMessageId, status: e.status, stat: e.stat, err: e.err, done: e.doneAt, at: e.at };
}

const FINAL_SET: ReadonlySet<string> = new Set(FINAL_STATUSES);

/**
 * The batch statements are prepared (db/prepared-sql.ts). After five runs PostgreSQL may keep one generic plan for
 * good, made when the tables were the size they were then; the status writer's tables grow from empty, and with that
 * plan its lagging-batch statements cost the server a third more than planning each run afresh (make bench-status;
 * docs/performance.md, "Round two: the status writer's statements prepared"). Set per transaction, not per connection: a startup
 * parameter would be refused by poolers such as PgBouncer, and this touches no other query.
 */
const CUSTOM_PLANS = sql.raw('set local plan_cache_mode = force_custom_plan');

function countFinals(into: Partial<Record<FinalStatus, number>>, rows: readonly { status: string | null }[]): void {
  for (const { status } of rows) {
    if (status !== null && FINAL_SET.has(status)) into[status as FinalStatus] = (into[status as FinalStatus] ?? 0) + 1;
  }
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The columns of a message as a client sees it. */
const viewColumns = {
  id: messages.id,
  status: messages.status,
  carrier: messages.carrier,
  to: messages.to,
  from: messages.from,
  segments: messages.segments,
  encoding: messages.encoding,
  clientRef: messages.clientRef,
  smscMessageId: messages.smscMessageId,
  error: messages.error,
  acceptedAt: messages.acceptedAt,
  sendAt: messages.sendAt,
  validUntil: messages.validUntil,
  submittedAt: messages.submittedAt,
  doneAt: messages.doneAt,
};

/**
 * The query behind one page of GET /v1/messages, built but not run: the store runs it, the listing benchmark
 * (tools/bench/list-plan.ts) explains the very same statement on a large table.
 */
export function listQuery(db: Db, clientId: string, f: ListFilter) {
  const conds: SQL[] = [eq(messages.clientId, clientId)];
  if (f.status !== undefined) conds.push(eq(messages.status, f.status));
  if (f.to !== undefined) conds.push(eq(messages.to, f.to));
  if (f.clientRef !== undefined) conds.push(eq(messages.clientRef, f.clientRef));
  if (f.since !== undefined) conds.push(gte(messages.acceptedAt, new Date(f.since)));
  if (f.until !== undefined) conds.push(lt(messages.acceptedAt, new Date(f.until)));
  if (f.after !== undefined) {
    conds.push(sql`(${messages.acceptedAt}, ${messages.id}) < (${new Date(f.after.at).toISOString()}::timestamptz, ${f.after.id})`);
  } else {
    conds.push(sql`${messages.acceptedAt} is not null`);
  }
  return db
    .select(viewColumns)
    .from(messages)
    .where(and(...conds))
    .orderBy(desc(messages.acceptedAt), desc(messages.id))
    .limit(f.limit + 1);
}

/**
 * The store borrows `database`: close() waits for in-flight calls and refuses new ones, but the database is
 * closed by whoever opened it (it may serve other users).
 */
export function createPgStatusStore(database: Pick<Database, 'db'>): StatusStore {
  const db: Db = database.db;
  const inflight = new Set<Promise<unknown>>();
  let closed = false;

  function track<T>(run: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new Error('status store is closed'));
    const p = run();
    inflight.add(p);
    void p.then(
      () => inflight.delete(p),
      () => inflight.delete(p),
    );
    return p;
  }

  /**
   * Whether nearly all of the last batch's folds of each kind found their rows holding only the accepted record: in
   * a backlog drain every batch does, and trying the update first spares each message the insert that would conflict.
   */
  const updateFirst = { one: false, multi: false };
  /**
   * Nine in ten, not half: a writer that keeps up sees batches that mix both kinds of row, and it keeps the order and
   * the statements it always ran there; a drain's batches are all one kind.
   */
  const drainLike = (n: number, of: number) => n * 10 >= of * 9;

  /**
   * Writes folded messages: inserted when their row does not exist, updated when it holds only its accepted record
   * (stored by an earlier batch), in the order the last batch says pays. Returns those neither statement took (a
   * replay, a row past accepted, an event that came first): their events are applied one by one. With
   * `updateOnlyInBulk`, rows the insert found are updated only when nearly all were found: a multi-part message
   * whose row exists in a writer that keeps up is rare, and its events go one by one as they always did, without a
   * statement more in the batch's transaction.
   */
  async function writeFolds<F extends Folded | FoldedMultipart, A extends readonly string[]>(
    tx: PreparedExecutor,
    kind: keyof typeof updateFirst,
    folds: readonly F[],
    args: (fs: readonly F[]) => A,
    insert: PreparedSql<A>,
    update: PreparedSql<A>,
    result: ApplyResult,
    updateOnlyInBulk = false,
  ): Promise<F[]> {
    const byUpdate = updateFirst[kind];
    const firstRows = rowsOf<{ id: string; status: string }>(await (byUpdate ? update : insert).run(tx, ...args(folds)));
    countFinals(result.finals, firstRows);
    let left: F[] = [];
    let updated = byUpdate ? firstRows.length : 0;
    if (firstRows.length < folds.length) {
      const took = new Set(firstRows.map((r) => r.id));
      const rest = folds.filter((f) => !took.has(f.row.id));
      if (!byUpdate && updateOnlyInBulk && !drainLike(rest.length, folds.length)) {
        updateFirst[kind] = false;
        return rest;
      }
      const secondRows = rowsOf<{ id: string; status: string }>(await (byUpdate ? insert : update).run(tx, ...args(rest)));
      countFinals(result.finals, secondRows);
      if (!byUpdate) updated = secondRows.length;
      const tookToo = new Set(secondRows.map((r) => r.id));
      left = rest.filter((f) => !tookToo.has(f.row.id));
    }
    updateFirst[kind] = drainLike(updated, folds.length);
    return left;
  }

  async function apply(events: readonly StatusEvent[]): Promise<ApplyResult> {
    const result: ApplyResult = { unmatchedReceipts: [], finals: {} };
    if (events.length === 0) return result;
    const b = partition(events);
    await db.transaction(async (tx) => {
      // Sent ahead of the first statement without waiting for it (the connection pipelines them); awaited at the end,
      // where a failure would show, and caught meanwhile so that it is never unhandled.
      const planning = tx.execute(CUSTOM_PLANS);
      planning.catch(() => undefined);
      if (b.folded.length > 0) {
        const one = (fs: readonly Folded[]) => [JSON.stringify(fs.map((f) => f.row))] as const;
        unfold(b, await writeFolds(tx, 'one', b.folded, one, S.insertLifecycles, S.updateLifecycles, result));
      }
      if (b.multipart.length > 0) {
        const multi = (fs: readonly FoldedMultipart[]) => [JSON.stringify(fs.map((f) => f.row)), JSON.stringify(fs.flatMap((f) => f.parts))] as const;
        unfold(b, await writeFolds(tx, 'multi', b.multipart, multi, S.insertMultipartLifecycles, S.updateMultipartLifecycles, result, true));
      }
      // Order matters only within this transaction: parts must exist before receipts look for them.
      if (b.accepted.length > 0) await S.upsertAccepted.run(tx, JSON.stringify(b.accepted));
      if (b.submitted.length > 0) await S.upsertSubmitted.run(tx, JSON.stringify(b.submitted));
      if (b.receipts.length > 0) {
        const rows = rowsOf<{ unmatched: number | null; message_id: string | null; status: string | null }>(
          await S.applyReceipts.run(tx, JSON.stringify(b.receipts)),
        );
        const touched: string[] = [];
        for (const r of rows) {
          if (r.unmatched !== null) result.unmatchedReceipts.push(r.unmatched);
          else if (r.message_id !== null) touched.push(r.message_id);
        }
        // Rows with a status are the one-part messages this batch made final.
        countFinals(result.finals, rows);
        if (touched.length > 0) {
          countFinals(result.finals, rowsOf<{ status: string }>(await S.settleMessages.run(tx, JSON.stringify(touched))));
        }
      }
      if (b.failed.length > 0) {
        countFinals(result.finals, rowsOf<{ status: string }>(await S.applyFailed.run(tx, JSON.stringify(b.failed))));
      }
      await planning;
    });
    result.unmatchedReceipts.sort((x, y) => x - y);
    return result;
  }

  async function recordOrphanReceipts(events: readonly ReceiptEvent[]): Promise<void> {
    if (events.length === 0) return;
    await S.insertOrphans.run(db, JSON.stringify(events.map(receiptRow)));
  }

  type Row = { [K in keyof typeof viewColumns]: (typeof viewColumns)[K]['_']['data'] | null } & { id: string; status: MessageStatus; carrier: string };
  const toView = (row: Row): MessageView => ({
    ...row,
    acceptedAt: iso(row.acceptedAt as Date | null),
    sendAt: iso(row.sendAt as Date | null),
    validUntil: iso(row.validUntil as Date | null),
    submittedAt: iso(row.submittedAt as Date | null),
    doneAt: iso(row.doneAt as Date | null),
  });
  async function getMessage(id: string, clientId: string): Promise<MessageView | null> {
    const [row] = await db
      .select(viewColumns)
      .from(messages)
      .where(and(eq(messages.id, id), eq(messages.clientId, clientId)));
    return row ? toView(row as Row) : null;
  }

  /**
   * One keyset page: `(accepted_at, id) < (after)` walks the (client_id[, to | client_ref], accepted_at, id) index
   * backwards from where the previous page ended, so page 1,000 costs what page 1 costs. One row more than asked
   * says whether there is a next page.
   */
  async function listMessages(clientId: string, f: ListFilter): Promise<ListPage> {
    const rows = (await listQuery(db, clientId, f)) as Row[];
    const more = rows.length > f.limit;
    const page = more ? rows.slice(0, f.limit) : rows;
    const last = page[page.length - 1];
    return {
      messages: page.map(toView),
      next: more && last ? { at: (last.acceptedAt as Date).getTime(), id: last.id } : null,
    };
  }

  return {
    apply: (events) => track(() => apply(events)),
    recordOrphanReceipts: (events) => track(() => recordOrphanReceipts(events)),
    getMessage: (id, clientId) => track(() => getMessage(id, clientId)),
    listMessages: (clientId, filter) => track(() => listMessages(clientId, filter)),
    async close() {
      closed = true;
      await Promise.allSettled([...inflight]);
    },
  };
}
