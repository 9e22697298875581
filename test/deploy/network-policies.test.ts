/**
 * Network segmentation as rendered: every pod is covered by a NetworkPolicy in both directions, and the
 * connections the design allows are exactly those the policies allow — edges from the ingress controller only,
 * connectors out to NATS and SMPP only, callback workers out to NATS, the database and webhook receivers on the
 * internet only, the database from the roles that use it, NATS from the gateway.
 */
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/gateway.js';
import { dataOf, podTemplates } from '../support/k8s-pods.js';
import { renderOverlay, type Overlay } from '../support/kustomize.js';
import { createEvaluator, foreignPod, podPeer, type Peer } from '../support/network-policy.js';

const NS = 'smsmesh';
const INTERNET: Peer = { kind: 'external', ip: '203.0.113.10' };
/** Cloud providers' instance metadata: never a webhook receiver, and the first thing a forged callback URL aims at. */
const METADATA: Peer = { kind: 'external', ip: '169.254.169.254' };
/** Inside the placeholder CIDR of the production database's egress rule (patches/database-egress.yaml). */
const EXTERNAL_DB: Peer = { kind: 'external', ip: '10.20.30.40' };
const ingressController = foreignPod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
const prometheus = foreignPod('monitoring', { 'app.kubernetes.io/name': 'prometheus' });
const stranger = foreignPod('default', { app: 'something-else' });
const dns = foreignPod('kube-system', { 'k8s-app': 'kube-dns' });

const tmp = tempDir('smsmesh-netpol-');
afterAll(() => tmp.remove());

