/**
 * The inbound side of the public API, transport-neutral like the front door: a client's inbound (MO) messages, and its
 * opt-out list (read from this edge's watched copy; changes written to the SMSMESH_OPTOUTS bucket, which every edge
 * follows within moments).
 */
import { z } from 'zod';
import { errorMessage } from '../core/errors.js';
import { decodeUtf8 } from '../core/utf8.js';
import type { InboundReader } from '../inbound/inbound-reader.js';
import type { OptOutSet, OptOutWriter } from '../inbound/opt-outs.js';
import type { CauseLog } from '../log/cause-log.js';
import { E164 } from '../sms/submit-request.js';
import type { ApiClient } from './client-auth.js';
import { encodeCursor, parseInboundQuery } from './inbound-query.js';
import { problemReply, type Reply } from './reply.js';

const SENDER = /^(?:\+?[0-9]{1,15}|[A-Za-z0-9][A-Za-z0-9 ._&-]{0,10})$/;

export const optOutRequestSchema = z.strictObject({
  number: z.string({ error: 'must be a string' }).regex(E164, 'must be an E.164 number, e.g. "+447700900123"').meta({ description: 'The number that must no longer get messages.' }),
  sender: z
    .string({ error: 'must be a string' })
    .regex(SENDER, 'must be a sender this API sends from: a number of up to 15 digits or 1 to 11 alphanumeric characters')
    .optional()
    .meta({ description: 'Only sends from this sender are refused; absent: sends from every sender of yours.' }),
});

export interface InboundDoor {
  listInbound(client: ApiClient, query: Readonly<Record<string, string | undefined>>): Promise<Reply>;
  listOptOuts(client: ApiClient): Reply;
  addOptOut(client: ApiClient, body: Uint8Array): Promise<Reply>;
  removeOptOut(client: ApiClient, number: string): Promise<Reply>;
}

export interface InboundDoorDeps {
  /** The inbound messages' database; without it listing answers 503. */
  reader: InboundReader | undefined;
  optOuts: OptOutSet;
  optOutWriter: OptOutWriter;
  logCause: CauseLog;
  retryAfterS: number;
  /** Reads the database answers later than this get 503. */
  readTimeoutMs: number;
  now?: () => number;
}

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(t);
        reject(err);
      },
    );
  });
}

export function createInboundDoor(deps: InboundDoorDeps): InboundDoor {
  const now = deps.now ?? Date.now;
  const unavailable = (cause: string, logged: string, detail: string): Reply => {
    deps.logCause(cause, logged);
    return problemReply('unavailable', detail, {}, { 'Retry-After': String(deps.retryAfterS) });
  };

  return {
    async listInbound(client, query) {
      const q = parseInboundQuery(query);
      if (!q.ok) return problemReply('invalidRequest', q.problems.map((p) => `${p.field} ${p.message}`).join('; '), { errors: q.problems });
      if (!deps.reader) return unavailable('no_database', 'no status database configured', 'This edge has no database configured (set DATABASE_URL).');
      try {
        const page = await within(deps.readTimeoutMs, deps.reader.listInbound(client.id, q.filter));
        return { status: 200, body: { messages: page.messages, nextCursor: page.next ? encodeCursor(page.next) : null } };
      } catch (err) {
        return unavailable('database', errorMessage(err), 'The database is unavailable; retry shortly.');
      }
    },

    listOptOuts(client) {
      return { status: 200, body: { optOuts: deps.optOuts.entries(client.id) } };
    },

    async addOptOut(client, body) {
      const text = decodeUtf8(body);
      if (!text.ok) return problemReply('invalidUtf8', `The body is not valid UTF-8: the byte at offset ${text.offset} does not start a valid UTF-8 sequence.`, { offset: text.offset });
      let raw: unknown;
      try {
        raw = JSON.parse(text.text);
      } catch (err) {
        return problemReply('malformedJson', `The body is not valid JSON: ${errorMessage(err)}`);
      }
      const r = optOutRequestSchema.safeParse(raw);
      if (!r.success) {
        const errors = r.error.issues.flatMap((iss) =>
          iss.code === 'unrecognized_keys'
            ? iss.keys.map((k) => ({ field: k, message: 'is not a known field (allowed: number, sender)' }))
            : [{ field: String(iss.path[0] ?? '(body)'), message: iss.path.length === 0 ? 'must be a JSON object like {"number":"+447700900123"}' : iss.message }],
        );
        return problemReply('invalidRequest', errors.map((p) => `${p.field} ${p.message}`).join('; '), { errors });
      }
      const entry = { number: r.data.number, sender: r.data.sender ?? null, at: new Date(now()).toISOString(), source: 'api' as const };
      try {
        await deps.optOutWriter.optOut(client.id, entry);
      } catch (err) {
        return unavailable('opt_outs', errorMessage(err), 'The opt-out could not be recorded; retry shortly.');
      }
      return { status: 201, body: { ...entry, sender: entry.sender === null ? null : entry.sender.replace(/^\+/, '') } };
    },

    async removeOptOut(client, number) {
      if (!E164.test(number)) return problemReply('invalidRequest', 'number must be an E.164 number, e.g. "+447700900123" (URL-encode the "+" as %2B).', { errors: [{ field: 'number', message: 'must be an E.164 number' }] });
      const entries = deps.optOuts.entriesOf(client.id, number);
      if (entries.length === 0) return problemReply('notFound', `${number} is not on your opt-out list.`);
      try {
        await deps.optOutWriter.remove(client.id, entries);
      } catch (err) {
        return unavailable('opt_outs', errorMessage(err), 'The opt-out could not be removed; retry shortly.');
      }
      return { status: 200, body: { number, removed: entries.length } };
    },
  };
}
