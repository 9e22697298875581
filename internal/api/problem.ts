/** Writes a front-door Reply (or a problem) as an HTTP response: problems as application/problem+json (RFC 9457). */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { problemReply, type Reply } from '../frontdoor/reply.js';
import type { ProblemType } from '../frontdoor/problems.js';

export { ProblemTypes, problemBody, type Problem, type ProblemType } from '../frontdoor/problems.js';

/** A Reply's body is JSON, and a problem (RFC 9457) when its status is an error. */
export const replyContentType = (status: number): string => (status >= 400 ? 'application/problem+json' : 'application/json');

export function reply(c: Context, r: Reply): Response {
  if (r.problem) c.set('problem' as never, r.problem as never);
  return c.body(JSON.stringify(r.body), r.status as ContentfulStatusCode, {
    'Content-Type': replyContentType(r.status),
    ...r.headers,
  });
}

export function problem(c: Context, type: ProblemType, detail: string, ext: Record<string, unknown> = {}, headers?: Record<string, string>): Response {
  return reply(c, problemReply(type, detail, ext, headers));
}
