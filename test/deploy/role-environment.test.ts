/**
 * Each gateway container of each overlay gets what its role reads and nothing else: environment variables
 * (from the environment schema, by the role table in internal/app/role-needs.ts), the config file, and the
 * secret files its role resolves. The config loads with the pod's own files, as the process will load it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { envRead, planDatabase, ROLE_NEEDS, ROLES, type Command, type Role } from '../../internal/app/role-needs.js';
import { ENV_VARS, loadConfig } from '../../internal/config/load.js';
import type { SecretKind } from '../../internal/config/secret-files.js';
import { tempDir } from '../support/gateway.js';
import { containerEnv, dataOf, find, materializeVolumes, mountedFiles, podTemplates, selects, type Container, type PodTemplate } from '../support/k8s-pods.js';
import { renderOverlay, type K8sObject, type Overlay } from '../support/kustomize.js';

const COMMANDS = Object.keys(ROLE_NEEDS) as Command[];
/** Where each kind of secret is named in the config file. */
const SECRET_FIELDS: Record<SecretKind, (cfg: RawConfig) => string[]> = {
  apiKeys: (c) => (c.clients ?? []).map((x) => x.apiKeyFile).filter((f): f is string => !!f),
  smppPasswords: (c) => (c.carriers ?? []).map((x) => x.smpp?.passwordFile).filter((f): f is string => !!f),
  webhookSecrets: (c) => (c.clients ?? []).map((x) => x.webhookSecretsFile).filter((f): f is string => !!f),
};
/** The Secret (k8s/base/kustomization.yaml) that holds each kind. */
const SECRET_OF_KIND: Record<SecretKind, string> = {
  apiKeys: 'smsmesh-api-keys',
  smppPasswords: 'smsmesh-smpp',
  webhookSecrets: 'smsmesh-webhook-secrets',
};
interface RawConfig {
  clients?: { apiKeyFile?: string; webhookSecretsFile?: string; webhookSecrets?: string[] }[];
  carriers?: { smpp?: { host: string; port: number; passwordFile?: string } }[];
}

interface GatewayContainer {
  pod: PodTemplate;
  container: Container;
  command: Command;
}

function gatewayContainers(objects: K8sObject[]): GatewayContainer[] {
  return podTemplates(objects).flatMap((pod) =>
    pod.spec.containers
      .filter((c) => /(^|\/)smsmesh:/.test(c.image))
      .map((container) => {
        const command = container.args?.[0] as Command;
        return { pod, container, command };
      }),
  );
}

const tmp = tempDir('smsmesh-role-env-');
afterAll(() => tmp.remove());

