/**
 * The Kubernetes copies of the monitoring files: the PrometheusRule (k8s/base/prometheus-rule.yaml) carries exactly
 * the rules of deploy/prometheus/alerts.yaml, the dashboard ConfigMap (k8s/base/grafana-dashboard.yaml) exactly
 * deploy/grafana/smsmesh.json, both as scripts/k8s-monitoring.mjs writes them, and the base includes both.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/gateway.js';

const text = (...p: string[]) => readFileSync(join(ROOT, ...p), 'utf8');
const read = (...p: string[]) => parseYaml(text(...p)) as Record<string, unknown>;

describe('the monitoring objects in k8s/base', () => {
  it('has a PrometheusRule with the same groups and rules as deploy/prometheus/alerts.yaml', () => {
    const k8s = read('k8s', 'base', 'prometheus-rule.yaml') as { kind: string; metadata: { name: string }; spec: { groups: unknown[] } };
    const plain = read('deploy', 'prometheus', 'alerts.yaml') as { groups: unknown[] };
    expect(k8s.kind).toBe('PrometheusRule');
    expect(k8s.metadata.name).toBe('smsmesh');
    expect(plain.groups.length).toBeGreaterThan(0);
    expect(k8s.spec.groups).toEqual(plain.groups);
    new PrometheusRule(k8s as never).validate();
  });

  it('has the dashboard, byte for byte, in a ConfigMap labelled for the Grafana sidecar', () => {
    const cm = read('k8s', 'base', 'grafana-dashboard.yaml') as { metadata: { labels: Record<string, string> }; data: Record<string, string> };
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    expect(cm.data['smsmesh.json']).toBe(text('deploy', 'grafana', 'smsmesh.json'));
    new ConfigMap(cm as never).validate();
  });

  it('is what the generator writes, and the base includes both', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'k8s-monitoring.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect((read('k8s', 'base', 'kustomization.yaml') as { resources: string[] }).resources).toEqual(expect.arrayContaining(['prometheus-rule.yaml', 'grafana-dashboard.yaml']));
  });
});
