/** A Logger that keeps every entry (with its child bindings and the wall-clock time), for tests that check what was logged. */
import type { Logger } from '../../internal/log/logger.js';

export interface LogEntry {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  msg: string;
  /** The entry's fields merged over its loggers' bindings. */
  fields: Record<string, unknown>;
  /** Date.now() when it was logged. */
  at: number;
}

export interface RecordingLogger extends Logger {
  readonly entries: LogEntry[];
}

export function recordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at = (level: LogEntry['level']) => (obj: object | string, msg?: string) => {
      const fields = typeof obj === 'string' ? {} : (obj as Record<string, unknown>);
      entries.push({ level, msg: typeof obj === 'string' ? obj : (msg ?? ''), fields: { ...bindings, ...fields }, at: Date.now() });
    };
    return {
      trace: at('trace'),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      fatal: at('fatal'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return Object.assign(make({}), { entries });
}
