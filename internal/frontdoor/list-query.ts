/**
 * The query of GET /v1/messages (and sms.api.v1.list): a zod schema that validates it and documents it, and the
 * opaque cursor (base64url of the last row's acceptance time and id) that carries a keyset page boundary.
 */
import { z } from 'zod';
import { MESSAGE_STATUSES } from '../sms/status.js';
import { CLIENT_REF, E164, type FieldProblem } from '../sms/submit-request.js';
import type { ListFilter } from '../status/status-store.js';

export const MAX_LIST_LIMIT = 1000;
export const DEFAULT_LIST_LIMIT = 100;

const date = (what: string) =>
  z.iso.datetime({ offset: true, error: `must be an RFC 3339 date-time with a time zone, e.g. "2026-12-24T18:00:00Z"` }).optional().meta({ description: what });

export const listQuerySchema = z.strictObject({
  status: z.enum(MESSAGE_STATUSES, { error: `must be one of ${MESSAGE_STATUSES.join(', ')}` }).optional().meta({ description: 'Only messages in this state.' }),
  to: z.string({ error: 'must be a string' }).regex(E164, 'must be an E.164 number, e.g. "+447700900123"').optional().meta({ description: 'Only messages to this number.' }),
  clientRef: z.string({ error: 'must be a string' }).regex(CLIENT_REF, 'must be 1 to 64 printable ASCII characters without spaces').optional().meta({ description: 'Only messages with this clientRef.' }),
  since: date('Accepted at or after this time.'),
  until: date('Accepted before this time.'),
  limit: z.coerce
    .number({ error: `must be a whole number from 1 to ${MAX_LIST_LIMIT}` })
    .int(`must be a whole number from 1 to ${MAX_LIST_LIMIT}`)
    .min(1, `must be a whole number from 1 to ${MAX_LIST_LIMIT}`)
    .max(MAX_LIST_LIMIT, `must be a whole number from 1 to ${MAX_LIST_LIMIT}`)
    .default(DEFAULT_LIST_LIMIT)
    .meta({ description: `Messages per page (default ${DEFAULT_LIST_LIMIT}).` }),
  cursor: z.string({ error: 'must be a string' }).optional().meta({ description: 'nextCursor of the previous page.' }),
});

export type ListQuery =
  | { ok: true; filter: ListFilter; encodeCursor(p: { at: number; id: string }): string }
  | { ok: false; problems: FieldProblem[] };

export function encodeCursor(p: { at: number; id: string }): string {
  return Buffer.from(JSON.stringify([p.at, p.id])).toString('base64url');
}

export function decodeCursor(s: string): { at: number; id: string } | undefined {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string' && v[1].length <= 64) return { at: v[0] as number, id: v[1] };
  } catch {
    // falls through: not one of ours
  }
  return undefined;
}

export function parseListQuery(query: Readonly<Record<string, unknown>>): ListQuery {
  // Absent and empty parameters are the same (?status=&to=… from a form).
  const present: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') present[k] = v;
  const r = listQuerySchema.safeParse(present);
  if (!r.success) {
    const problems: FieldProblem[] = [];
    for (const iss of r.error.issues) {
      if (iss.code === 'unrecognized_keys') for (const k of iss.keys) problems.push({ field: k, message: 'is not a known parameter (allowed: status, to, clientRef, since, until, limit, cursor)' });
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
  const filter: ListFilter = {
    status: q.status,
    to: q.to,
    clientRef: q.clientRef,
    since: q.since !== undefined ? Date.parse(q.since) : undefined,
    until: q.until !== undefined ? Date.parse(q.until) : undefined,
    limit: q.limit,
    after,
  };
  return { ok: true, filter, encodeCursor };
}
