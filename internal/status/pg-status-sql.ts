/**
 * The set-based statements behind the PostgreSQL status store: each takes one batch of one event kind as a single
 * JSON parameter, expanded in SQL with json_to_recordset, so a batch costs a constant number of statements.
 *
 * `json`, not `jsonb`: each parameter is read once, row by row, and never stored or searched, so building the binary
 * form first (`::jsonb` parses the text and then builds a sorted binary copy of every object) is cost without use.
 */
import { sql, type SQL } from 'drizzle-orm';
import { messageParts, messages, orphanReceipts, sweepMarks } from '../db/schema.js';
import { preparedSql } from '../db/prepared-sql.js';
import { columnNames, tableName } from '../db/sql-names.js';
import { STATUS_RANK } from '../sms/status.js';

/*
 * Parameters are JSON text (cast in SQL), never Dates or objects: drizzle re-registers postgres.js serialisers, and
 * PGlite serialises its own way; a string is read identically by both. Times travel as epoch milliseconds.
 */

// Ranks are inlined as literals from STATUS_RANK, the one place that orders states; all finals share one rank.
const rank = (r: number) => sql.raw(String(r));
const ACCEPTED = rank(STATUS_RANK.accepted);
const SUBMITTED = rank(STATUS_RANK.submitted);
const UNKNOWN = rank(STATUS_RANK.unknown);
const FINAL = rank(STATUS_RANK.delivered);

const ts = (ms: SQL) => sql`(timestamptz 'epoch' + ${ms} * interval '1 millisecond')`;

// Names from the Drizzle schema (see db/sql-names.ts); r.* are the JSON parameters' own keys.
const MESSAGES = tableName(messages);
const PARTS = tableName(messageParts);
const ORPHANS = tableName(orphanReceipts);
const MARKS = tableName(sweepMarks);
const M = columnNames(messages);
const P = columnNames(messageParts);
const O = columnNames(orphanReceipts);
const K = columnNames(sweepMarks);

/** Row shapes inside the JSON parameters (short keys: they are built per event on the hot path). */
export interface AcceptedRow {
  id: string;
  client: string;
  ref: string | null;
  carrier: string;
  to: string;
  from: string;
  segments: number;
  encoding: string;
  at: number;
  /** 'scheduled' (read from SMS_SCHEDULED) or 'accepted' (from SMS_MT), and its rank. */
  st: string;
  rk: number;
  send: number | null;
  valid: number | null;
  /** The message's own callbackUrl. */
  cb: string | null;
}
export interface SubmittedRow {
  id: string;
  carrier: string;
  part: number;
  parts: number;
  smsc: string;
  at: number;
}
/** One receipt; `i` is its index in the batch, reported back when it matches nothing. */
export interface ReceiptRow {
  i: number;
  carrier: string;
  smsc: string;
  status: string | null;
  stat: string;
  err: string | null;
  done: number | null;
  at: number;
}
export interface FailedRow {
  id: string;
  carrier: string;
  /** Known when the failure comes from a dead letter whose accepted event could never be read. */
  client: string | null;
  status: string;
  error: string;
  at: number;
}

/**
 * Inserts messages (status scheduled or accepted) or, when another event created the row first, fills their descriptive
 * fields; raises a scheduled message to accepted when it is released, and otherwise never touches status.
 */
