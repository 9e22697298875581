/**
 * The statements of retention: each deletes at most `limit` rows older than a cut-off and says how many it deleted,
 * so one statement holds row locks on a bounded set and a sweep is a loop of short transactions.
 */
import { sql, type SQL } from 'drizzle-orm';
import { inboundMessages, messages, orphanReceipts } from '../db/schema.js';
import { columnNames, tableName } from '../db/sql-names.js';

const ts = (ms: number) => sql`(timestamptz 'epoch' + ${ms}::float8 * interval '1 millisecond')`;

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
export function deleteOldMessages(beforeMs: number, limit: number): SQL {
  return sql`
    with doomed as (
      select ${M.id} as id from ${MESSAGES}
      where ${M.acceptedAt} < ${ts(beforeMs)} and (${M.sendAt} is null or ${M.sendAt} < ${ts(beforeMs)})
      limit ${limit}
    ), gone as (
      delete from ${MESSAGES} m using doomed where m.${M.id} = doomed.id returning 1
    )
    select count(*)::int as n from gone`;
}

/** Receipts that never matched a message, received before the cut-off. */
export function deleteOldOrphans(beforeMs: number, limit: number): SQL {
  return sql`
    with gone as (
      delete from ${ORPHANS} where ctid = any(array(
        select ctid from ${ORPHANS} where ${O.receivedAt} < ${ts(beforeMs)} limit ${limit}
      )) returning 1
    )
    select count(*)::int as n from gone`;
}

/** Inbound messages received before the cut-off. */
export function deleteOldInbound(beforeMs: number, limit: number): SQL {
  return sql`
    with doomed as (
      select ${I.id} as id from ${INBOUND} where ${I.receivedAt} < ${ts(beforeMs)} limit ${limit}
    ), gone as (
      delete from ${INBOUND} i using doomed where i.${I.id} = doomed.id returning 1
    )
    select count(*)::int as n from gone`;
}
