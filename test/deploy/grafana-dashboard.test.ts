/**
 * deploy/grafana/: the dashboard JSON parses and is laid out as Grafana expects (unique ids, panels inside the
 * 24-column grid and not overlapping, one datasource variable), every query parses as PromQL and selects only
 * metrics in docs/metrics.md by labels the catalogue gives them, it has its sections, and the provisioning files
 * point at it. That each of those metrics is on a live scrape is test/e2e/observability.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/gateway.js';
import { catalogueProblems, readCatalogue } from '../support/metrics-catalogue.js';
import { dashboardQueries, readDashboard } from '../support/observability-files.js';
import { promqlMetrics } from '../support/promql.js';

const catalogue = readCatalogue();

describe('the Grafana dashboard (deploy/grafana/smsmesh.json)', () => {
  const d = readDashboard();
  const panels = d.panels.filter((p) => p.type !== 'row');

  it('parses, with a stable uid, unique panel ids and its sections', () => {
    expect(d.uid).toBe('smsmesh');
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(d.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual([
      'Overview',
      'Binds',
      'Routing and limits',
      'Status writer',
      'Callbacks',
      'Inbound and opt-outs',
      'Processes',
    ]);
    const titles = panels.map((p) => p.title);
    for (const t of [
      ...['Messages per second', 'Accept latency (POST /v1/messages)', 'Backlog per carrier', 'Errors per second', 'Window in use', 'Allowed TPS'],
      ...['Carrier usable for new traffic', 'Client limit refusals', 'Bind-slot leases', 'Lag', 'Commit latency'],
      ...['Callback POSTs per second by outcome', 'Callbacks failed for good', 'Callback delivery latency', 'Callback backlog (SMS_CHANGES)'],
      ...['Inbound stored, routed or not', 'Sends refused: recipient opted out', 'Event-loop lag p99', 'GC time per second'],
    ]) {
      expect(titles).toContain(t);
    }
  });

  it('keeps every panel inside the grid, none overlapping another', () => {
    const cells = new Map<string, string>();
    for (const p of d.panels) {
      const g = p.gridPos;
      expect(g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.h > 0 && g.y >= 0, p.title).toBe(true);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          const k = `${x},${y}`;
          expect(cells.get(k), `${p.title} overlaps`).toBeUndefined();
          cells.set(k, p.title);
        }
      }
    }
  });

  it('queries Prometheus through its datasource variable, in PromQL that parses, naming catalogued metrics and labels only', () => {
    expect(d.templating.list.find((v) => v.name === 'datasource')?.type).toBe('datasource');
    for (const p of panels) {
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
    const queries = dashboardQueries(d);
    expect(queries.length).toBeGreaterThan(40);
    for (const q of queries) {
      const { metrics, error } = promqlMetrics(q.expr);
      expect(error, q.where).toBeUndefined();
      expect(metrics.length, `${q.where} selects no series`).toBeGreaterThan(0);
      expect(catalogueProblems(q.expr, catalogue), q.where).toEqual([]);
    }
  });

  it('catches a misspelt metric, a histogram suffix on a counter and an unknown label', () => {
    expect(catalogueProblems('sum(rate(smsmesh_callbacks_failed_total{reason="exhausted"}[1m]))', catalogue)).toEqual([]);
    expect(catalogueProblems('sum(rate(smsmesh_callback_failed_total[1m]))', catalogue)).toEqual(['smsmesh_callback_failed_total is not in docs/metrics.md']);
    expect(catalogueProblems('rate(smsmesh_callbacks_failed_total_count[1m])', catalogue)).toEqual(['smsmesh_callbacks_failed_total_count is not in docs/metrics.md']);
    expect(catalogueProblems('rate(smsmesh_callbacks_failed_total{outcome="gone"}[1m])', catalogue)).toEqual(['smsmesh_callbacks_failed_total has no label outcome']);
    expect(catalogueProblems('sum by (reasons) (rate(smsmesh_callbacks_failed_total[1m]))', catalogue)).toEqual(['no metric of the expression has the label reasons']);
    expect(catalogueProblems('sum by (le) (rate(smsmesh_callback_delivery_latency_seconds_bucket{role="callbacks"}[1m]))', catalogue)).toEqual([]);
  });

  it('is provisioned: a Prometheus datasource and a file provider for the dashboard', () => {
    const ds = parseYaml(readFileSync(join(ROOT, 'deploy', 'grafana', 'provisioning', 'datasources', 'smsmesh.yaml'), 'utf8')) as { datasources: { type: string }[] };
    expect(ds.datasources.map((x) => x.type)).toEqual(['prometheus']);
    const dash = parseYaml(readFileSync(join(ROOT, 'deploy', 'grafana', 'provisioning', 'dashboards', 'smsmesh.yaml'), 'utf8')) as {
      apiVersion: number;
      providers: { type: string; options: { path: string } }[];
    };
    expect(dash.apiVersion).toBe(1);
    expect(dash.providers[0]).toMatchObject({ type: 'file', options: { path: expect.stringMatching(/^\//) } });
  });
});
