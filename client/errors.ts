/** Errors of the smsmesh client: every error answer of the API becomes a SmsmeshError carrying its problem object. */
import type { Problem } from './types.js';

export class SmsmeshError extends Error {
  override readonly name = 'SmsmeshError';
  /** The HTTP status (over NATS: the same number, from Nats-Service-Error-Code). */
  readonly status: number;
  /** The problem type's short name, e.g. "invalidRequest", "idempotencyKeyReused", "rateLimited". */
  readonly type: string;
  /** Seconds to wait before retrying, when the server said (429, 503, 409). */
  readonly retryAfterS: number | undefined;
  constructor(readonly problem: Problem, retryAfterS?: number) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.status = problem.status;
    this.type = problem.type.replace(/^urn:smsmesh:problem:/, '');
    this.retryAfterS = retryAfterS;
  }
  /** Worth retrying with the same Idempotency-Key (429, 503, 409 in flight). */
  get retryable(): boolean {
    return this.status === 429 || this.status === 503 || this.type === 'idempotencyKeyInFlight';
  }
}
