/**
 * What one attempt's answer means for a callback (a closed set), and when the next attempt is due: the configured
 * schedule with ±20 % jitter, so callbacks that failed together do not come back together; a longer Retry-After
 * wins. Pure.
 */

export type AttemptOutcome =
  /** 2xx: delivered. */
  | { kind: 'delivered'; status: number }
  /** Timeout, connection error, 429 or 5xx: try again later (Retry-After, in ms, when the receiver sent one). */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** 410 Gone: the receiver asks never to be called again; the endpoint is disabled. */
  | { kind: 'gone' }
  /** Any other answer (4xx, 3xx): the receiver refused this callback for good; retrying would not change it. */
  | { kind: 'refused'; reason: string };

/** Retry-After as delta-seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined | null, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

export function classifyStatus(status: number, retryAfter: string | undefined | null, now: number): AttemptOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 410) return { kind: 'gone' };
  if (status === 429 || status >= 500) {
    const ms = parseRetryAfter(retryAfter, now);
    return ms === undefined ? { kind: 'retry', reason: `HTTP ${status}` } : { kind: 'retry', reason: `HTTP ${status}`, retryAfterMs: ms };
  }
  return { kind: 'refused', reason: `HTTP ${status}` };
}

/** Longest Retry-After honoured: a receiver cannot park a callback for longer than a day. */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * Delay before attempt `next` (1-based count of attempts already made), or undefined when none is left.
 * `random` is in [0, 1).
 */
export function retryDelayMs(schedule: readonly number[], attemptsMade: number, retryAfterMs: number | undefined, random: number): number | undefined {
  const base = schedule[attemptsMade - 1];
  if (base === undefined) return undefined;
  const jittered = Math.round(base * (0.8 + 0.4 * random));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}
