import { describe, expect, it } from 'vitest';
import { classifyStatus, parseRetryAfter, retryDelayMs } from './retry-policy.js';

describe('callback retry policy', () => {
  const now = Date.parse('2026-12-03T10:00:00Z');

  it('delivers on 2xx, disables on 410, retries on 429 and 5xx, refuses other answers', () => {
    expect(classifyStatus(200, null, now)).toEqual({ kind: 'delivered', status: 200 });
    expect(classifyStatus(204, null, now).kind).toBe('delivered');
    expect(classifyStatus(410, null, now)).toEqual({ kind: 'gone' });
    expect(classifyStatus(429, null, now)).toEqual({ kind: 'retry', reason: 'HTTP 429' });
    expect(classifyStatus(503, '7', now)).toEqual({ kind: 'retry', reason: 'HTTP 503', retryAfterMs: 7000 });
    expect(classifyStatus(500, null, now).kind).toBe('retry');
    expect(classifyStatus(400, null, now)).toEqual({ kind: 'refused', reason: 'HTTP 400' });
    expect(classifyStatus(404, '5', now).kind).toBe('refused');
    expect(classifyStatus(301, null, now).kind).toBe('refused');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 03 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 03 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('follows the schedule with ±20 % jitter and ends after its last entry', () => {
    const schedule = [1000, 10_000];
    expect(retryDelayMs(schedule, 1, undefined, 0)).toBe(800);
    expect(retryDelayMs(schedule, 1, undefined, 0.999_999)).toBe(1200);
    expect(retryDelayMs(schedule, 2, undefined, 0.5)).toBe(10_000);
    expect(retryDelayMs(schedule, 3, undefined, 0.5)).toBeUndefined();
  });

  it('waits at least what Retry-After asks, up to a day', () => {
    expect(retryDelayMs([1000], 1, 60_000, 0.5)).toBe(60_000);
    expect(retryDelayMs([1000], 1, 500, 0.5)).toBe(1000);
    expect(retryDelayMs([1000], 1, 10 * 86_400_000, 0.5)).toBe(86_400_000);
  });
});
