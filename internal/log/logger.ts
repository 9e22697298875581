/** The Logger port (pino-shaped) with a JSON implementation and a no-op one for tests and libraries. */
import { pino } from 'pino';

type LogFn = (obj: object | string, msg?: string) => void;

export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
  /** Whether a level is logged (pino's); per-message debug lines ask once, so that they cost nothing when off. */
  isLevelEnabled?(level: string): boolean;
}

/** True when `log` writes debug lines (asked once by code that would log per message). */
export function debugEnabled(log: Logger): boolean {
  return log.isLevelEnabled?.('debug') ?? false;
}

export function createLogger(opts: { name: string; level?: string }): Logger {
  return pino({
    name: opts.name,
    level: opts.level ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }) as unknown as Logger;
}

const noop: LogFn = () => {};
export const noopLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  fatal: noop,
  child: () => noopLogger,
};
