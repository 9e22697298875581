/** Quantiles from histogram buckets, as Prometheus's histogram_quantile estimates them (linear within a bucket). */

/** The q-quantile of a histogram given per bucket (upper bounds `le`, the last bucket +Inf), linear within a bucket. */
export function quantile(q: number, le: readonly number[], counts: readonly number[]): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (seen + c >= q * total && c > 0) {
      const lo = i === 0 ? 0 : le[i - 1]!;
      const hi = le[i] ?? le[le.length - 1]!;
      return lo + (hi - lo) * ((q * total - seen) / c);
    }
    seen += c;
  }
  return le[le.length - 1]!;
}