function upsertAccepted(json: string): SQL {
  return sql`
    insert into ${MESSAGES} as m (${M.id}, ${M.clientId}, ${M.clientRef}, ${M.carrier}, ${M.to}, ${M.from}, ${M.segments}, ${M.encoding},
      ${M.status}, ${M.statusRank}, ${M.acceptedAt}, ${M.sendAt}, ${M.validUntil}, ${M.callbackUrl}, ${M.updatedAt})
    select distinct on (r.id) r.id, r.client, r.ref, r.carrier, r."to", r."from", r.segments, r.encoding, r.st, r.rk, ${ts(sql`r.at`)},
      case when r.send is not null then ${ts(sql`r.send`)} end, case when r.valid is not null then ${ts(sql`r.valid`)} end, r.cb, now()
    from json_to_recordset(${json}::json)
      as r(id text, client text, ref text, carrier text, "to" text, "from" text, segments int, encoding text, at float8,
           st text, rk int, send float8, valid float8, cb text)
    order by r.id, r.rk desc, r.at
    on conflict (${M.id}) do update set
      ${M.clientId} = excluded.${M.clientId}, ${M.clientRef} = excluded.${M.clientRef}, ${M.to} = excluded.${M.to},
      ${M.from} = excluded.${M.from}, ${M.segments} = excluded.${M.segments}, ${M.encoding} = excluded.${M.encoding},
      ${M.acceptedAt} = excluded.${M.acceptedAt}, ${M.sendAt} = excluded.${M.sendAt}, ${M.validUntil} = excluded.${M.validUntil},
      ${M.callbackUrl} = excluded.${M.callbackUrl},
      ${M.status} = case when m.${M.statusRank} < excluded.${M.statusRank} then excluded.${M.status} else m.${M.status} end,
      ${M.statusRank} = greatest(m.${M.statusRank}, excluded.${M.statusRank}),
      ${M.updatedAt} = now()
    where m.${M.acceptedAt} is null or m.${M.statusRank} < excluded.${M.statusRank}`;
}

/**
 * Inserts one-part messages whose accepted record, submit and receipt (when there is one) came in the same batch
 * (see lifecycle-fold.ts) in the state the three statements below would leave them in. A message whose row exists
 * already is left alone and not returned: the caller applies its events one by one instead.
 */
function insertLifecycles(json: string): SQL {
  return sql`
    insert into ${MESSAGES} as m (${M.id}, ${M.clientId}, ${M.clientRef}, ${M.carrier}, ${M.to}, ${M.from}, ${M.segments}, ${M.encoding},
      ${M.status}, ${M.statusRank}, ${M.acceptedAt}, ${M.sendAt}, ${M.validUntil}, ${M.callbackUrl}, ${M.smscMessageId}, ${M.parts},
      ${M.submittedAt}, ${M.lastStat}, ${M.lastStatAt}, ${M.error}, ${M.doneAt}, ${M.updatedAt})
    select r.id, r.client, r.ref, r.carrier, r."to", r."from", r.segments, r.encoding,
      coalesce(r.status, 'submitted'), case when r.status is not null then ${FINAL} else ${SUBMITTED} end, ${ts(sql`r.at`)},
      case when r.send is not null then ${ts(sql`r.send`)} end, case when r.valid is not null then ${ts(sql`r.valid`)} end, r.cb,
      r.smsc, 1, ${ts(sql`r.sub`)}, r.stat, case when r.rat is not null then ${ts(sql`r.rat`)} end,
      ${receiptError(sql`r`)}, case when r.status is not null then ${ts(sql`coalesce(r.done, r.rat)`)} end, now()
    from json_to_recordset(${json}::json)
      as r(id text, client text, ref text, carrier text, "to" text, "from" text, segments int, encoding text, at float8,
           send float8, valid float8, cb text, smsc text, sub float8, status text, stat text, err text, done float8, rat float8)
    order by r.id
    on conflict (${M.id}) do nothing
    returning m.${M.id} as id, m.${M.status} as status`;
}

/**
 * The same fold for a message whose row holds its accepted record and nothing else yet — stored by an earlier batch,
 * as in a backlog drain, where every accepted record is written long before its submit and receipt arrive together:
 * one update in the state upsertSubmitted then applyReceipts would leave it in, instead of two. Only a row in exactly
 * that state is touched (status accepted, nothing submitted, no receipt, same carrier) and returned; the caller
 * applies the others' events one by one.
 */
