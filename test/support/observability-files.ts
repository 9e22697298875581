/** The PromQL of the Grafana dashboard (deploy/grafana/smsmesh.json) and of the alert rules (deploy/prometheus/alerts.yaml). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ROOT } from './gateway.js';

export const DASHBOARD = join(ROOT, 'deploy', 'grafana', 'smsmesh.json');
export const ALERTS = join(ROOT, 'deploy', 'prometheus', 'alerts.yaml');

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; definition?: string }[] };
}

export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
}

/** Grafana's variables replaced by values Prometheus would see, so that the expression parses as it will run. */
export function asPromql(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__interval', '15s')
    .replaceAll('$__range', '1h')
    .replace(/\$\{?carrier\}?/g, '.*');
}

/** Every panel query (with its panel's title) and the metric named by each `label_values(metric, label)` variable. */
export function dashboardQueries(d: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of d.panels) for (const t of p.targets ?? []) out.push({ where: `panel "${p.title}" ${t.refId}`, expr: asPromql(t.expr) });
  for (const v of d.templating.list) {
    const m = v.definition ? /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(v.definition) : null;
    if (m) out.push({ where: `variable ${v.name}`, expr: m[1]! });
  }
  return out;
}

export function alertQueries(): { where: string; expr: string }[] {
  const doc = parseYaml(readFileSync(ALERTS, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return doc.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })));
}
