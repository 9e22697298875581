import { describe, expect, it } from 'vitest';
import { bucketIndex, bucketRange, LatencyHistogram } from './latency-histogram.js';

describe('bucketIndex / bucketRange', () => {
  it('is exact below 128 µs and contiguous above', () => {
    for (let v = 0; v < 128; v++) expect(bucketRange(bucketIndex(v))).toEqual({ low: v, high: v });
    let prevHigh = 127;
    for (let i = 128; i < 128 + 64 * 20; i++) {
      const { low, high } = bucketRange(i);
      expect(low).toBe(prevHigh + 1);
      expect(bucketIndex(low)).toBe(i);
      expect(bucketIndex(high)).toBe(i);
      prevHigh = high;
    }
  });

  it('keeps relative error under 1.6 %', () => {
    for (const v of [128, 129, 1000, 4_321, 50_000, 123_456, 9_999_999, 1_800_000_000]) {
      const { low, high } = bucketRange(bucketIndex(v));
      expect(v).toBeGreaterThanOrEqual(low);
      expect(v).toBeLessThanOrEqual(high);
      expect((high - low) / low).toBeLessThan(0.016);
    }
  });

  it('clamps negatives and huge values', () => {
    expect(bucketIndex(-5)).toBe(0);
    expect(bucketIndex(Number.MAX_SAFE_INTEGER)).toBe(bucketIndex(0x7fffffff));
  });
});

describe('LatencyHistogram', () => {
  it('reports percentiles of a uniform 1..10000 µs distribution within bucket precision', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 10_000; v++) h.record(v);
    expect(h.count).toBe(10_000);
    expect(h.min).toBe(1);
    expect(h.max).toBe(10_000);
    const near = (got: number, want: number) => expect(Math.abs(got - want) / want).toBeLessThan(0.016);
    near(h.percentile(50), 5_000);
    near(h.percentile(95), 9_500);
    near(h.percentile(99), 9_900);
    expect(h.percentile(100)).toBe(10_000);
    expect(h.percentile(0)).toBe(1);
    expect(h.mean()).toBeCloseTo(5_000.5, 6);
  });

  it('answers the highest value of the bucket, never above max', () => {
    const h = new LatencyHistogram();
    h.record(1000);
    expect(h.percentile(50)).toBe(1000);
    expect(h.percentile(99)).toBe(1000);
  });

  it('finds the tail: 99 fast and 1 slow sample', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 99; i++) h.recordMs(2);
    h.recordMs(500);
    expect(h.percentileMs(99)).toBeCloseTo(2, 1);
    expect(h.percentileMs(99.5)).toBeCloseTo(500, 0);
    const s = h.summaryMs();
    expect(s).toMatchObject({ count: 100, max: 500 });
    expect(s.p50).toBeGreaterThanOrEqual(2);
    expect(s.p50).toBeLessThan(2.04);
  });

  it('reports p99.9: 999 fast samples and one slow one', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 998; i++) h.recordMs(2);
    h.recordMs(300);
    h.recordMs(300);
    const s = h.summaryMs();
    expect(s.p99).toBeLessThan(2.04);
    expect(s.p999).toBeGreaterThan(299);
    expect(s.p999).toBeLessThan(302);
  });

  it('is empty-safe', () => {
    const h = new LatencyHistogram();
    expect(h.percentile(99)).toBe(0);
    expect(h.toJSON()).toEqual({ count: 0, min: 0, max: 0, sum: 0, buckets: [] });
  });

  it('merges and round-trips through JSON', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let v = 1; v <= 5_000; v++) a.record(v);
    for (let v = 5_001; v <= 10_000; v++) b.record(v);
    const merged = LatencyHistogram.fromJSON(JSON.parse(JSON.stringify(a.toJSON()))).merge(b.toJSON());
    const whole = new LatencyHistogram();
    for (let v = 1; v <= 10_000; v++) whole.record(v);
    for (const p of [50, 90, 99, 99.9]) expect(merged.percentile(p)).toBe(whole.percentile(p));
    expect(merged.count).toBe(10_000);
    expect(merged.min).toBe(1);
    expect(merged.max).toBe(10_000);
  });
});