function updateLifecycles(json: string): SQL {
  return sql`
    update ${MESSAGES} m set
      ${M.status} = coalesce(r.status, 'submitted'),
      ${M.statusRank} = case when r.status is not null then ${FINAL} else ${SUBMITTED} end,
      ${M.smscMessageId} = r.smsc,
      ${M.parts} = 1,
      ${M.submittedAt} = ${ts(sql`r.sub`)},
      ${M.lastStat} = r.stat,
      ${M.lastStatAt} = case when r.rat is not null then ${ts(sql`r.rat`)} end,
      ${M.error} = ${receiptError(sql`r`)},
      ${M.doneAt} = case when r.status is not null then ${ts(sql`coalesce(r.done, r.rat)`)} end,
      ${M.updatedAt} = now()
    from json_to_recordset(${json}::json)
      as r(id text, carrier text, smsc text, sub float8, status text, stat text, err text, done float8, rat float8)
    where m.${M.id} = r.id and m.${M.carrier} = r.carrier
      and m.${M.status} = 'accepted' and m.${M.statusRank} = ${ACCEPTED} and m.${M.acceptedAt} is not null
      and m.${M.submittedAt} is null and m.${M.smscMessageId} is null and m.${M.parts} is null
      and m.${M.lastStat} is null and m.${M.lastStatAt} is null and m.${M.error} is null and m.${M.doneAt} is null
    returning m.${M.id} as id, m.${M.status} as status`;
}

/**
 * Inserts multi-part messages whose accepted record and every part's submit came in the same batch (see
 * lifecycle-fold.ts): the message row settled from its parts, and each part with its receipt, in the state
 * upsertAccepted, upsertSubmitted, applyReceipts and settleMessages would leave them in. A message whose row exists,
 * or one of whose SMSC ids a part stored earlier holds (the statements would skip that part, and its receipt would go
 * to the older one), is left alone and not returned: the caller applies its events one by one instead.
 */
function insertMultipartLifecycles(json: string, partsJson: string): SQL {
  return sql`
    with r as (
      select * from json_to_recordset(${json}::json)
        as r(id text, client text, ref text, carrier text, "to" text, "from" text, segments int, encoding text, at float8,
             send float8, valid float8, cb text, smsc text, sub float8, parts int, status text, stat text, err text, done float8)
    ),
    ${foldedPartsWith(partsJson)},
    msg as (
      insert into ${MESSAGES} as m (${M.id}, ${M.clientId}, ${M.clientRef}, ${M.carrier}, ${M.to}, ${M.from}, ${M.segments}, ${M.encoding},
        ${M.status}, ${M.statusRank}, ${M.acceptedAt}, ${M.sendAt}, ${M.validUntil}, ${M.callbackUrl}, ${M.smscMessageId}, ${M.parts},
        ${M.submittedAt}, ${M.error}, ${M.doneAt}, ${M.updatedAt})
      select r.id, r.client, r.ref, r.carrier, r."to", r."from", r.segments, r.encoding,
        coalesce(r.status, 'submitted'), case when r.status is not null then ${FINAL} else ${SUBMITTED} end, ${ts(sql`r.at`)},
        case when r.send is not null then ${ts(sql`r.send`)} end, case when r.valid is not null then ${ts(sql`r.valid`)} end, r.cb,
        r.smsc, r.parts, ${ts(sql`r.sub`)}, ${receiptError(sql`r`)}, case when r.status is not null then ${ts(sql`r.done`)} end, now()
      from r
      where r.id not in (select id from clash)
      order by r.id
      on conflict (${M.id}) do nothing
      returning m.${M.id} as id, m.${M.status} as status
    ),
    -- Runs though nothing reads it (PostgreSQL runs every data-modifying WITH); the foreign key holds at the statement's end.
    parts as (${insertFoldedParts})
    select id, status from msg`;
}

/**
 * The CTEs both multi-part folds start from: the parts' recordset (`p`), and the messages one of whose SMSC ids a part
 * stored earlier holds (`clash`), which the folds leave alone.
 */
function foldedPartsWith(partsJson: string): SQL {
  return sql`p as (
      select * from json_to_recordset(${partsJson}::json)
        as p(id text, part int, parts int, carrier text, smsc text, sub float8, status text, stat text, err text, done float8, rat float8)
    ),
    clash as (
      select distinct p.id from p join ${PARTS} x on x.${P.carrier} = p.carrier and x.${P.smscMessageId} = p.smsc
    )`;
}

