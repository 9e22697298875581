/**
 * Metric children resolved once per label value. `counter.inc(labels)` and `histogram.observe(labels, v)` validate
 * and hash the labels on every call (measured at ~2.5 % of connector CPU); a child keeps that to its first use.
 */

/** A metric that hands out a child per label set: a Counter, Gauge or Histogram of prom-client. */
interface Labelling<K extends string, C> {
  labels(labels: Partial<Record<K, string | number>>): C;
}

export function labelled<K extends string, C>(
  metric: Labelling<K, C>,
  base: Partial<Record<NoInfer<K>, string>>,
  key: NoInfer<K>,
): (value: string) => C {
  const children = new Map<string, C>();
  return (value) => {
    let c = children.get(value);
    if (c === undefined) {
      c = metric.labels({ ...base, [key]: value } as Partial<Record<K, string | number>>);
      children.set(value, c);
    }
    return c;
  };
}
