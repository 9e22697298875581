/** What a front-door operation answers, before a transport (HTTP or NATS) puts it on the wire. */
import { problemBody, type Problem, type ProblemType } from './problems.js';

export interface Reply {
  /** The HTTP status the request gets; the NATS API reports the same number (Nats-Service-Error-Code when ≥ 400). */
  status: number;
  body: unknown;
  /** Retry-After, Location, Idempotent-Replayed: sent as HTTP headers and as NATS headers alike. */
  headers?: Record<string, string>;
  /** Set on errors: the problem type, for metrics. */
  problem?: ProblemType;
}

export function problemReply(type: ProblemType, detail: string, ext: Record<string, unknown> = {}, headers?: Record<string, string>): Reply {
  const body: Problem = problemBody(type, detail, ext);
  return headers ? { status: body.status, body, headers, problem: type } : { status: body.status, body, problem: type };
}
