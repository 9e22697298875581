/**
 * Writes k8s/base/prometheus-rule.yaml (a Prometheus Operator PrometheusRule) from deploy/prometheus/alerts.yaml,
 * so that Kubernetes and a plain Prometheus run the same rules (make prometheus-rule). `--check` writes nothing and
 * exits 1 when the file is not what it would write.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

const root = join(import.meta.dirname, '..');
const source = join(root, 'deploy', 'prometheus', 'alerts.yaml');
const target = join(root, 'k8s', 'base', 'prometheus-rule.yaml');

const { groups } = parse(readFileSync(source, 'utf8'));
const rule = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'smsmesh', labels: { 'app.kubernetes.io/name': 'smsmesh' } },
  spec: { groups },
};
const text =
  '# Generated from deploy/prometheus/alerts.yaml by `make prometheus-rule` (scripts/prometheus-rule.mjs): edit that\n' +
  '# file, not this one; test/deploy/prometheus-rule.test.ts fails when the two differ. The Prometheus that should pick\n' +
  '# it up selects it by label: add that label here (kube-prometheus-stack: release: <its release name>).\n' +
  stringify(rule, { lineWidth: 0 });

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: differs
  }
  if (current !== text) {
    process.stderr.write('k8s/base/prometheus-rule.yaml is not generated from deploy/prometheus/alerts.yaml: run make prometheus-rule\n');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}