/** The part rows of the multi-part messages a fold wrote (CTE `msg`), from the parts' recordset (CTE `p`). */
const insertFoldedParts = sql`
      insert into ${PARTS} (${P.messageId}, ${P.part}, ${P.parts}, ${P.carrier}, ${P.smscMessageId}, ${P.submittedAt},
        ${P.status}, ${P.lastStat}, ${P.lastStatAt}, ${P.error}, ${P.doneAt})
      select p.id, p.part, p.parts, p.carrier, p.smsc, ${ts(sql`p.sub`)},
        p.status, p.stat, case when p.rat is not null then ${ts(sql`p.rat`)} end, ${receiptError(sql`p`)},
        case when p.status is not null then ${ts(sql`coalesce(p.done, p.rat)`)} end
      from p
      where p.id in (select id from msg)
      order by p.id, p.part
      returning 1`;

/**
 * The multi-part fold for a message whose row holds its accepted record and nothing else yet, as in a backlog drain
 * (see updateLifecycles): its row takes the settled state in one update and its parts are inserted with their
 * receipts, instead of an update for the submits, part inserts, an update per receipt and the settling update. Only
 * a row in exactly that state, with no part rows, is touched and returned; as in the insert, a message one of whose
 * SMSC ids a part stored earlier holds is left alone. The caller applies the others' events one by one.
 */
function updateMultipartLifecycles(json: string, partsJson: string): SQL {
  return sql`
    with r as (
      select * from json_to_recordset(${json}::json)
        as r(id text, carrier text, smsc text, sub float8, parts int, status text, stat text, err text, done float8)
    ),
    ${foldedPartsWith(partsJson)},
    msg as (
      update ${MESSAGES} m set
        ${M.status} = coalesce(r.status, 'submitted'),
        ${M.statusRank} = case when r.status is not null then ${FINAL} else ${SUBMITTED} end,
        ${M.smscMessageId} = r.smsc,
        ${M.parts} = r.parts,
        ${M.submittedAt} = ${ts(sql`r.sub`)},
        ${M.error} = ${receiptError(sql`r`)},
        ${M.doneAt} = case when r.status is not null then ${ts(sql`r.done`)} end,
        ${M.updatedAt} = now()
      from r
      where m.${M.id} = r.id and m.${M.carrier} = r.carrier and r.id not in (select id from clash)
        and m.${M.status} = 'accepted' and m.${M.statusRank} = ${ACCEPTED} and m.${M.acceptedAt} is not null
        and m.${M.submittedAt} is null and m.${M.smscMessageId} is null and m.${M.parts} is null
        and m.${M.lastStat} is null and m.${M.lastStatAt} is null and m.${M.error} is null and m.${M.doneAt} is null
        and not exists (select 1 from ${PARTS} x where x.${P.messageId} = m.${M.id})
      returning m.${M.id} as id, m.${M.status} as status
    ),
    parts as (${insertFoldedParts})
    select id, status from msg`;
}

/**
 * Raises messages to submitted (creating them when their accepted event has not arrived) and records the parts of
 * multi-part messages; a one-part message keeps its smsc id on its own row (parts = 1). One statement: the parts
 * insert follows the messages upsert in a data-modifying CTE, and the foreign key is checked at the end of the
 * statement, when both are in place. The first smsc id stays on replay; a part whose (carrier, smsc id) another
 * part already holds is skipped rather than failing the batch.
 */
