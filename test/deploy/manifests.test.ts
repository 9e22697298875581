/**
 * k8s/: every overlay renders with `kubectl kustomize`; every object validates against the Kubernetes schemas
 * (kubernetes-models, Kubernetes 1.27 schemas; the Prometheus Operator's for ServiceMonitor and PrometheusRule)
 * with no field the schema does not know; selectors select the pods they are meant for; every pod runs as the
 * "restricted" Pod Security Standard asks, with probes and resources; grace periods cover the processes' own
 * stop; alert rules parse as PromQL and name metrics the code exports; the NATS config matches its StatefulSet.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parser as promql } from '@prometheus-io/lezer-promql';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Registry } from 'prom-client';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOP_TIMEOUT_MS } from '../../internal/app/process.js';
import { parseFileConfig } from '../../internal/config/load.js';
import { resolveSecretFiles } from '../../internal/config/secret-files.js';
import { createBusMetrics } from '../../internal/metrics/bus.js';
import { createCallbackMetrics } from '../../internal/metrics/callbacks.js';
import { createConnectorMetrics } from '../../internal/metrics/connector.js';
import { createEdgeMetrics } from '../../internal/metrics/edge.js';
import { createCallbackQueueMetrics, createCarrierQueueMetrics } from '../../internal/metrics/queues.js';
import { createRegistry } from '../../internal/metrics/registry.js';
import { createStatusMetrics } from '../../internal/metrics/status.js';
import { ROOT, tempDir } from '../support/gateway.js';
import { dataOf, find, podTemplates, selects, type LabelSelector, type PodTemplate } from '../support/k8s-pods.js';
import { kustomize, render, renderOverlay, secretFiles, type K8sObject } from '../support/kustomize.js';

type Model = new (data: never) => { validate(): void };
const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace as unknown as Model,
  'v1/ConfigMap': ConfigMap as unknown as Model,
  'v1/Secret': Secret as unknown as Model,
  'v1/Service': Service as unknown as Model,
  'apps/v1/Deployment': Deployment as unknown as Model,
  'apps/v1/StatefulSet': StatefulSet as unknown as Model,
  'batch/v1/Job': Job as unknown as Model,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as Model,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as Model,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as Model,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as Model,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor as unknown as Model,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule as unknown as Model,
};

/**
 * Schema validation, plus the fields the schema does not know (a misspelt `readinesProbe` passes a JSON schema
 * that allows extra properties, and the API server would drop or refuse it): every key the validator never
 * looked at is one.
 */
function validateStrict(o: K8sObject): string[] {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) return [`no schema for ${o.apiVersion} ${o.kind} in this test: add its model`];
  const seen = new Set<string>();
  const track = (v: object, path: string): object =>
    new Proxy(v, {
      get(t, k) {
        const x = (t as Record<string | symbol, unknown>)[k];
        if (typeof k !== 'string') return x;
        seen.add(`${path}/${k}`);
        return x !== null && typeof x === 'object' ? track(x, `${path}/${k}`) : x;
      },
    });
  const problems: string[] = [];
  const data = structuredClone(o);
  // kustomize folds long base64 values over lines; the API server's decoder skips line breaks, the schema's
  // "byte" pattern does not.
  if (o.kind === 'Secret' && data.data) {
    data.data = Object.fromEntries(Object.entries(data.data as Record<string, string>).map(([k, v]) => [k, v.replace(/\s+/g, '')]));
  }
  try {
    (track(new Model(data as never), '') as { validate(): void }).validate();
  } catch (err) {
    problems.push(String((err as Error).message));
  }
  const walk = (v: unknown, path: string) => {
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (!seen.has(`${path}/${k}`)) problems.push(`${path}/${k}: not a field of ${o.kind}`);
      else walk(x, `${path}/${k}`);
    }
  };
  walk(o, '');
  return problems;
}

