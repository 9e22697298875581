/**
 * A latency histogram with HDR-style log-linear buckets: exact below 128 µs, then 64 sub-buckets per power of
 * two (relative error < 1.6 %), up to ~35 minutes. Fixed memory, O(1) record, mergeable, and serialisable
 * sparsely so worker processes can ship a second's worth over IPC.
 */

const SUB_BITS = 7;
const SUB = 1 << SUB_BITS; // 128: values below are their own bucket
const HALF = SUB >> 1; // 64 sub-buckets per power of two above
const MAX_VALUE = 0x7fffffff; // µs, ~35.8 minutes
const BUCKETS = SUB + (31 - SUB_BITS + 1) * HALF;

/** The bucket of a non-negative integer value (µs). */
export function bucketIndex(value: number): number {
  const v = value <= 0 ? 0 : value >= MAX_VALUE ? MAX_VALUE : Math.floor(value);
  if (v < SUB) return v;
  const magnitude = 31 - Math.clz32(v); // floor(log2 v) ≥ 7
  const shift = magnitude - (SUB_BITS - 1);
  const sub = v >>> shift; // 64..127
  return SUB + (shift - 1) * HALF + (sub - HALF);
}

/** The smallest and largest value a bucket holds. */
export function bucketRange(index: number): { low: number; high: number } {
  if (index < SUB) return { low: index, high: index };
  const k = index - SUB;
  const shift = Math.floor(k / HALF) + 1;
  const sub = (k % HALF) + HALF;
  return { low: sub * 2 ** shift, high: (sub + 1) * 2 ** shift - 1 };
}

export interface HistogramJson {
  count: number;
  min: number;
  max: number;
  sum: number;
  /** Flat [bucketIndex, count, bucketIndex, count, …] of the non-empty buckets. */
  buckets: number[];
}

export class LatencyHistogram {
  private counts = new Float64Array(BUCKETS);
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  sum = 0;

  /** Records one value in microseconds. */
  record(us: number): void {
    const v = us < 0 ? 0 : us;
    this.counts[bucketIndex(v)]! += 1;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  recordMs(ms: number): void {
    this.record(ms * 1000);
  }

  /**
   * The value at percentile p (0..100) in µs: the highest value of the bucket holding the p-th ranked sample
   * (never more than the largest value recorded), as HDR histograms report. 0 when empty.
   */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      const c = this.counts[i]!;
      if (c === 0) continue;
      seen += c;
      if (seen >= rank) return Math.max(this.min, Math.min(this.max, bucketRange(i).high));
    }
    return this.max;
  }

  percentileMs(p: number): number {
    return this.percentile(p) / 1000;
  }

  mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  merge(other: LatencyHistogram | HistogramJson): this {
    const o = other instanceof LatencyHistogram ? other.toJSON() : other;
    if (o.count === 0) return this;
    for (let i = 0; i + 1 < o.buckets.length; i += 2) this.counts[o.buckets[i]!]! += o.buckets[i + 1]!;
    this.count += o.count;
    this.sum += o.sum;
    if (o.min < this.min) this.min = o.min;
    if (o.max > this.max) this.max = o.max;
    return this;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = 0;
    this.sum = 0;
  }

  toJSON(): HistogramJson {
    const buckets: number[] = [];
    if (this.count > 0) {
      for (let i = 0; i < BUCKETS; i++) {
        const c = this.counts[i]!;
        if (c !== 0) buckets.push(i, c);
      }
    }
    return { count: this.count, min: this.count === 0 ? 0 : this.min, max: this.max, sum: this.sum, buckets };
  }

  static fromJSON(j: HistogramJson): LatencyHistogram {
    return new LatencyHistogram().merge(j);
  }

  /** p50/p95/p99/p99.9/max in milliseconds, rounded to 0.01 ms. */
  summaryMs(): LatencySummaryMs {
    const r = (us: number) => Math.round(us / 10) / 100;
    return {
      count: this.count,
      p50: r(this.percentile(50)),
      p95: r(this.percentile(95)),
      p99: r(this.percentile(99)),
      p999: r(this.percentile(99.9)),
      max: r(this.max),
      mean: r(this.mean()),
    };
  }
}

export interface LatencySummaryMs {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  /** p99.9: the tail a client with many requests sees every few seconds under load. */
  p999: number;
  max: number;
  mean: number;
}
