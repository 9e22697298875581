/**
 * Decides, from rendered NetworkPolicy objects, whether a connection would be allowed, the way Kubernetes
 * defines it: a pod selected by some policy of a direction accepts only what one of them allows; ports may be
 * named (the destination pod's container port names); ipBlock is taken to match addresses outside the
 * cluster only (for pod addresses the API leaves it to the implementation).
 */
import { BlockList, isIP } from 'node:net';
import type { K8sObject } from './kustomize.js';
import { selects, type LabelSelector, type PodTemplate } from './k8s-pods.js';

export type Peer =
  | { kind: 'pod'; namespace: string; namespaceLabels: Record<string, string>; labels: Record<string, string>; ports: { name?: string; containerPort: number }[] }
  | { kind: 'external'; ip: string };

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface Rule {
  ports?: { protocol?: string; port?: number | string }[];
  to?: PolicyPeer[];
  from?: PolicyPeer[];
}

interface Policy {
  namespace: string;
  podSelector: LabelSelector;
  types: string[];
  ingress: Rule[];
  egress: Rule[];
}

/** An address in a CIDR of the same family (IPv4 or IPv6); an address never matches the other family's CIDRs. */
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/') as [string, string];
  const family = isIP(base) === 6 ? 'ipv6' : 'ipv4';
  if ((isIP(ip) === 6 ? 'ipv6' : 'ipv4') !== family) return false;
  const block = new BlockList();
  block.addSubnet(base, Number(bits), family);
  return block.check(ip, family);
}

/** An empty selector ({}) selects everything; an absent one nothing. */
function selectsAll(sel: LabelSelector | undefined, labels: Record<string, string>): boolean {
  return sel !== undefined && (Object.keys(sel).length === 0 || selects(sel, labels));
}

export function readPolicies(objects: K8sObject[]): Policy[] {
  return objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => {
      const spec = o.spec as { podSelector: LabelSelector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };
      return {
        namespace: o.metadata.namespace ?? 'default',
        podSelector: spec.podSelector,
        types: spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])],
        ingress: spec.ingress ?? [],
        egress: spec.egress ?? [],
      };
    });
}

function peerMatches(p: PolicyPeer, policyNs: string, other: Peer): boolean {
  if (p.ipBlock) return other.kind === 'external' && inCidr(other.ip, p.ipBlock.cidr) && !(p.ipBlock.except ?? []).some((e) => inCidr(other.ip, e));
  if (other.kind !== 'pod') return false;
  const nsOk = p.namespaceSelector ? selectsAll(p.namespaceSelector, other.namespaceLabels) : other.namespace === policyNs;
  const podOk = p.podSelector ? selectsAll(p.podSelector, other.labels) : true;
  return nsOk && podOk;
}

function portMatches(rule: Rule, port: number, dst: Peer): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== 'TCP') return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return p.port === port;
    return dst.kind === 'pod' && dst.ports.some((cp) => cp.name === p.port && cp.containerPort === port);
  });
}

export function createEvaluator(objects: K8sObject[]) {
  const policies = readPolicies(objects);
  const selecting = (pod: Peer, type: 'Ingress' | 'Egress') =>
    pod.kind === 'pod' ? policies.filter((p) => p.namespace === pod.namespace && p.types.includes(type) && selectsAll(p.podSelector, pod.labels)) : [];

  return {
    /** Whether src may open a TCP connection to dst:port. */
    allowed(src: Peer, dst: Peer, port: number): boolean {
      const egress = selecting(src, 'Egress');
      const out =
        egress.length === 0 ||
        egress.some((p) => p.egress.some((r) => (r.to === undefined || r.to.some((peer) => peerMatches(peer, p.namespace, dst))) && portMatches(r, port, dst)));
      const ingress = selecting(dst, 'Ingress');
      const inn =
        ingress.length === 0 ||
        ingress.some((p) => p.ingress.some((r) => (r.from === undefined || r.from.some((peer) => peerMatches(peer, p.namespace, src))) && portMatches(r, port, dst)));
      return out && inn;
    },
    /** Whether some policy of each direction selects the pod (it is not open by default). */
    covered(pod: Peer): { ingress: boolean; egress: boolean } {
      return { ingress: selecting(pod, 'Ingress').length > 0, egress: selecting(pod, 'Egress').length > 0 };
    },
  };
}

export function podPeer(t: PodTemplate, namespace: string): Peer {
  return {
    kind: 'pod',
    namespace,
    namespaceLabels: { 'kubernetes.io/metadata.name': namespace },
    labels: t.labels,
    ports: t.spec.containers.flatMap((c) => c.ports ?? []),
  };
}

/** A pod of another namespace (ingress controller, Prometheus, DNS). */
export function foreignPod(namespace: string, labels: Record<string, string> = {}): Peer {
  return { kind: 'pod', namespace, namespaceLabels: { 'kubernetes.io/metadata.name': namespace }, labels, ports: [] };
}