/** Metric names the gateway exports: every role's metrics on one registry, as the all-in-one process has them. */
function exportedMetricNames(): Set<string> {
  const r: Registry = createRegistry();
  createEdgeMetrics(r);
  createConnectorMetrics(r);
  createStatusMetrics(r);
  createCallbackMetrics(r, () => 0);
  createBusMetrics(r, () => true);
  createCarrierQueueMetrics(r);
  createCallbackQueueMetrics(r);
  const names = new Set<string>();
  for (const m of r.getMetricsAsArray()) {
    names.add(m.name);
    // Histograms and summaries are scraped as these series.
    for (const suffix of ['_bucket', '_count', '_sum']) names.add(`${m.name}${suffix}`);
  }
  return names;
}

/** Series names an expression selects (the metric of each vector selector), or the parse error's place. */
function promqlMetrics(expr: string): { metrics: string[]; error?: string } {
  const metrics: string[] = [];
  let error: string | undefined;
  promql.parse(expr).iterate({
    enter(n) {
      if (n.type.isError) error ??= `PromQL syntax error at ${n.from}: "${expr.slice(Math.max(0, n.from - 20), n.to + 20)}"`;
      if (n.name === 'Identifier' && n.node.parent?.name === 'VectorSelector') metrics.push(expr.slice(n.from, n.to));
    },
  });
  return error ? { metrics, error } : { metrics };
}

function portNames(t: PodTemplate): Map<string, number> {
  return new Map(t.spec.containers.flatMap((c) => (c.ports ?? []).filter((p) => p.name).map((p) => [p.name!, p.containerPort] as const)));
}

describe('kubectl kustomize', () => {
  it('renders the base and the dev overlay from the repository as they are', () => {
    expect(render(join(ROOT, 'k8s', 'base')).length).toBeGreaterThan(10);
    expect(render(join(ROOT, 'k8s', 'overlays', 'dev')).length).toBeGreaterThan(10);
  });

  it('does not render the prod overlay until its secret files exist, and names the missing file', () => {
    const overlay = join(ROOT, 'k8s', 'overlays', 'prod');
    const files = secretFiles(overlay).map(([, f]) => join(overlay, f));
    expect(files.length).toBeGreaterThanOrEqual(3);
    // A developer may have created them in their tree; then this says nothing about the render.
    if (files.some((f) => existsSync(f))) return;
    const r = kustomize(overlay);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/secrets\/[a-z-]+: no such file/);
  });
});

const tmp = tempDir('smsmesh-k8s-');
afterAll(() => tmp.remove());

