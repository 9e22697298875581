/**
 * Reading rendered Kubernetes objects as the cluster would: the pod templates of workloads, label selectors,
 * a container's environment (env, envFrom, ConfigMap / Secret / field references, $(VAR) expansion) and its
 * ConfigMap and Secret volumes written out to a folder.
 */
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { K8sObject } from './kustomize.js';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: Record<string, { name?: string; key?: string; fieldPath?: string }> }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  lifecycle?: unknown;
}

export interface Probe {
  httpGet?: { path: string; port: number | string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
  periodSeconds?: number;
  timeoutSeconds?: number;
}

export interface Volume {
  name: string;
  configMap?: { name: string; items?: { key: string; path: string }[]; defaultMode?: number };
  secret?: { secretName: string; items?: { key: string; path: string }[]; defaultMode?: number };
  emptyDir?: unknown;
}

export interface PodSpec {
  containers: Container[];
  volumes?: Volume[];
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
  [k: string]: unknown;
}

export interface PodTemplate {
  owner: K8sObject;
  /** e.g. Deployment/smsmesh-edge */
  id: string;
  labels: Record<string, string>;
  spec: PodSpec;
  replicas: number;
  /** What a pod of it is called (StatefulSet pods: <name>-0). */
  podName: string;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job', 'DaemonSet']);

export function podTemplates(objects: K8sObject[]): PodTemplate[] {
  return objects
    .filter((o) => WORKLOADS.has(o.kind))
    .map((o) => {
      const spec = o.spec as { replicas?: number; template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec } };
      return {
        owner: o,
        id: `${o.kind}/${o.metadata.name}`,
        labels: spec.template.metadata?.labels ?? {},
        spec: spec.template.spec,
        replicas: spec.replicas ?? 1,
        podName: o.kind === 'StatefulSet' ? `${o.metadata.name}-0` : `${o.metadata.name}-pod`,
      };
    });
}

export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in the rendered objects`);
  return o;
}

/** A ConfigMap's or Secret's entries as text (Secret data is base64). */
export function dataOf(o: K8sObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((o.data ?? {}) as Record<string, string>)) out[k] = o.kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v;
  for (const [k, v] of Object.entries((o.stringData ?? {}) as Record<string, string>)) out[k] = v;
  return out;
}

/** $(VAR) references as the kubelet expands them in env values, command and args; $$ escapes. */
export function expandVars(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, name: string | undefined) => (name === undefined ? '$' : (env[name] ?? all)));
}

/** The environment a container starts with: envFrom first, then env (which wins), references resolved. */
export function containerEnv(c: Container, objects: K8sObject[], pod: PodTemplate): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, dataOf(find(objects, 'ConfigMap', from.configMapRef.name)));
    if (from.secretRef) Object.assign(env, dataOf(find(objects, 'Secret', from.secretRef.name)));
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = expandVars(e.value, env);
    else if (e.valueFrom?.configMapKeyRef) env[e.name] = mustKey(find(objects, 'ConfigMap', e.valueFrom.configMapKeyRef.name!), e.valueFrom.configMapKeyRef.key!);
    else if (e.valueFrom?.secretKeyRef) env[e.name] = mustKey(find(objects, 'Secret', e.valueFrom.secretKeyRef.name!), e.valueFrom.secretKeyRef.key!);
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = pod.podName;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = pod.owner.metadata.namespace ?? 'default';
    else throw new Error(`${pod.id} ${c.name}: env ${e.name} has a source this test support does not read`);
  }
  return env;
}

function mustKey(o: K8sObject, key: string): string {
  const v = dataOf(o)[key];
  if (v === undefined) throw new Error(`${o.kind}/${o.metadata.name} has no key ${key}`);
  return v;
}

/** The ConfigMap or Secret a volume mount shows, with the files it holds (by path under the mount). */
export function mountedFiles(c: Container, pod: PodTemplate, objects: K8sObject[]): { mountPath: string; source: K8sObject; files: Record<string, string>; mode: number }[] {
  const out = [];
  for (const m of c.volumeMounts ?? []) {
    const v = (pod.spec.volumes ?? []).find((x) => x.name === m.name);
    const claims = ((pod.owner.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] }).volumeClaimTemplates ?? []).map((t) => t.metadata.name);
    if (!v && claims.includes(m.name)) continue; // a persistent volume of a StatefulSet
    if (!v) throw new Error(`${pod.id} ${c.name}: volumeMount ${m.name} has no volume`);
    const ref = v.configMap ? { kind: 'ConfigMap', name: v.configMap.name, items: v.configMap.items, mode: v.configMap.defaultMode } : v.secret ? { kind: 'Secret', name: v.secret.secretName, items: v.secret.items, mode: v.secret.defaultMode } : undefined;
    if (!ref) continue;
    const source = find(objects, ref.kind, ref.name);
    const data = dataOf(source);
    const files: Record<string, string> = {};
    if (ref.items) for (const i of ref.items) files[i.path] = mustKey(source, i.key);
    else Object.assign(files, data);
    out.push({ mountPath: m.mountPath, source, files, mode: ref.mode ?? 0o644 });
  }
  return out;
}

/** Where a container mounts emptyDir volumes (scratch space the pod may write). */
export function emptyDirMounts(c: Container, pod: PodTemplate): string[] {
  return (c.volumeMounts ?? []).filter((m) => (pod.spec.volumes ?? []).find((v) => v.name === m.name)?.emptyDir !== undefined).map((m) => m.mountPath);
}

/**
 * Writes a container's ConfigMap and Secret volumes under `root` (root + mountPath), owned by `fsGroup` as
 * the kubelet makes them, creates its emptyDir volumes there writable by the pod's user, and returns a function
 * that maps an in-pod path to where it is on this machine.
 */
export function materializeVolumes(c: Container, pod: PodTemplate, objects: K8sObject[], root: string): (inPod: string) => string {
  const mounts = mountedFiles(c, pod, objects);
  const fsGroup = pod.spec.securityContext?.fsGroup as number | undefined;
  const runAs = (pod.spec.securityContext?.runAsUser as number | undefined) ?? 1000;
  const scratch = emptyDirMounts(c, pod);
  for (const mountPath of scratch) {
    const dir = join(root, mountPath);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o770);
    if (process.getuid?.() === 0) chownSync(dir, runAs, fsGroup ?? runAs);
  }
  for (const m of mounts) {
    const dir = join(root, m.mountPath);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    for (const [name, text] of Object.entries(m.files)) {
      const p = join(dir, name);
      writeFileSync(p, text);
      chmodSync(p, m.mode);
      if (fsGroup !== undefined && process.getuid?.() === 0) chownSync(p, 0, fsGroup);
    }
  }
  const mapped = [...mounts.map((m) => m.mountPath), ...scratch];
  return (inPod) => {
    const m = mapped.find((x) => inPod === x || inPod.startsWith(`${x}/`));
    return m ? join(root, inPod) : inPod;
  };
}
