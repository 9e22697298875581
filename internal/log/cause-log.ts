/**
 * Logs a recurring failure once per cause per interval, with how many times it happened meanwhile: every 503 says why
 * in the log without one line per refused request (which would flood the log exactly when the system is struggling).
 */
import type { Logger } from './logger.js';

export type CauseLog = (cause: string, detail: string) => void;

export function createCauseLog(log: Logger, message: string, intervalMs = 10_000, now: () => number = Date.now): CauseLog {
  const last = new Map<string, { at: number; suppressed: number }>();
  return function logCause(cause, detail) {
    const t = now();
    const seen = last.get(cause);
    if (seen && t - seen.at < intervalMs) {
      seen.suppressed++;
      return;
    }
    log.warn({ cause, detail, ...(seen ? { since: new Date(seen.at).toISOString(), repeated: seen.suppressed } : {}) }, `${message}: ${detail}`);
    last.set(cause, { at: t, suppressed: 0 });
  };
}
