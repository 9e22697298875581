/**
 * Renders the k8s/ overlays with `kubectl kustomize` (offline) into plain objects. The production overlay
 * reads its secrets from files that are never committed: it is rendered from a copy of k8s/ with stand-in
 * secret files, named by its own kustomization.yaml.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { ROOT } from './gateway.js';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

const KUBECTL_HINT =
  'kubectl (1.32, with kustomize 5.5) renders the k8s/ overlays in these tests and is expected at /usr/bin/kubectl or on PATH. ' +
  'Install it: curl -LO https://dl.k8s.io/release/v1.32.4/bin/linux/amd64/kubectl && install -m 0755 kubectl /usr/local/bin/kubectl ' +
  '(or the kubectl package from pkgs.k8s.io).';

/** The kubectl binary; a missing one fails the test that needs it, saying how to install it. */
export function kubectl(): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/bin', '/usr/local/bin')) {
    const p = join(dir, 'kubectl');
    if (dir && existsSync(p)) return p;
  }
  throw new Error(`kubectl not found. ${KUBECTL_HINT}`);
}

export function kustomize(dir: string): { ok: true; objects: K8sObject[] } | { ok: false; error: string } {
  const r = spawnSync(kubectl(), ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return { ok: false, error: `${r.stderr}${r.error ? String(r.error) : ''}` };
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject | null);
  return { ok: true, objects: docs.filter((d): d is K8sObject => d !== null) };
}

export function render(dir: string): K8sObject[] {
  const r = kustomize(dir);
  if (!r.ok) throw new Error(`kubectl kustomize ${dir} failed:\n${r.error}`);
  return r.objects;
}

/** A value the gateway accepts for a secret a test has to make up: a database URL, an SMPP password, webhook secrets or an API key. */
function standInSecret(key: string, file: string): string {
  if (key === 'DATABASE_URL') return 'postgres://smsmesh:stand-in@postgres.example.net:5432/smsmesh';
  if (file.includes('smpp')) return 'standin1';
  // Two, as during a rotation.
  if (file.includes('webhook')) return `whsec_${Buffer.from('stand-in-webhook-secret-0123456789').toString('base64')}\nwhsec_${Buffer.from('stand-in-webhook-secret-abcdefghij').toString('base64')}`;
  return 'stand-in-api-key-0123456789abcdef';
}

/** The `files:` entries of an overlay's secretGenerator: [key, file relative to the overlay]. */
export function secretFiles(overlayDir: string): [string, string][] {
  const k = parseYaml(readFileSync(join(overlayDir, 'kustomization.yaml'), 'utf8')) as {
    secretGenerator?: { files?: string[] }[];
  };
  return (k.secretGenerator ?? []).flatMap((g) => (g.files ?? []).map((f): [string, string] => {
    const [key, file] = f.includes('=') ? (f.split('=') as [string, string]) : [f.split('/').pop()!, f];
    return [key, file];
  }));
}

/** Renders overlays/prod from a copy of k8s/ in `tmp`, with a stand-in value in every secret file it names. */
export function renderProd(tmp: string): K8sObject[] {
  const copy = join(tmp, 'k8s');
  cpSync(join(ROOT, 'k8s'), copy, { recursive: true });
  const overlay = join(copy, 'overlays', 'prod');
  for (const [key, file] of secretFiles(overlay)) writeFileSync(join(overlay, file), `${standInSecret(key, file)}\n`);
  return render(overlay);
}

export type Overlay = 'dev' | 'prod';

/** An overlay, rendered (prod from a copy in `tmp` with stand-in secrets). */
export function renderOverlay(overlay: Overlay, tmp: string): K8sObject[] {
  return overlay === 'prod' ? renderProd(tmp) : render(join(ROOT, 'k8s', 'overlays', overlay));
}
