/**
 * Reading a client's inbound messages (GET /v1/inbound, sms.api.v1.inbound): keyset pages on (received_at, id), newest
 * first, through the index on (client_id, received_at, id); texts opened with the configured keys.
 */
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { inboundMessages } from '../db/schema.js';
import { encodingOfDataCoding } from '../sms/decode.js';
import { TextKeyError, type TextCipher } from './text-cipher.js';

export interface InboundView {
  id: string;
  from: string;
  to: string;
  /** Null only when the key that sealed it is no longer configured (`textError` says so). */
  text: string | null;
  textError?: string;
  encoding: ReturnType<typeof encodingOfDataCoding>;
  parts: number;
  carrier: string;
  /** ISO-8601. */
  receivedAt: string;
}

export interface InboundFilter {
  /** Epoch ms, inclusive. */
  since?: number | undefined;
  /** Epoch ms, exclusive. */
  until?: number | undefined;
  limit: number;
  /** Continue after this (receivedAt ms, id): the last row of the previous page. */
  after?: { at: number; id: string } | undefined;
}

export interface InboundPage {
  messages: InboundView[];
  next: { at: number; id: string } | null;
}

export interface InboundReader {
  listInbound(clientId: string, f: InboundFilter): Promise<InboundPage>;
}

const t = inboundMessages;

export function createPgInboundReader(database: Pick<Database, 'db'>, cipher: TextCipher): InboundReader {
  return {
    async listInbound(clientId, f) {
      const conds: SQL[] = [eq(t.clientId, clientId)];
      if (f.since !== undefined) conds.push(gte(t.receivedAt, new Date(f.since)));
      if (f.until !== undefined) conds.push(lt(t.receivedAt, new Date(f.until)));
      if (f.after !== undefined) conds.push(sql`(${t.receivedAt}, ${t.id}) < (${new Date(f.after.at).toISOString()}::timestamptz, ${f.after.id})`);
      const rows = await database.db
        .select({
          id: t.id,
          from: t.from,
          to: t.to,
          text: t.text,
          textKeyId: t.textKeyId,
          dataCoding: t.dataCoding,
          parts: t.parts,
          carrier: t.carrier,
          receivedAt: t.receivedAt,
        })
        .from(t)
        .where(and(...conds))
        .orderBy(desc(t.receivedAt), desc(t.id))
        .limit(f.limit + 1);
      const more = rows.length > f.limit;
      const page = more ? rows.slice(0, f.limit) : rows;
      const last = page[page.length - 1];
      return {
        messages: page.map((r): InboundView => {
          const view: InboundView = {
            id: r.id,
            from: r.from,
            to: r.to,
            text: null,
            encoding: encodingOfDataCoding(r.dataCoding),
            parts: r.parts,
            carrier: r.carrier,
            receivedAt: r.receivedAt.toISOString(),
          };
          try {
            view.text = cipher.open({ text: r.text, keyId: r.textKeyId });
          } catch (err) {
            if (!(err instanceof TextKeyError)) throw err;
            view.textError = err.message;
          }
          return view;
        }),
        next: more && last ? { at: last.receivedAt.getTime(), id: last.id } : null,
      };
    },
  };
}
