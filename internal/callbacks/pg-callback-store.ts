/** CallbackStore on PostgreSQL or PGlite: one statement per batch of changes, per failure, per page. */
import { sql } from 'drizzle-orm';
import type { Database, Db } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import { callbackEndpoints, callbackFailures, callbackParked, messageParts, messages } from '../db/schema.js';
import { columnNames, tableName } from '../db/sql-names.js';
import { decodeJob, encodeJob, type StatusChange } from '../bus/codec-changes.js';
import type { MessageStatus } from '../sms/status.js';
import type { CallbackStore, FailedCallback } from './callback-store.js';
import type { ChangedMessage } from './status-payload.js';

const MESSAGES = tableName(messages);
const PARTS = tableName(messageParts);
const FAILURES = tableName(callbackFailures);
const ENDPOINTS = tableName(callbackEndpoints);
const PARKED = tableName(callbackParked);
const K = columnNames(callbackParked);
const dec = new TextDecoder();
const M = columnNames(messages);
const P = columnNames(messageParts);
const F = columnNames(callbackFailures);
const E = columnNames(callbackEndpoints);

interface ChangeRow {
  i: number;
  id: string;
  client_id: string | null;
  client_ref: string | null;
  status: MessageStatus;
  carrier: string;
  to: string | null;
  segments: number | null;
  error: string | null;
  done_at: string | null;
  callback_url: string | null;
}

interface FailureRow {
  webhook_id: string;
  type: string;
  ref: string;
  url: string;
  attempts: number;
  last_error: string;
  failed_at: string;
  body: string;
}

const toFailure = (r: FailureRow): FailedCallback => ({
  webhookId: r.webhook_id,
  type: r.type,
  ref: r.ref,
  url: r.url,
  attempts: Number(r.attempts),
  lastError: r.last_error,
  failedAt: new Date(r.failed_at).toISOString(),
  body: r.body,
});