describe.each(['dev', 'prod'] as Overlay[])('overlays/%s', (overlay) => {
  const objects = renderOverlay(overlay, join(tmp.path, overlay));
  const templates = podTemplates(objects);
  const np = createEvaluator(objects);
  const pod = (id: string): Peer => {
    const t = templates.find((p) => p.id === id);
    if (!t) throw new Error(`no ${id}`);
    return podPeer(t, NS);
  };
  const edge = pod('Deployment/smsmesh-edge');
  const connector = pod('Deployment/smsmesh-connector');
  const writer = pod('Deployment/smsmesh-status-writer');
  const callbacks = pod('Deployment/smsmesh-callbacks');
  const migrate = pod('Job/smsmesh-migrate');
  const nats = pod('StatefulSet/nats');
  const database = overlay === 'dev' ? pod('StatefulSet/postgres') : EXTERNAL_DB;
  const config = parseYaml(dataOf(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('smsmesh-config-'))!)['smsmesh.yaml']!) as {
    carriers: { smpp: { host: string; port: number } }[];
  };
  /** Where each configured carrier's SMSC is: a pod of the overlay, or outside the cluster. */
  const smscs = config.carriers.map((c) => {
    const t = templates.find((p) => p.labels['app.kubernetes.io/name'] === c.smpp.host);
    return { peer: t ? podPeer(t, NS) : INTERNET, port: c.smpp.port };
  });

  it('covers every pod with policies for both directions', () => {
    for (const t of templates) expect(np.covered(podPeer(t, NS)), t.id).toEqual({ ingress: true, egress: true });
  });

  it('lets every pod resolve names', () => {
    for (const t of templates) {
      expect(np.allowed(podPeer(t, NS), dns, 53), t.id).toBe(true);
    }
  });

  it('reaches edges from the ingress controller (and Prometheus) only', () => {
    expect(np.allowed(ingressController, edge, 8080)).toBe(true);
    expect(np.allowed(prometheus, edge, 8080)).toBe(true);
    expect(np.allowed(stranger, edge, 8080)).toBe(false);
    expect(np.allowed(connector, edge, 8080)).toBe(false);
    for (const target of [connector, writer, callbacks, nats, ...(overlay === 'dev' ? [database] : [])]) {
      for (const port of [4222, 5432, 9101, 9102, 9103, 2775]) expect(np.allowed(ingressController, target, port)).toBe(false);
    }
  });

  it('lets connectors open NATS and their carriers SMPP, and nothing else', () => {
    expect(np.allowed(connector, nats, 4222)).toBe(true);
    for (const s of smscs) expect(np.allowed(connector, s.peer, s.port), `carrier at ${s.port}`).toBe(true);
    expect(np.allowed(connector, database, 5432)).toBe(false);
    expect(np.allowed(connector, INTERNET, 443)).toBe(false);
    expect(np.allowed(connector, INTERNET, 80)).toBe(false);
    // A carrier reached over IPv6, on the SMPP ports only.
    const v6Carrier: Peer = { kind: 'external', ip: '2001:db8:5::25' };
    if (overlay !== 'dev') expect(np.allowed(connector, v6Carrier, 2775)).toBe(true);
    expect(np.allowed(connector, v6Carrier, 443)).toBe(false);
    expect(np.allowed(connector, edge, 8080)).toBe(false);
    expect(np.allowed(prometheus, connector, 9101)).toBe(true);
    expect(np.allowed(stranger, connector, 9101)).toBe(false);
  });

  it('lets callback workers open NATS, the database and webhook receivers on the internet, and nothing else', () => {
    expect(np.allowed(callbacks, nats, 4222)).toBe(true);
    expect(np.allowed(callbacks, database, 5432)).toBe(true);
    // Callback URLs are the clients' own: any address outside the cluster, on the web's ports.
    for (const ip of ['203.0.113.10', '198.51.100.7', '8.8.8.8', '2001:db8::10', '2606:4700::1111']) {
      for (const port of [443, 80]) expect(np.allowed(callbacks, { kind: 'external', ip }, port), `${ip}:${port}`).toBe(true);
    }
    expect(np.allowed(callbacks, METADATA, 80)).toBe(false);
    expect(np.allowed(callbacks, METADATA, 443)).toBe(false);
    // The IPv6 metadata address (unique-local) and link-local.
    for (const ip of ['fd00:ec2::254', 'fe80::1']) expect(np.allowed(callbacks, { kind: 'external', ip }, 80), ip).toBe(false);
    expect(np.allowed(callbacks, INTERNET, 2775)).toBe(false);
    expect(np.allowed(callbacks, INTERNET, 5432)).toBe(false);
    for (const [target, port] of [[edge, 8080], [connector, 9101], [writer, 9102], [nats, 6222], [nats, 8222]] as const) {
      expect(np.allowed(callbacks, target, port)).toBe(false);
    }
    if (overlay === 'dev') expect(np.allowed(callbacks, pod('Deployment/smsc-sim'), 2775)).toBe(false);
    expect(np.allowed(prometheus, callbacks, 9103)).toBe(true);
    expect(np.allowed(stranger, callbacks, 9103)).toBe(false);
    expect(np.allowed(edge, callbacks, 9103)).toBe(false);
  });

  it('reaches the database from the roles that use it only', () => {
    for (const user of [edge, writer, callbacks, migrate]) expect(np.allowed(user, database, 5432)).toBe(true);
    expect(np.allowed(connector, database, 5432)).toBe(false);
    expect(np.allowed(nats, database, 5432)).toBe(false);
    if (overlay === 'dev') expect(np.allowed(stranger, database, 5432)).toBe(false);
  });

  it('reaches NATS from the gateway roles, and its routes from the other NATS pods only', () => {
    for (const client of [edge, connector, writer, callbacks]) expect(np.allowed(client, nats, 4222)).toBe(true);
    expect(np.allowed(migrate, nats, 4222)).toBe(false);
    expect(np.allowed(stranger, nats, 4222)).toBe(false);
    expect(np.allowed(prometheus, nats, 8222)).toBe(true);
    expect(np.allowed(edge, nats, 6222)).toBe(false);
    expect(np.allowed(nats, nats, 6222)).toBe(overlay === 'prod');
  });

  it('sends nothing from the gateway anywhere else', () => {
    for (const p of [edge, writer, migrate]) {
      expect(np.allowed(p, INTERNET, 443)).toBe(false);
      expect(np.allowed(p, INTERNET, 2775)).toBe(false);
    }
    expect(np.allowed(edge, connector, 9101)).toBe(false);
    if (overlay === 'dev') {
      const sim = pod('Deployment/smsc-sim');
      expect(np.allowed(edge, sim, 2775)).toBe(false);
      expect(np.allowed(sim, INTERNET, 443)).toBe(false);
    }
  });
});
