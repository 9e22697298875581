import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

describe('rate limiter', () => {
  it('grants up to the rate, then refills with time', () => {
    let t = 0;
    const l = createRateLimiter(() => t);
    expect(l.take('a', 10, 1)).toEqual({ granted: 1, retryAfterS: 0 });
    expect(l.take('a', 10, 20)).toEqual({ granted: 9, retryAfterS: 1 });
    expect(l.take('a', 10, 1).granted).toBe(0);
    t += 500;
    expect(l.take('a', 10, 10).granted).toBe(5);
  });
  it('keeps clients apart and never limits rate 0', () => {
    const l = createRateLimiter(() => 0);
    expect(l.take('a', 1, 1).granted).toBe(1);
    expect(l.take('a', 1, 1).granted).toBe(0);
    expect(l.take('b', 1, 1).granted).toBe(1);
    expect(l.take('c', 0, 5000).granted).toBe(5000);
  });
});
