/**
 * The Kubernetes PrometheusRule (k8s/base/prometheus-rule.yaml) carries exactly the rules of
 * deploy/prometheus/alerts.yaml, as scripts/prometheus-rule.mjs writes them, and is part of the base.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/gateway.js';

const read = (...p: string[]) => parseYaml(readFileSync(join(ROOT, ...p), 'utf8')) as Record<string, unknown>;

describe('the PrometheusRule in k8s/base', () => {
  it('has the same groups and rules as deploy/prometheus/alerts.yaml', () => {
    const k8s = read('k8s', 'base', 'prometheus-rule.yaml') as { kind: string; metadata: { name: string }; spec: { groups: unknown[] } };
    const plain = read('deploy', 'prometheus', 'alerts.yaml') as { groups: unknown[] };
    expect(k8s.kind).toBe('PrometheusRule');
    expect(k8s.metadata.name).toBe('smsmesh');
    expect(plain.groups.length).toBeGreaterThan(0);
    expect(k8s.spec.groups).toEqual(plain.groups);
    new PrometheusRule(k8s as never).validate();
  });

  it('is byte for byte what the generator writes, and the base includes it', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'prometheus-rule.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect((read('k8s', 'base', 'kustomization.yaml') as { resources: string[] }).resources).toContain('prometheus-rule.yaml');
  });
});
