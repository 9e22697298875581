/** The query of GET /v1/inbound (and sms.api.v1.inbound): validated and documented by one zod schema; cursors as in the message list. */
import { z } from 'zod';
import type { InboundFilter } from '../inbound/inbound-reader.js';
import type { FieldProblem } from '../sms/submit-request.js';
import { decodeCursor, DEFAULT_LIST_LIMIT, encodeCursor, MAX_LIST_LIMIT } from './list-query.js';

const date = (what: string) =>
  z.iso.datetime({ offset: true, error: `must be an RFC 3339 date-time with a time zone, e.g. "2026-12-24T18:00:00Z"` }).optional().meta({ description: what });

const limitError = `must be a whole number from 1 to ${MAX_LIST_LIMIT}`;

export const inboundQuerySchema = z.strictObject({
  since: date('Received at or after this time.'),
  until: date('Received before this time.'),
  limit: z.coerce
    .number({ error: limitError })
    .int(limitError)
    .min(1, limitError)
    .max(MAX_LIST_LIMIT, limitError)
    .default(DEFAULT_LIST_LIMIT)
    .meta({ description: `Messages per page (default ${DEFAULT_LIST_LIMIT}).` }),
  cursor: z.string({ error: 'must be a string' }).optional().meta({ description: 'nextCursor of the previous page.' }),
});

export type InboundQuery = { ok: true; filter: InboundFilter } | { ok: false; problems: FieldProblem[] };

export { encodeCursor };

export function parseInboundQuery(query: Readonly<Record<string, unknown>>): InboundQuery {
  const present: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') present[k] = v;
  const r = inboundQuerySchema.safeParse(present);
  if (!r.success) {
    const problems: FieldProblem[] = [];
    for (const iss of r.error.issues) {
      if (iss.code === 'unrecognized_keys') for (const k of iss.keys) problems.push({ field: k, message: 'is not a known parameter (allowed: since, until, limit, cursor)' });
      else problems.push({ field: String(iss.path[0] ?? '(query)'), message: iss.message });
    }
    return { ok: false, problems };
  }
  const q = r.data;
  let after: { at: number; id: string } | undefined;
  if (q.cursor !== undefined) {
    after = decodeCursor(q.cursor);
    if (!after) return { ok: false, problems: [{ field: 'cursor', message: 'is not a cursor this API returned (use nextCursor as it came)' }] };
  }
  return {
    ok: true,
    filter: {
      since: q.since !== undefined ? Date.parse(q.since) : undefined,
      until: q.until !== undefined ? Date.parse(q.until) : undefined,
      limit: q.limit,
      after,
    },
  };
}
