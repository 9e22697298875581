/**
 * RFC 9457 problem details: the one shape of every error smsmesh answers, over HTTP (application/problem+json) and
 * over the NATS API (the same body, with Nats-Service-Error-Code / Nats-Service-Error headers). One catalog of types.
 */
export const ProblemTypes = {
  invalidRequest: { status: 400, title: 'Invalid request' },
  malformedJson: { status: 400, title: 'Malformed JSON' },
  invalidUtf8: { status: 400, title: 'Body is not UTF-8' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  notFound: { status: 404, title: 'Not found' },
  idempotencyKeyInFlight: { status: 409, title: 'A request with this Idempotency-Key is in progress' },
  tooLateToCancel: { status: 409, title: 'Too late to cancel' },
  carrierNotPaused: { status: 409, title: 'Carrier is not paused' },
  payloadTooLarge: { status: 413, title: 'Payload too large' },
  unsupportedMediaType: { status: 415, title: 'Unsupported media type' },
  noRoute: { status: 422, title: 'No route for destination' },
  optedOut: { status: 422, title: 'Recipient opted out' },
  idempotencyKeyReused: { status: 422, title: 'Idempotency-Key reused with a different body' },
  senderNotAllowed: { status: 422, title: 'Sender ID not allowed for this client' },
  rateLimited: { status: 429, title: 'Rate limit exceeded' },
  quotaExceeded: { status: 429, title: 'Daily quota exhausted' },
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