describe.each(['dev', 'prod'] as const)('overlays/%s', (overlay) => {
  let objects: K8sObject[];
  let pods: PodTemplate[];
  beforeAll(() => {
    objects = renderOverlay(overlay, tmp.path);
    pods = podTemplates(objects);
  });
  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const podsSelectedBy = (sel: LabelSelector | undefined) => pods.filter((p) => selects(sel, p.labels));

  it('has every object the deployment needs', () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    for (const want of [
      'Namespace/smsmesh',
      'Deployment/smsmesh-edge',
      'Service/smsmesh-edge',
      'HorizontalPodAutoscaler/smsmesh-edge',
      'PodDisruptionBudget/smsmesh-edge',
      'Deployment/smsmesh-connector',
      'Deployment/smsmesh-status-writer',
      'Deployment/smsmesh-callbacks',
      'Service/smsmesh-callbacks',
      'Job/smsmesh-migrate',
      'StatefulSet/nats',
      'Ingress/smsmesh',
      'NetworkPolicy/default-deny',
    ]) {
      expect(names).toContain(want);
    }
    expect(ofKind('ConfigMap').some((o) => o.metadata.name.startsWith('smsmesh-config-'))).toBe(true);
    for (const s of ['smsmesh-api-keys-', 'smsmesh-smpp-', 'smsmesh-webhook-secrets-', 'smsmesh-database-']) expect(ofKind('Secret').some((o) => o.metadata.name.startsWith(s)), s).toBe(true);
    if (overlay === 'dev') {
      expect(names).toEqual(expect.arrayContaining(['StatefulSet/postgres', 'Deployment/smsc-sim']));
      expect(names.some((n) => n.startsWith('ServiceMonitor/'))).toBe(false);
    } else {
      expect(names).toEqual(expect.arrayContaining(['ServiceMonitor/smsmesh', 'PrometheusRule/smsmesh', 'PodDisruptionBudget/nats']));
      expect(names.some((n) => n.includes('postgres'))).toBe(false);
    }
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('smsmesh');
  });

  it('validates every object against its schema, with no unknown field', () => {
    const problems = objects.flatMap((o) => validateStrict(o).map((p) => `${o.kind}/${o.metadata.name}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('selects with every selector the pods it is meant for', () => {
    for (const p of pods) {
      const sel = (p.owner.spec as { selector: LabelSelector }).selector;
      if (p.owner.kind !== 'Job') expect(selects(sel, p.labels), `${p.id} selector`).toBe(true);
      // No two workloads share their pods' labels (a Service or policy meant for one would take both).
      for (const q of pods) if (q !== p && p.owner.kind !== 'Job') expect(selects(sel, q.labels), `${p.id} also selects ${q.id}`).toBe(false);
    }
    for (const svc of ofKind('Service')) {
      const spec = svc.spec as { selector: Record<string, string>; ports: { targetPort: string | number }[] };
      const targets = podsSelectedBy({ matchLabels: spec.selector });
      expect(targets.length, `Service/${svc.metadata.name} selects no pod`).toBeGreaterThan(0);
      for (const port of spec.ports) {
        for (const t of targets) {
          if (typeof port.targetPort === 'string') expect(portNames(t).has(port.targetPort), `Service/${svc.metadata.name} → ${t.id} port ${port.targetPort}`).toBe(true);
        }
      }
    }
    for (const sts of ofKind('StatefulSet')) {
      const headless = find(objects, 'Service', (sts.spec as { serviceName: string }).serviceName);
      const spec = headless.spec as { clusterIP?: string; selector: Record<string, string> };
      expect(spec.clusterIP, `${sts.metadata.name}'s serviceName`).toBe('None');
      expect(selects({ matchLabels: spec.selector }, pods.find((p) => p.owner === sts)!.labels)).toBe(true);
    }
    for (const hpa of ofKind('HorizontalPodAutoscaler')) {
      const ref = (hpa.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
      const target = find(objects, ref.kind, ref.name);
      // requests are what a CPU utilisation target is a share of
      for (const c of pods.find((p) => p.owner === target)!.spec.containers) expect(c.resources?.requests?.cpu, `${ref.name} ${c.name} cpu request`).toBeDefined();
    }
    for (const pdb of ofKind('PodDisruptionBudget')) {
      expect(podsSelectedBy((pdb.spec as { selector: LabelSelector }).selector).length, `PDB/${pdb.metadata.name}`).toBeGreaterThan(0);
    }
    for (const np of ofKind('NetworkPolicy')) {
      const spec = np.spec as { podSelector: LabelSelector; ingress?: { ports?: { port?: string | number }[] }[] };
      const selected = Object.keys(spec.podSelector).length === 0 ? pods : podsSelectedBy(spec.podSelector);
      expect(selected.length, `NetworkPolicy/${np.metadata.name} selects no pod`).toBeGreaterThan(0);
      for (const r of spec.ingress ?? []) {
        for (const port of r.ports ?? []) {
          if (typeof port.port === 'string') for (const t of selected) expect(portNames(t).has(port.port), `NetworkPolicy/${np.metadata.name}: ${t.id} has no port ${port.port}`).toBe(true);
        }
      }
    }
    for (const ing of ofKind('Ingress')) {
      const paths = (ing.spec as { rules: { http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] } }[] }).rules.flatMap((r) => r.http.paths);
      expect(paths.map((p) => p.path).sort()).toEqual(['/openapi.json', '/v1']);
      for (const p of paths) {
        const svc = find(objects, 'Service', p.backend.service.name);
        expect((svc.spec as { ports: { name: string }[] }).ports.map((x) => x.name)).toContain(p.backend.service.port.name);
      }
    }
  });

  it('runs every pod as the restricted Pod Security Standard asks, with probes, resources and no API token', () => {
    expect(find(objects, 'Namespace', 'smsmesh').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const p of pods) {
      const sc = p.spec.securityContext ?? {};
      expect(sc, p.id).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(sc.runAsUser, p.id).toBeGreaterThan(0);
      expect(p.spec.automountServiceAccountToken, p.id).toBe(false);
      for (const c of p.spec.containers) {
        const what = `${p.id} ${c.name}`;
        expect(c.securityContext, what).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(c.resources?.requests?.cpu, what).toBeDefined();
        expect(c.resources?.requests?.memory, what).toBeDefined();
        expect(c.resources?.limits?.memory, what).toBeDefined();
        expect(c.image, what).toMatch(/:[\w.-]+$/);
        expect(c.image, what).not.toMatch(/:latest$/);
        if (p.owner.kind === 'Job') continue;
        expect(c.readinessProbe, `${what} readiness`).toBeDefined();
        expect(c.livenessProbe, `${what} liveness`).toBeDefined();
        for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
          const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
          if (typeof port === 'string') expect(portNames(p).has(port), `${what} probe port ${port}`).toBe(true);
        }
      }
    }
  });

  it('gives every gateway role longer to stop than the process gives itself, and edges a drain inside that', () => {
    for (const name of ['smsmesh-edge', 'smsmesh-connector', 'smsmesh-status-writer', 'smsmesh-callbacks']) {
      const grace = pods.find((p) => p.id === `Deployment/${name}`)!.spec.terminationGracePeriodSeconds!;
      expect(grace * 1000, name).toBeGreaterThan(STOP_TIMEOUT_MS);
      expect(grace * 1000, name).toBeLessThanOrEqual(STOP_TIMEOUT_MS + 15_000);
    }
    const config = dataOf(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('smsmesh-config-'))!)['smsmesh.yaml']!;
    const cfg = parseFileConfig(resolveSecretFiles(parseYaml(config), { kinds: new Set(), baseDir: '/' }).config);
    expect(cfg.api.drainDelayMs).toBeGreaterThan(0);
    expect(cfg.api.drainDelayMs + cfg.nats.publishTimeoutMs).toBeLessThan(STOP_TIMEOUT_MS);
    // A stopping callback worker waits for the POSTs under way, each bounded by timeoutMs.
    expect(cfg.callbacks.timeoutMs).toBeLessThan(STOP_TIMEOUT_MS);

    // NATS: lame duck (clients move away), then its grace period, inside the pod's.
    const nats = pods.find((p) => p.id === 'StatefulSet/nats')!;
    const conf = dataOf(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('nats-config-'))!)['nats.conf']!;
    const seconds = (key: string) => Number(new RegExp(`${key}:\\s*"?(\\d+)s"?`).exec(conf)?.[1]);
    expect(seconds('lame_duck_duration') + seconds('lame_duck_grace_period')).toBeLessThan(nats.spec.terminationGracePeriodSeconds!);
  });

  it('runs the NATS its config describes: every $VARIABLE set, routes to each pod of the StatefulSet, stream replicas that fit', () => {
    const sts = find(objects, 'StatefulSet', 'nats');
    const pod = pods.find((p) => p.owner === sts)!;
    const conf = dataOf(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('nats-config-'))!)['nats.conf']!;
    const env = new Set((pod.spec.containers[0]!.env ?? []).map((e) => e.name));
    for (const m of conf.matchAll(/\$([A-Z_][A-Z0-9_]*)/g)) expect(env, `nats.conf uses $${m[1]}`).toContain(m[1]);
    const mounted = pod.spec.containers[0]!.volumeMounts!.map((m) => m.mountPath);
    for (const key of ['store_dir', 'pid_file']) {
      const path = new RegExp(`${key}:\\s*"?([^"\\s]+)`).exec(conf)![1]!;
      expect(mounted.some((m) => path.startsWith(`${m}/`)), `${key} ${path} is on a mounted volume (the root is read-only)`).toBe(true);
    }
    const routes = [...conf.matchAll(/nats:\/\/([a-z0-9.-]+):6222/g)].map((m) => m[1]);
    const serviceName = (sts.spec as { serviceName: string }).serviceName;
    expect(routes).toEqual(Array.from({ length: pod.replicas }, (_, i) => `nats-${i}.${serviceName}`).filter(() => pod.replicas > 1));
    const config = dataOf(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('smsmesh-config-'))!)['smsmesh.yaml']!;
    const nats = parseFileConfig(resolveSecretFiles(parseYaml(config), { kinds: new Set(), baseDir: '/' }).config).nats;
    const replicas = nats.replicas;
    // The MT stream reserves maxBacklogBytes of the server's file store, or cannot be created ("insufficient
    // storage resources"). nats-server reads K/M/G in the config as powers of 1000.
    const store = /max_file_store:\s*(\d+)([KMGT]?)/.exec(conf)!;
    const storeBytes = Number(store[1]) * 1000 ** ' KMGT'.indexOf(store[2] || ' ');
    expect(nats.maxBacklogBytes).toBeLessThan(storeBytes);
    expect(replicas).toBe(overlay === 'prod' ? 3 : 1);
    expect(replicas).toBeLessThanOrEqual(pod.replicas);
    if (overlay === 'prod') {
      const anti = (pod.spec.affinity as { podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { topologyKey: string; labelSelector: LabelSelector }[] } }).podAntiAffinity;
      const rule = anti?.requiredDuringSchedulingIgnoredDuringExecution?.[0];
      expect(rule?.topologyKey).toBe('kubernetes.io/hostname');
      expect(selects(rule?.labelSelector, pod.labels)).toBe(true);
      expect((sts.spec as { volumeClaimTemplates: unknown[] }).volumeClaimTemplates).toHaveLength(1);
    }
  });

  it('scrapes every gateway role and alerts on metrics the gateway exports, in valid PromQL', () => {
    if (overlay === 'dev') return;
    const sm = find(objects, 'ServiceMonitor', 'smsmesh').spec as { selector: LabelSelector; endpoints: { port: string }[] };
    const services = ofKind('Service').filter((s) => selects(sm.selector, s.metadata.labels ?? {}));
    expect(services.map((s) => s.metadata.name).sort()).toEqual(['smsmesh-callbacks', 'smsmesh-connector', 'smsmesh-edge', 'smsmesh-status-writer']);
    const endpointPorts = new Set(sm.endpoints.map((e) => e.port));
    for (const s of services) {
      expect((s.spec as { ports: { name: string }[] }).ports.some((p) => endpointPorts.has(p.name)), s.metadata.name).toBe(true);
    }

    const exported = exportedMetricNames();
    const rules = (find(objects, 'PrometheusRule', 'smsmesh').spec as { groups: { rules: { alert: string; expr: string; labels: { severity: string } }[] }[] }).groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(4);
    for (const r of rules) {
      const { metrics, error } = promqlMetrics(r.expr);
      expect(error, r.alert).toBeUndefined();
      expect(metrics.length, `${r.alert} selects no series`).toBeGreaterThan(0);
      // `up` is Prometheus's own, with job = the Service's name.
      for (const m of metrics) if (m !== 'up') expect(exported, `${r.alert}: ${m}`).toContain(m);
      expect(['critical', 'warning']).toContain(r.labels.severity);
    }
    const jobs = rules.flatMap((r) => [...r.expr.matchAll(/job=~?"([^"]+)"/g)].map((m) => new RegExp(`^(?:${m[1]})$`)));
    for (const re of jobs) expect(services.some((s) => re.test(s.metadata.name)), String(re)).toBe(true);
  });
});
