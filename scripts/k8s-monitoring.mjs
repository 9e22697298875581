/**
 * Writes the Kubernetes copies of the monitoring files, so that Kubernetes and a plain Prometheus/Grafana run the
 * same ones (make k8s-monitoring):
 *   k8s/base/prometheus-rule.yaml    a Prometheus Operator PrometheusRule from deploy/prometheus/alerts.yaml
 *   k8s/base/grafana-dashboard.yaml  a ConfigMap with deploy/grafana/smsmesh.json, for Grafana's dashboard sidecar
 * `--check` writes nothing and exits 1 when a file is not what it would write.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

const root = join(import.meta.dirname, '..');
const read = (...p) => readFileSync(join(root, ...p), 'utf8');
const labels = { 'app.kubernetes.io/name': 'smsmesh' };

const files = [
  {
    path: join(root, 'k8s', 'base', 'prometheus-rule.yaml'),
    text:
      '# Generated from deploy/prometheus/alerts.yaml by `make k8s-monitoring` (scripts/k8s-monitoring.mjs): edit that\n' +
      '# file, not this one; test/deploy/k8s-monitoring.test.ts fails when the two differ. The Prometheus that should pick\n' +
      '# it up selects it by label: add that label here (kube-prometheus-stack: release: <its release name>).\n' +
      stringify(
        { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'smsmesh', labels }, spec: { groups: parse(read('deploy', 'prometheus', 'alerts.yaml')).groups } },
        { lineWidth: 0 },
      ),
  },
  {
    path: join(root, 'k8s', 'base', 'grafana-dashboard.yaml'),
    text:
      '# Generated from deploy/grafana/smsmesh.json by `make k8s-monitoring` (scripts/k8s-monitoring.mjs): edit that file,\n' +
      '# not this one. Grafana\'s dashboard sidecar (kube-prometheus-stack: sidecar.dashboards.enabled) loads ConfigMaps\n' +
      '# labelled grafana_dashboard, from every namespace when its searchNamespace is ALL.\n' +
      stringify(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'smsmesh-grafana-dashboard', labels: { ...labels, grafana_dashboard: '1' } },
          data: { 'smsmesh.json': read('deploy', 'grafana', 'smsmesh.json') },
        },
        { lineWidth: 0 },
      ),
  },
];

if (process.argv.includes('--check')) {
  let stale = false;
  for (const f of files) {
    let current = '';
    try {
      current = readFileSync(f.path, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== f.text) {
      stale = true;
      process.stderr.write(`${f.path.slice(root.length + 1)} is not generated from its source: run make k8s-monitoring\n`);
    }
  }
  process.exit(stale ? 1 : 0);
} else {
  for (const f of files) writeFileSync(f.path, f.text);
}