function upsertSubmitted(json: string): SQL {
  return sql`
    with r as (
      select * from json_to_recordset(${json}::json) as r(id text, carrier text, part int, parts int, smsc text, at float8)
    ),
    msg as (
      insert into ${MESSAGES} as m (${M.id}, ${M.carrier}, ${M.status}, ${M.statusRank}, ${M.smscMessageId}, ${M.parts}, ${M.submittedAt}, ${M.updatedAt})
      select r.id, (array_agg(r.carrier order by r.at))[1], 'submitted', ${SUBMITTED},
             (array_agg(r.smsc order by r.at) filter (where r.part = 1))[1], max(r.parts), ${ts(sql`min(r.at)`)}, now()
      from r
      group by r.id
      order by r.id
      on conflict (${M.id}) do update set
        ${M.status} = case when m.${M.statusRank} < ${SUBMITTED} then 'submitted' else m.${M.status} end,
        ${M.statusRank} = greatest(m.${M.statusRank}, ${SUBMITTED}),
        ${M.submittedAt} = least(m.${M.submittedAt}, excluded.${M.submittedAt}),
        ${M.smscMessageId} = coalesce(m.${M.smscMessageId}, excluded.${M.smscMessageId}),
        ${M.parts} = coalesce(m.${M.parts}, excluded.${M.parts}),
        ${M.updatedAt} = now()
      where m.${M.statusRank} < ${SUBMITTED}
         or m.${M.submittedAt} is null or excluded.${M.submittedAt} < m.${M.submittedAt}
         or (m.${M.smscMessageId} is null and excluded.${M.smscMessageId} is not null)
      returning 1
    )
    insert into ${PARTS} (${P.messageId}, ${P.part}, ${P.parts}, ${P.carrier}, ${P.smscMessageId}, ${P.submittedAt})
    select distinct on (r.id, r.part) r.id, r.part, r.parts, r.carrier, r.smsc, ${ts(sql`r.at`)}
    from r
    where r.parts > 1
    order by r.id, r.part, r.at
    on conflict do nothing`;
}

/**
 * Applies receipts to the parts of multi-part messages and to one-part messages, and answers with (a) the indexes
 * of receipts that match nothing, (b) the multi-part messages whose parts changed, for `settleMessages`, and (c)
 * the final states one-part messages reached (`status`). Per part (or one-part message), a final receipt beats intermediate
 * ones and the earliest final wins; one that already has a final status is left alone (first final wins across
 * batches); an intermediate receipt only replaces last_stat with a newer one, so replays are no-ops.
 */
function applyReceipts(json: string): SQL {
  const pick = sql.raw(`f.status is null, case when f.status is not null then coalesce(f.done, f.at) end, f.at desc, f.i`);
  return sql`
    with r as (
      select * from json_to_recordset(${json}::json)
        as r(i int, carrier text, smsc text, status text, stat text, err text, done float8, at float8)
    ),
    -- One index probe per receipt. OFFSET 0 keeps the lookup a per-receipt subquery: joined freely, the planner
    -- (which guesses 100 rows for any recordset) hashed the whole index of messages for every batch.
    f as (
      select r.*, x.one, x.message_id, x.part, x.open
      from r left join lateral (
        select false as one, p.${P.messageId} as message_id, p.${P.part} as part, p.${P.status} is null as open
        from ${PARTS} p where p.${P.carrier} = r.carrier and p.${P.smscMessageId} = r.smsc
        union all
        select true, m.${M.id}, 1, m.${M.statusRank} < ${FINAL}
        from ${MESSAGES} m where m.${M.carrier} = r.carrier and m.${M.smscMessageId} = r.smsc and m.${M.parts} = 1
        offset 0
      ) x on true
    ),
    hit as (
      select distinct on (f.message_id, f.part) f.message_id, f.part, f.status, f.stat, f.err, f.done, f.at
      from f
      where not f.one and f.open
      order by f.message_id, f.part, ${pick}
    ),
    upd as (
      update ${PARTS} p set
        ${P.status} = h.status,
        ${P.lastStat} = h.stat,
        ${P.lastStatAt} = ${ts(sql`h.at`)},
        ${P.error} = ${receiptError(sql`h`)},
        ${P.doneAt} = case when h.status is not null then ${ts(sql`coalesce(h.done, h.at)`)} end
      from hit h
      where p.${P.messageId} = h.message_id and p.${P.part} = h.part and p.${P.status} is null
        and (h.status is not null or p.${P.lastStatAt} is null or ${ts(sql`h.at`)} > p.${P.lastStatAt})
      returning p.${P.messageId} as message_id
    ),
    one as (
      select distinct on (f.message_id) f.message_id, f.status, f.stat, f.err, f.done, f.at
      from f
      where f.one and f.open
      order by f.message_id, ${pick}
    ),
    one_upd as (
      update ${MESSAGES} m set
        ${M.status} = coalesce(h.status, m.${M.status}),
        ${M.statusRank} = case when h.status is not null then ${FINAL} else m.${M.statusRank} end,
        ${M.lastStat} = h.stat,
        ${M.lastStatAt} = ${ts(sql`h.at`)},
        ${M.error} = case when h.status is not null then ${receiptError(sql`h`)} else m.${M.error} end,
        ${M.doneAt} = case when h.status is not null then ${ts(sql`coalesce(h.done, h.at)`)} else m.${M.doneAt} end,
        ${M.updatedAt} = now()
      from one h
      where m.${M.id} = h.message_id and m.${M.statusRank} < ${FINAL}
        and (h.status is not null or m.${M.lastStatAt} is null or ${ts(sql`h.at`)} > m.${M.lastStatAt})
      returning h.status
    )
    select f.i as unmatched, null::text as message_id, null::text as status
    from f
    where f.message_id is null
    union all
    select distinct null::int, u.message_id, null from upd u
    union all
    select null::int, null, o.status from one_upd o where o.status is not null`;
}

