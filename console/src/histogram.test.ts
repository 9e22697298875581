import { describe, expect, it } from 'vitest';
import { quantile } from './histogram.js';

const le = [0.001, 0.01, 0.1, 1];

describe('quantile', () => {
  it('is null without observations', () => {
    expect(quantile(0.5, le, [0, 0, 0, 0, 0])).toBeNull();
  });

  it('interpolates within the bucket that holds the rank', () => {
    // 10 observations: 4 ≤ 1 ms, 6 in (1 ms, 10 ms]
    expect(quantile(0.5, le, [4, 6, 0, 0, 0])).toBeCloseTo(0.001 + 0.009 * (1 / 6), 6);
    expect(quantile(0.2, le, [4, 6, 0, 0, 0])).toBeCloseTo(0.0005, 6);
  });

  it('reports the largest bound for ranks in the +Inf bucket', () => {
    expect(quantile(0.99, le, [0, 0, 0, 1, 9])).toBe(1);
  });
});
