/**
 * The set-based statements behind the PostgreSQL status store: each takes one batch of one event kind as a single
 * JSON parameter, expanded in SQL with jsonb_to_recordset, so a batch costs a constant number of statements.
 */
import { sql, type SQL } from 'drizzle-orm';
import { STATUS_RANK } from '../sms/status.js';

/*
 * Parameters are JSON text (cast in SQL), never Dates or objects: drizzle re-registers postgres.js serialisers, and
 * PGlite serialises its own way; a string is read identically by both. Times travel as epoch milliseconds.
 */

// Ranks are inlined as literals from STATUS_RANK, the one place that orders states; all finals share one rank.
const rank = (r: number) => sql.raw(String(r));
const ACCEPTED = rank(STATUS_RANK.accepted);
const SUBMITTED = rank(STATUS_RANK.submitted);
const FINAL = rank(STATUS_RANK.delivered);

const ts = (ms: SQL) => sql`(timestamptz 'epoch' + ${ms} * interval '1 millisecond')`;
const iso = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

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
  status: string;
  error: string;
  at: number;
}

/** Inserts messages or, when another event created the row first, fills their descriptive fields; never touches status. */
export function upsertAccepted(json: string): SQL {
  return sql`
    insert into messages as m (id, client_id, client_ref, carrier, "to", "from", segments, encoding, status, status_rank, accepted_at, updated_at)
    select distinct on (r.id) r.id, r.client, r.ref, r.carrier, r."to", r."from", r.segments, r.encoding, 'accepted', ${ACCEPTED}, ${ts(sql`r.at`)}, now()
    from jsonb_to_recordset(${json}::jsonb)
      as r(id text, client text, ref text, carrier text, "to" text, "from" text, segments int, encoding text, at float8)
    order by r.id, r.at
    on conflict (id) do update set
      client_id = excluded.client_id, client_ref = excluded.client_ref, "to" = excluded."to", "from" = excluded."from",
      segments = excluded.segments, encoding = excluded.encoding, accepted_at = excluded.accepted_at, updated_at = now()
    where m.accepted_at is null`;
}

/**
 * Raises messages to submitted (creating them when their accepted event has not arrived) and records the parts of
 * multi-part messages; a one-part message keeps its smsc id on its own row (parts = 1). One statement: the parts
 * insert follows the messages upsert in a data-modifying CTE, and the foreign key is checked at the end of the
 * statement, when both are in place. The first smsc id stays on replay; a part whose (carrier, smsc id) another
 * part already holds is skipped rather than failing the batch.
 */