/** The error a final receipt records: none when delivered, else its stat and err. */
function receiptError(h: SQL): SQL {
  return sql`case when ${h}.status is not null and ${h}.status <> 'delivered'
    then 'stat:' || ${h}.stat || coalesce(' err:' || ${h}.err, '') end`;
}

/**
 * Derives message state from its parts, for the given message ids: the first non-delivered final part (by done_at,
 * then part number) decides, else all parts delivered makes it delivered, else nothing changes. Only messages not
 * yet final move; RETURNING reports those that did.
 */
function settleMessages(idsJson: string): SQL {
  return sql`
    with ids as (select distinct json_array_elements_text(${idsJson}::json) as id),
    agg as (
      select p.${P.messageId} as message_id,
        max(p.${P.parts}) as parts,
        count(*) filter (where p.${P.status} = 'delivered') as delivered,
        max(p.${P.doneAt}) filter (where p.${P.status} = 'delivered') as delivered_at,
        (array_agg(p.${P.status} order by p.${P.doneAt}, p.${P.part}) filter (where p.${P.status} <> 'delivered'))[1] as bad_status,
        (array_agg(p.${P.error} order by p.${P.doneAt}, p.${P.part}) filter (where p.${P.status} <> 'delivered'))[1] as bad_error,
        (array_agg(p.${P.doneAt} order by p.${P.doneAt}, p.${P.part}) filter (where p.${P.status} <> 'delivered'))[1] as bad_done
      -- = any(array(…)) rather than a join: with a join the planner guessed the ids' selectivity badly and
      -- scanned all of message_parts for every batch (seen in a 10-minute soak); this reads the primary key.
      from ${PARTS} p
      where p.${P.messageId} = any(array(select id from ids))
      group by p.${P.messageId}
    ),
    next as (
      select message_id,
        case when bad_status is not null then bad_status when delivered >= parts then 'delivered' end as status,
        bad_error as error,
        case when bad_status is not null then bad_done else delivered_at end as done_at
      from agg
    )
    update ${MESSAGES} m set ${M.status} = n.status, ${M.statusRank} = ${FINAL}, ${M.error} = n.error, ${M.doneAt} = n.done_at, ${M.updatedAt} = now()
    from next n
    where m.${M.id} = n.message_id and n.status is not null and m.${M.statusRank} < ${FINAL}
    returning m.${M.status} as status`;
}

/** Moves messages to the connector's final verdict unless they already have one; creates them if need be. */
function applyFailed(json: string): SQL {
  return sql`
    insert into ${MESSAGES} as m (${M.id}, ${M.carrier}, ${M.clientId}, ${M.status}, ${M.statusRank}, ${M.error}, ${M.doneAt}, ${M.updatedAt})
    select distinct on (r.id) r.id, r.carrier, r.client, r.status, ${FINAL}, r.error, ${ts(sql`r.at`)}, now()
    from json_to_recordset(${json}::json) as r(id text, carrier text, client text, status text, error text, at float8)
    order by r.id, r.at
    on conflict (${M.id}) do update set
      ${M.status} = excluded.${M.status}, ${M.statusRank} = ${FINAL}, ${M.error} = excluded.${M.error},
      ${M.clientId} = coalesce(m.${M.clientId}, excluded.${M.clientId}),
      ${M.doneAt} = excluded.${M.doneAt}, ${M.updatedAt} = now()
    where m.${M.statusRank} < ${FINAL}
    returning m.${M.status} as status`;
}