describe.each(['dev', 'prod'] as Overlay[])('overlays/%s', (overlay) => {
  const objects = renderOverlay(overlay, join(tmp.path, overlay));
  const gateway = gatewayContainers(objects);

  it('runs every role from the production image, each in its own workload', () => {
    // From the role table, so that a role added to the code without a workload here fails.
    expect(gateway.map((g) => g.command).sort()).toEqual([...ROLES, 'migrate'].sort());
    for (const g of gateway) expect(COMMANDS, `${g.pod.id} args ${JSON.stringify(g.container.args)}`).toContain(g.command);
  });

  describe.each([...ROLES, 'migrate'] as Command[])('%s', (command) => {
    const g = () => gateway.find((x) => x.command === command)!;
    const env = () => containerEnv(g().container, objects, g().pod);

    it('sets only variables the code reads, and only those its role reads', () => {
      const set = Object.keys(env());
      for (const v of set) expect(ENV_VARS, `${v} is not a variable smsmesh reads (internal/config/load.ts)`).toContain(v);
      const read = command === 'migrate' ? new Set(ROLE_NEEDS.migrate.env) : envRead(new Set([command as Role]), planDatabase(new Set([command as Role]), false, env().DATABASE_URL));
      for (const v of set) expect(read.has(v as never), `${command} does not read ${v}`).toBe(true);
    });

    it('sets what the role needs and has no cluster default for', () => {
      const e = env();
      const needs = ROLE_NEEDS[command];
      if (needs.database !== 'none') expect(e.DATABASE_URL, 'DATABASE_URL').toMatch(/^postgres:\/\//);
      if (command === 'migrate') return;
      expect(e.NATS_URL).toMatch(/^nats:\/\//);
      expect(e.SMSMESH_CONFIG).toMatch(/^\//);
      const ports = new Map((g().container.ports ?? []).map((p) => [p.name, p.containerPort]));
      if (command === 'edge') expect(Number(e.PORT)).toBe(ports.get('http'));
      else {
        expect(Number(e.METRICS_PORT)).toBe(ports.get('metrics'));
        // The role's default, so the port the README and the other layouts name holds on Kubernetes too.
        expect(Number(e.METRICS_PORT)).toBe(ROLE_NEEDS[command].metricsPort);
      }
    });

    it('points NATS_URL, DATABASE_URL and the carriers at Services of the overlay (or outside the cluster)', () => {
      const e = env();
      const services = objects.filter((o) => o.kind === 'Service');
      const check = (host: string, port: number, what: string) => {
        if (host.includes('.')) return; // outside the cluster (the external PostgreSQL, a carrier's SMSC)
        const svc = services.find((s) => s.metadata.name === host);
        expect(svc, `${what}: no Service ${host}`).toBeDefined();
        const spec = svc!.spec as { ports: { port: number }[]; selector: Record<string, string> };
        expect(spec.ports.map((p) => p.port), `${what}: Service ${host}`).toContain(port);
        expect(podTemplates(objects).some((p) => selects({ matchLabels: spec.selector }, p.labels)), `${what}: Service ${host} has no pods`).toBe(true);
      };
      for (const u of (e.NATS_URL ?? '').split(',').filter(Boolean)) check(new URL(u).hostname, Number(new URL(u).port || 4222), 'NATS_URL');
      if (e.DATABASE_URL) check(new URL(e.DATABASE_URL).hostname, Number(new URL(e.DATABASE_URL).port || 5432), 'DATABASE_URL');
      if (command === 'connector') {
        const cfg = parseYaml(readConfigText(g())) as RawConfig;
        for (const c of cfg.carriers ?? []) check(c.smpp!.host, c.smpp!.port, 'carrier SMSC');
      }
    });

    it('mounts the config file and exactly the secrets its role reads; the config loads from them', () => {
      if (command === 'migrate') {
        expect(g().container.volumeMounts ?? []).toEqual([]);
        return;
      }
      const root = join(tmp.path, overlay, command);
      const toHost = materializeVolumes(g().container, g().pod, objects, root);
      const e = env();
      const raw = parseYaml(readConfigText(g())) as RawConfig;
      const kinds = ROLE_NEEDS[command].secrets;
      const wanted = new Set([e.SMSMESH_CONFIG!, ...kinds.flatMap((k) => SECRET_FIELDS[k](raw))]);
      const mounted = mountedFiles(g().container, g().pod, objects).flatMap((m) => Object.keys(m.files).map((f) => `${m.mountPath}/${f}`));
      expect(mounted.sort()).toEqual([...wanted].sort());

      // The config with in-pod paths moved under `root`, loaded as the process loads it.
      const configPath = toHost(e.SMSMESH_CONFIG!);
      let text = readFileSync(configPath, 'utf8');
      for (const m of mountedFiles(g().container, g().pod, objects)) text = text.replaceAll(`${m.mountPath}/`, `${toHost(m.mountPath)}/`);
      writeFileSync(configPath, text);
      const config = loadConfig({ ...e, SMSMESH_CONFIG: configPath }, { secrets: kinds });
      const fileText = (inPod: string) => readFileSync(toHost(inPod), 'utf8').replace(/\r?\n$/, '');
      raw.clients?.forEach((c, i) => {
        if (kinds.includes('apiKeys') && c.apiKeyFile) expect(config.clients[i]!.apiKey).toBe(fileText(c.apiKeyFile));
        else expect(config.clients[i]!.apiKey, 'an API key this role does not read').toMatch(/^withheld-/);
        if (!c.webhookSecretsFile) return;
        if (kinds.includes('webhookSecrets')) {
          const inFile = fileText(c.webhookSecretsFile).split('\n').map((l) => l.trim()).filter(Boolean);
          expect(inFile.length, c.webhookSecretsFile).toBeGreaterThan(0);
          expect(config.clients[i]!.webhookSecrets).toEqual(inFile);
        } else {
          // Not mounted here: the process never looked for the file, and holds none of the Secrets' values.
          const everySecret = objects.filter((o) => o.kind === 'Secret').flatMap((o) => Object.values(dataOf(o))).join('\n');
          for (const x of config.clients[i]!.webhookSecrets) expect(everySecret, 'webhook secrets this role does not read').not.toContain(x);
        }
      });
      raw.carriers?.forEach((c, i) => {
        if (kinds.includes('smppPasswords') && c.smpp?.passwordFile) expect(config.carriers[i]!.smpp.password).toBe(fileText(c.smpp.passwordFile));
      });
    });
  });

  function readConfigText(g: GatewayContainer): string {
    const path = containerEnv(g.container, objects, g.pod).SMSMESH_CONFIG!;
    const m = mountedFiles(g.container, g.pod, objects).find((x) => path.startsWith(`${x.mountPath}/`))!;
    return m.files[path.slice(m.mountPath.length + 1)]!;
  }

  it('keeps secrets out of the ConfigMaps', () => {
    for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
      const text = JSON.stringify(cm.data);
      // A webhook secret by its value, however the YAML around it is written (flow list, block list, quoted).
      expect(text, cm.metadata.name).not.toMatch(/apiKey:|password:|whsec_[A-Za-z0-9+/]|postgres:\/\/[^@\s]+:[^@\s]+@/);
      const raw = cm.metadata.name.startsWith('smsmesh-config-') ? (parseYaml(dataOf(cm)['smsmesh.yaml']!) as RawConfig) : {};
      for (const c of raw.clients ?? []) expect(c.webhookSecrets ?? [], `${cm.metadata.name}: webhookSecrets inline; use webhookSecretsFile`).toEqual([]);
    }
    expect(find(objects, 'Namespace', 'smsmesh')).toBeDefined();
  });

  it('gives each kind of secret to the roles that read it and to no other pod', () => {
    for (const pod of podTemplates(objects)) {
      const secrets = [
        ...(pod.spec.volumes ?? []).map((v) => v.secret?.secretName),
        ...pod.spec.containers.flatMap((c) => [...(c.envFrom ?? []).map((e) => e.secretRef?.name), ...(c.env ?? []).map((e) => e.valueFrom?.secretKeyRef?.name)]),
      ];
      const commands = gateway.filter((g) => g.pod.id === pod.id).map((g) => g.command);
      for (const [kind, name] of Object.entries(SECRET_OF_KIND) as [SecretKind, string][]) {
        const given = secrets.some((s) => s?.startsWith(`${name}-`));
        // The dev overlay's SMSC simulator is the other end of the bind: it checks the SMPP password.
        if (kind === 'smppPasswords' && commands.length === 0 && pod.id === 'Deployment/smsc-sim') continue;
        const reads = commands.some((c) => ROLE_NEEDS[c].secrets.includes(kind));
        expect(given, `${pod.id} ${reads ? 'lacks' : 'is given'} Secret ${name} (${kind})`).toBe(reads);
      }
    }
  });
});