export function createPgCallbackStore(database: Pick<Database, 'db'>): CallbackStore {
  const db: Db = database.db;
  return {
    async resolveChanges(changes) {
      const out = new Map<number, ChangedMessage>();
      if (changes.length === 0) return out;
      const keys = changes.map((c: StatusChange, i) => (c.k === 'r' ? { i, c: c.c, x: c.x } : { i, id: c.id }));
      // One index probe per change, as the status writer found the same rows a moment ago.
      const rows = await queryRows<ChangeRow>(
        db,
        sql`
        with e as (select * from json_to_recordset(${JSON.stringify(keys)}::json) as e(i int, id text, c text, x text))
        select e.i, m.${M.id} as id, m.${M.clientId} as client_id, m.${M.clientRef} as client_ref, m.${M.status} as status,
          m.${M.carrier} as carrier, m.${M.to} as "to", m.${M.segments} as segments, m.${M.error} as error,
          to_char(m.${M.doneAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as done_at, m.${M.callbackUrl} as callback_url
        from e cross join lateral (
          select k.id from (
            select e.id as id where e.id is not null
            union all
            select mm.${M.id} from ${MESSAGES} mm where e.id is null and mm.${M.carrier} = e.c and mm.${M.smscMessageId} = e.x and mm.${M.parts} = 1
            union all
            select p.${P.messageId} from ${PARTS} p where e.id is null and p.${P.carrier} = e.c and p.${P.smscMessageId} = e.x
          ) k limit 1
        ) k
        join ${MESSAGES} m on m.${M.id} = k.id`,
      );
      for (const r of rows) {
        out.set(Number(r.i), {
          id: r.id,
          clientId: r.client_id,
          clientRef: r.client_ref,
          status: r.status,
          carrier: r.carrier,
          to: r.to,
          segments: r.segments === null ? null : Number(r.segments),
          error: r.error,
          doneAt: r.done_at,
          callbackUrl: r.callback_url,
        });
      }
      return out;
    },

    async recordFailure(job, lastError, at) {
      await db.execute(sql`
        insert into ${FAILURES} (${F.webhookId}, ${F.clientId}, ${F.url}, ${F.type}, ${F.ref}, ${F.body}, ${F.attempts}, ${F.lastError}, ${F.failedAt}, ${F.replayedAt})
        values (${job.wid}, ${job.client}, ${job.url}, ${job.type}, ${job.ref}, ${job.body}, ${job.attempts}, ${lastError},
          (timestamptz 'epoch' + ${at}::float8 * interval '1 millisecond'), null)
        on conflict (${F.webhookId}) do update set ${F.url} = excluded.${F.url}, ${F.body} = excluded.${F.body},
          ${F.attempts} = excluded.${F.attempts}, ${F.lastError} = excluded.${F.lastError}, ${F.failedAt} = excluded.${F.failedAt},
          ${F.replayedAt} = null`);
    },

    async listFailures(clientId, limit, after) {
      const rows = await queryRows<FailureRow>(
        db,
        sql`
        select ${F.webhookId} as webhook_id, ${F.type} as type, ${F.ref} as ref, ${F.url} as url, ${F.attempts} as attempts,
          ${F.lastError} as last_error, ${F.failedAt} as failed_at, ${F.body} as body
        from ${FAILURES}
        where ${F.clientId} = ${clientId} and ${F.replayedAt} is null
          ${after ? sql`and (${F.failedAt}, ${F.webhookId}) < (${after.at}::timestamptz, ${after.id})` : sql``}
        order by ${F.failedAt} desc, ${F.webhookId} desc
        limit ${limit + 1}`,
      );
      const more = rows.length > limit;
      const page = (more ? rows.slice(0, limit) : rows).map(toFailure);
      const last = page[page.length - 1];
      return { callbacks: page, next: more && last ? { at: last.failedAt, id: last.webhookId } : null };
    },

    async takeForReplay(clientId, webhookId) {
      const rows = await queryRows<FailureRow>(
        db,
        sql`
        update ${FAILURES} set ${F.replayedAt} = now()
        where ${F.clientId} = ${clientId} and ${F.webhookId} = ${webhookId} and ${F.replayedAt} is null
        returning ${F.webhookId} as webhook_id, ${F.type} as type, ${F.ref} as ref, ${F.url} as url, ${F.attempts} as attempts,
          ${F.lastError} as last_error, ${F.failedAt} as failed_at, ${F.body} as body`,
      );
      const row = rows[0];
      if (!row) return null;
      await db.execute(sql`delete from ${ENDPOINTS} where ${E.url} = ${row.url}`);
      return toFailure(row);
    },

    async park(key, job) {
      await db.execute(sql`
        insert into ${PARKED} (${K.key}, ${K.due}, ${K.job})
        values (${key}, (timestamptz 'epoch' + ${job.due}::float8 * interval '1 millisecond'), ${dec.decode(encodeJob(job))})
        on conflict (${K.key}) do nothing`);
    },

    async dueParked(now, limit) {
      const rows = await queryRows<{ key: string; job: string }>(
        db,
        sql`select ${K.key} as key, ${K.job} as job from ${PARKED}
            where ${K.due} <= (timestamptz 'epoch' + ${now}::float8 * interval '1 millisecond')
            order by ${K.due} limit ${limit}`,
      );
      return rows.map((r) => ({ key: r.key, job: decodeJob(new TextEncoder().encode(r.job)) }));
    },

    async unpark(keys) {
      if (keys.length === 0) return;
      await db.execute(sql`delete from ${PARKED} where ${K.key} = any(array(select json_array_elements_text(${JSON.stringify(keys)}::json)))`);
    },

    async disableEndpoint(url, clientId, reason, at) {
      await db.execute(sql`
        insert into ${ENDPOINTS} (${E.url}, ${E.clientId}, ${E.disabledAt}, ${E.reason})
        values (${url}, ${clientId}, (timestamptz 'epoch' + ${at}::float8 * interval '1 millisecond'), ${reason})
        on conflict (${E.url}) do nothing`);
    },

    async disabledEndpoints() {
      const rows = await queryRows<{ url: string }>(db, sql`select ${E.url} as url from ${ENDPOINTS}`);
      return new Set(rows.map((r) => r.url));
    },
  };
}