/** Keeps unmatched receipts; the same (carrier, smsc id, stat) twice is one orphan. */
function insertOrphans(json: string): SQL {
  return sql`
    insert into ${ORPHANS} (${O.carrier}, ${O.smscMessageId}, ${O.stat}, ${O.err}, ${O.doneAt}, ${O.receivedAt})
    select distinct on (r.carrier, r.smsc, r.stat) r.carrier, r.smsc, r.stat, r.err,
           case when r.done is not null then ${ts(sql`r.done`)} end, ${ts(sql`r.at`)}
    from json_to_recordset(${json}::json)
      as r(carrier text, smsc text, stat text, err text, done float8, at float8)
    order by r.carrier, r.smsc, r.stat, r.at
    on conflict do nothing`;
}

/**
 * Moves up to `limit` messages of a carrier still `submitted`, whose submit falls in [fromMs, toMs), to `unknown`.
 * Returns one row per message moved; a caller repeats while it gets `limit` rows.
 */
export function markUnreceipted(carrier: string, fromMs: number, toMs: number, limit: number, error: string): SQL {
  return sql`
    update ${MESSAGES} m set ${M.status} = 'unknown', ${M.statusRank} = ${UNKNOWN}, ${M.error} = ${error}, ${M.updatedAt} = now()
    where m.${M.id} in (
      select x.${M.id} from ${MESSAGES} x
      where x.${M.submittedAt} >= ${ts(sql`${fromMs}::float8`)} and x.${M.submittedAt} < ${ts(sql`${toMs}::float8`)}
        and x.${M.carrier} = ${carrier} and x.${M.statusRank} = ${SUBMITTED}
      limit ${limit}
    )
      and m.${M.statusRank} = ${SUBMITTED}
    returning m.${M.id} as id`;
}

/** How far the named sweep has got (epoch ms), or nothing before its first run. */
export function selectSweepMark(name: string): SQL {
  return sql`select (extract(epoch from ${K.upTo}) * 1000)::float8 as up_to from ${MARKS} where ${K.name} = ${name}`;
}

export function upsertSweepMark(name: string, upToMs: number): SQL {
  return sql`
    insert into ${MARKS} (${K.name}, ${K.upTo}) values (${name}, ${ts(sql`${upToMs}::float8`)})
    on conflict (${K.name}) do update set ${K.upTo} = greatest(${MARKS}.${K.upTo}, excluded.${K.upTo})`;
}

/**
 * The batch statements above, each rendered once and run as a prepared statement (see db/prepared-sql.ts): the
 * status writer runs one to five of them per batch, so their rendering and PostgreSQL's parsing add up.
 */
export const statusStatements = {
  upsertAccepted: preparedSql('status_upsert_accepted', 1, upsertAccepted),
  insertLifecycles: preparedSql('status_insert_lifecycles', 1, insertLifecycles),
  updateLifecycles: preparedSql('status_update_lifecycles', 1, updateLifecycles),
  insertMultipartLifecycles: preparedSql('status_insert_multipart_lifecycles', 2, insertMultipartLifecycles),
  updateMultipartLifecycles: preparedSql('status_update_multipart_lifecycles', 2, updateMultipartLifecycles),
  upsertSubmitted: preparedSql('status_upsert_submitted', 1, upsertSubmitted),
  applyReceipts: preparedSql('status_apply_receipts', 1, applyReceipts),
  settleMessages: preparedSql('status_settle_messages', 1, settleMessages),
  applyFailed: preparedSql('status_apply_failed', 1, applyFailed),
  insertOrphans: preparedSql('status_insert_orphans', 1, insertOrphans),
};
