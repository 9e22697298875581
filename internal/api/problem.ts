/** RFC 9457 problem details: the one shape of every HTTP error smsmesh returns. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ProblemTypes = {
  invalidRequest: { status: 400, title: 'Invalid request' },
  malformedJson: { status: 400, title: 'Malformed JSON' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  notFound: { status: 404, title: 'Not found' },
  unsupportedMediaType: { status: 415, title: 'Unsupported media type' },
  payloadTooLarge: { status: 413, title: 'Payload too large' },
  noRoute: { status: 422, title: 'No route for destination' },
  rateLimited: { status: 429, title: 'Rate limit exceeded' },
  unavailable: { status: 503, title: 'Service unavailable' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;
export type ProblemType = keyof typeof ProblemTypes;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
  [ext: string]: unknown;
}

export function problemBody(type: ProblemType, detail: string, ext: Record<string, unknown> = {}): Problem {
  const t = ProblemTypes[type];
  return { type: `urn:smsmesh:problem:${type}`, title: t.title, status: t.status, detail, ...ext };
}

export function problem(c: Context, type: ProblemType, detail: string, ext: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  const body = problemBody(type, detail, ext);
  c.set('problem' as never, type as never);
  return c.body(JSON.stringify(body), body.status as ContentfulStatusCode, {
    'Content-Type': 'application/problem+json',
    ...headers,
  });
}
