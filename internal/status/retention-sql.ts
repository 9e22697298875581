/**
 * The statements of retention: each deletes at most `limit` rows older than a cut-off and at or after `fromMs`, and says
 * how many it deleted and the newest time among them, so one statement holds row locks on a bounded set and a sweep
 * is a loop of short transactions, each starting where the last left off: the BRIN index then skips the block ranges
 * already emptied (their dead rows stay until vacuum), where a scan from the start read more of them every statement
 * (measured: 2 M rows deleted from 5 M, one statement took 4.9 s near the end).
 */
import { sql, type SQL } from 'drizzle-orm';
import { inboundMessages, messages, orphanReceipts } from '../db/schema.js';
import { columnNames, tableName } from '../db/sql-names.js';

const ts = (ms: number) => sql`(timestamptz 'epoch' + ${ms}::float8 * interval '1 millisecond')`;
const epochMs = (col: SQL) => sql`(extract(epoch from max(${col})) * 1000)::float8`;

/** What each statement answers: rows deleted, and the newest time among them (null when none). */
export interface DeletedRows {
  n: number;
  upto: number | null;
}

const MESSAGES = tableName(messages);
const ORPHANS = tableName(orphanReceipts);
const INBOUND = tableName(inboundMessages);
const M = columnNames(messages);
const O = columnNames(orphanReceipts);
const I = columnNames(inboundMessages);

/**
 * Messages accepted before the cut-off, with their parts (deleted by the foreign key's cascade). A message still held
 * for a sendAt after the cut-off stays. Found through the BRIN index on accepted_at.
 */
export function deleteOldMessages(beforeMs: number, fromMs: number, limit: number): SQL {
  return sql`
    with doomed as (
      select ${M.id} as id from ${MESSAGES}
      where ${M.acceptedAt} < ${ts(beforeMs)} and ${M.acceptedAt} >= ${ts(fromMs)} and (${M.sendAt} is null or ${M.sendAt} < ${ts(beforeMs)})
      limit ${limit}
    ), gone as (
      delete from ${MESSAGES} m using doomed where m.${M.id} = doomed.id returning m.${M.acceptedAt} as at
    )
    select count(*)::int as n, ${epochMs(sql`at`)} as upto from gone`;
}

/** Receipts that never matched a message, received before the cut-off. */
export function deleteOldOrphans(beforeMs: number, fromMs: number, limit: number): SQL {
  return sql`
    with gone as (
      delete from ${ORPHANS} where ctid = any(array(
        select ctid from ${ORPHANS} where ${O.receivedAt} < ${ts(beforeMs)} and ${O.receivedAt} >= ${ts(fromMs)} limit ${limit}
      )) returning ${O.receivedAt} as at
    )
    select count(*)::int as n, ${epochMs(sql`at`)} as upto from gone`;
}

/** Inbound messages received before the cut-off. */
export function deleteOldInbound(beforeMs: number, fromMs: number, limit: number): SQL {
  return sql`
    with doomed as (
      select ${I.id} as id from ${INBOUND} where ${I.receivedAt} < ${ts(beforeMs)} and ${I.receivedAt} >= ${ts(fromMs)} limit ${limit}
    ), gone as (
      delete from ${INBOUND} i using doomed where i.${I.id} = doomed.id returning i.${I.receivedAt} as at
    )
    select count(*)::int as n, ${epochMs(sql`at`)} as upto from gone`;
}
