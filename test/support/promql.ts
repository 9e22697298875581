/** PromQL read the way Prometheus reads it (the lezer grammar of its own UI): the metric names an expression selects. */
import { parser } from '@prometheus-io/lezer-promql';

/** The metric of every vector selector in an expression, or where the first syntax error is. */
export function promqlMetrics(expr: string): { metrics: string[]; error?: string } {
  const metrics: string[] = [];
  let error: string | undefined;
  parser.parse(expr).iterate({
    enter(n) {
      if (n.type.isError) error ??= `PromQL syntax error at ${n.from}: "${expr.slice(Math.max(0, n.from - 20), n.to + 20)}"`;
      if (n.name === 'Identifier' && n.node.parent?.name === 'VectorSelector') metrics.push(expr.slice(n.from, n.to));
    },
  });
  return error ? { metrics, error } : { metrics };
}

/** The metric family a series name belongs to: a histogram's _bucket, _sum and _count series are its own. */
export function metricFamily(series: string): string {
  return series.replace(/_(bucket|sum|count)$/, '');
}

/** The series names of a Prometheus text exposition that have at least one sample. */
export function sampledSeries(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (m) names.add(m[1]!);
  }
  return names;
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
export function parseSamples(exposition: string): Sample[] {
  const out: Sample[] = [];
  for (const line of exposition.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of the samples of `name` whose labels include `labels`. */
export function sampleSum(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const s of samples) if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  return sum;
}
