/**
 * docs/metrics.md as the dashboard and alert tests read it, and the check that a PromQL expression selects only
 * catalogued metrics by labels they carry. A misspelt metric or label does not fail in Grafana or Prometheus: the
 * panel shows "No data" and the alert never fires, so these tests are where it has to fail.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { ROOT } from './gateway.js';

export interface CatalogueEntry {
  type: string;
  labels: string[];
}

/**
 * Labels a series has without the code setting them: `role` from the registry (every series, docs/metrics.md),
 * `instance` and `job` from Prometheus's scrape, `namespace`, `pod`, `service` and `container` from the Prometheus
 * Operator's ServiceMonitor.
 */
export const TARGET_LABELS: ReadonlySet<string> = new Set(['role', 'instance', 'job', 'namespace', 'pod', 'service', 'container']);

/** Table rows whose first cell is a backquoted metric name: | `name` | type | `a`, `b` (or —) | meaning | */
export function readCatalogue(path = join(ROOT, 'docs', 'metrics.md')): Map<string, CatalogueEntry> {
  const out = new Map<string, CatalogueEntry>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\|\s*`([a-z_][a-z0-9_]*)`\s*\|\s*([a-z]+)\s*\|([^|]*)\|/.exec(line);
    if (m) out.set(m[1]!, { type: m[2]!, labels: [...m[3]!.matchAll(/`([a-z_][a-z0-9_]*)`/g)].map((x) => x[1]!) });
  }
  return out;
}

/** The catalogue entry a series name stands for, and the labels it may be selected by; undefined when it has none. */
function resolve(series: string, catalogue: ReadonlyMap<string, CatalogueEntry>): { labels: Set<string> } | undefined {
  const exact = catalogue.get(series);
  if (exact) return { labels: new Set(exact.labels) };
  // A histogram is scraped as <name>_bucket (with le), <name>_sum and <name>_count; no other type has those series.
  const m = /^(.+)_(bucket|sum|count)$/.exec(series);
  const family = m ? catalogue.get(m[1]!) : undefined;
  if (!m || family?.type !== 'histogram') return undefined;
  return { labels: new Set(m[2] === 'bucket' ? [...family.labels, 'le'] : family.labels) };
}

/**
 * What in `expr` the catalogue does not know: a metric name it does not list (or a histogram suffix on a metric
 * that is no histogram), a label matcher on a label that metric does not have, a by/without/on/ignoring label
 * that no metric of the expression has. Empty when everything is known.
 */
export function catalogueProblems(expr: string, catalogue: ReadonlyMap<string, CatalogueEntry>): string[] {
  const problems: string[] = [];
  const grouping: string[] = [];
  const known = new Set<string>(TARGET_LABELS);
  parser.parse(expr).iterate({
    enter(n) {
      if (n.name === 'VectorSelector') {
        const id = n.node.getChild('Identifier');
        if (!id) return;
        const name = expr.slice(id.from, id.to);
        const entry = resolve(name, catalogue);
        if (!entry) {
          problems.push(`${name} is not in docs/metrics.md`);
          return;
        }
        for (const l of entry.labels) known.add(l);
        for (const l of n.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
          const label = l.getChild('LabelName');
          const ln = label ? expr.slice(label.from, label.to) : '';
          if (ln && !entry.labels.has(ln) && !TARGET_LABELS.has(ln)) problems.push(`${name} has no label ${ln}`);
        }
      }
      if (n.name === 'GroupingLabels') for (const l of n.node.getChildren('LabelName')) grouping.push(expr.slice(l.from, l.to));
    },
  });
  for (const l of grouping) if (!known.has(l)) problems.push(`no metric of the expression has the label ${l}`);
  return problems;
}
