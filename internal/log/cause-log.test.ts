import { describe, expect, it } from 'vitest';
import { createCauseLog } from './cause-log.js';
import type { Logger } from './logger.js';

function recorder() {
  const lines: { obj: Record<string, unknown>; msg: string }[] = [];
  const log = { warn: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }) } as unknown as Logger;
  return { log, lines };
}

describe('cause log', () => {
  it('logs each cause once per interval, then again with the count it held back', () => {
    let t = 1_000_000;
    const { log, lines } = recorder();
    const logCause = createCauseLog(log, 'answering 503', 10_000, () => t);
    logCause('bus', 'NATS is not connected');
    logCause('bus', 'NATS is not connected');
    logCause('database', 'connection refused');
    logCause('bus', 'NATS is not connected');
    expect(lines.map((l) => l.obj.cause)).toEqual(['bus', 'database']);
    expect(lines[0]!.msg).toBe('answering 503: NATS is not connected');
    t += 10_000;
    logCause('bus', 'NATS is not connected');
    expect(lines).toHaveLength(3);
    expect(lines[2]!.obj.repeated).toBe(2);
  });
});