export function upsertSubmitted(json: string): SQL {
  return sql`
    with r as (
      select * from jsonb_to_recordset(${json}::jsonb) as r(id text, carrier text, part int, parts int, smsc text, at float8)
    ),
    msg as (
      insert into messages as m (id, carrier, status, status_rank, smsc_message_id, parts, submitted_at, updated_at)
      select r.id, (array_agg(r.carrier order by r.at))[1], 'submitted', ${SUBMITTED},
             (array_agg(r.smsc order by r.at) filter (where r.part = 1))[1], max(r.parts), ${ts(sql`min(r.at)`)}, now()
      from r
      group by r.id
      order by r.id
      on conflict (id) do update set
        status = case when m.status_rank < ${SUBMITTED} then 'submitted' else m.status end,
        status_rank = greatest(m.status_rank, ${SUBMITTED}),
        submitted_at = least(m.submitted_at, excluded.submitted_at),
        smsc_message_id = coalesce(m.smsc_message_id, excluded.smsc_message_id),
        parts = coalesce(m.parts, excluded.parts),
        updated_at = now()
      where m.status_rank < ${SUBMITTED}
         or m.submitted_at is null or excluded.submitted_at < m.submitted_at
         or (m.smsc_message_id is null and excluded.smsc_message_id is not null)
      returning 1
    )
    insert into message_parts (message_id, part, parts, carrier, smsc_message_id, submitted_at)
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
export function applyReceipts(json: string): SQL {
  const pick = sql.raw(`f.status is null, case when f.status is not null then coalesce(f.done, f.at) end, f.at desc, f.i`);
  return sql`
    with r as (
      select * from jsonb_to_recordset(${json}::jsonb)
        as r(i int, carrier text, smsc text, status text, stat text, err text, done float8, at float8)
    ),
    -- One index probe per receipt. OFFSET 0 keeps the lookup a per-receipt subquery: joined freely, the planner
    -- (which guesses 100 rows for any recordset) hashed the whole index of messages for every batch.
    f as (
      select r.*, x.one, x.message_id, x.part, x.open
      from r left join lateral (
        select false as one, p.message_id, p.part, p.status is null as open
        from message_parts p where p.carrier = r.carrier and p.smsc_message_id = r.smsc
        union all
        select true, m.id, 1, m.status_rank < ${FINAL}
        from messages m where m.carrier = r.carrier and m.smsc_message_id = r.smsc and m.parts = 1
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
      update message_parts p set
        status = h.status,
        last_stat = h.stat,
        last_stat_at = ${ts(sql`h.at`)},
        error = ${receiptError(sql`h`)},
        done_at = case when h.status is not null then ${ts(sql`coalesce(h.done, h.at)`)} end
      from hit h
      where p.message_id = h.message_id and p.part = h.part and p.status is null
        and (h.status is not null or p.last_stat_at is null or ${ts(sql`h.at`)} > p.last_stat_at)
      returning p.message_id
    ),
    one as (
      select distinct on (f.message_id) f.message_id, f.status, f.stat, f.err, f.done, f.at
      from f
      where f.one and f.open
      order by f.message_id, ${pick}
    ),
    one_upd as (
      update messages m set
        status = coalesce(h.status, m.status),
        status_rank = case when h.status is not null then ${FINAL} else m.status_rank end,
        last_stat = h.stat,
        last_stat_at = ${ts(sql`h.at`)},
        error = case when h.status is not null then ${receiptError(sql`h`)} else m.error end,
        done_at = case when h.status is not null then ${ts(sql`coalesce(h.done, h.at)`)} else m.done_at end,
        updated_at = now()
      from one h
      where m.id = h.message_id and m.status_rank < ${FINAL}
        and (h.status is not null or m.last_stat_at is null or ${ts(sql`h.at`)} > m.last_stat_at)
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
export function settleMessages(idsJson: string): SQL {
  return sql`
    with ids as (select distinct jsonb_array_elements_text(${idsJson}::jsonb) as id),
    agg as (
      select p.message_id,
        max(p.parts) as parts,
        count(*) filter (where p.status = 'delivered') as delivered,
        max(p.done_at) filter (where p.status = 'delivered') as delivered_at,
        (array_agg(p.status order by p.done_at, p.part) filter (where p.status <> 'delivered'))[1] as bad_status,
        (array_agg(p.error order by p.done_at, p.part) filter (where p.status <> 'delivered'))[1] as bad_error,
        (array_agg(p.done_at order by p.done_at, p.part) filter (where p.status <> 'delivered'))[1] as bad_done
      -- = any(array(…)) rather than a join: with a join the planner guessed the ids' selectivity badly and
      -- scanned all of message_parts for every batch (seen in a 10-minute soak); this reads the primary key.
      from message_parts p
      where p.message_id = any(array(select id from ids))
      group by p.message_id
    ),
    next as (
      select message_id,
        case when bad_status is not null then bad_status when delivered >= parts then 'delivered' end as status,
        bad_error as error,
        case when bad_status is not null then bad_done else delivered_at end as done_at
      from agg
    )
    update messages m set status = n.status, status_rank = ${FINAL}, error = n.error, done_at = n.done_at, updated_at = now()
    from next n
    where m.id = n.message_id and n.status is not null and m.status_rank < ${FINAL}
    returning m.status`;
}

/** Moves messages to the connector's final verdict unless they already have one; creates them if need be. */
export function applyFailed(json: string): SQL {
  return sql`
    insert into messages as m (id, carrier, status, status_rank, error, done_at, updated_at)
    select distinct on (r.id) r.id, r.carrier, r.status, ${FINAL}, r.error, ${ts(sql`r.at`)}, now()
    from jsonb_to_recordset(${json}::jsonb) as r(id text, carrier text, status text, error text, at float8)
    order by r.id, r.at
    on conflict (id) do update set
      status = excluded.status, status_rank = ${FINAL}, error = excluded.error, done_at = excluded.done_at, updated_at = now()
    where m.status_rank < ${FINAL}
    returning m.status`;
}

/** Keeps unmatched receipts; the same (carrier, smsc id, stat) twice is one orphan. */
export function insertOrphans(json: string): SQL {
  return sql`
    insert into orphan_receipts (carrier, smsc_message_id, stat, err, done_at, received_at)
    select distinct on (r.carrier, r.smsc, r.stat) r.carrier, r.smsc, r.stat, r.err,
           case when r.done is not null then ${ts(sql`r.done`)} end, ${ts(sql`r.at`)}
    from jsonb_to_recordset(${json}::jsonb)
      as r(carrier text, smsc text, stat text, err text, done float8, at float8)
    order by r.carrier, r.smsc, r.stat, r.at
    on conflict do nothing`;
}

export function selectMessage(id: string, clientId: string): SQL {
  return sql`
    select id, status, carrier, "to", "from", segments, encoding, client_ref, smsc_message_id, error,
      ${iso('accepted_at')} as accepted_at, ${iso('submitted_at')} as submitted_at, ${iso('done_at')} as done_at
    from messages
    where id = ${id} and client_id = ${clientId}`;
}
