/**
 * The stand-in for a cluster. The Dockerfile is replayed in a temporary folder (exactly what it copies,
 * `npm ci --omit=dev`, the build), so a runtime import of a development-only package or a file the image
 * lacks fails here. Then the rendered dev overlay runs as local processes: NATS from its StatefulSet's
 * config, this machine's PostgreSQL in place of the postgres StatefulSet, and every Deployment's and the Job's
 * container command with its rendered environment and mounted files, from the image folder, as the image's
 * user, with Service names and listen ports moved to local ones. Each role must become ready by its own
 * readiness probe, a message must be delivered end to end, and every role must stop within its grace period.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFlagsFor } from '../../internal/app/node-flags.js';
import { createReplay, type ImageLayout } from '../support/dockerfile-replay.js';
import { ROOT, tempDir, waitFor } from '../support/gateway.js';
import { containerEnv, dataOf, emptyDirMounts, expandVars, materializeVolumes, mountedFiles, podTemplates, selects, type Container, type PodTemplate, type Probe } from '../support/k8s-pods.js';
import { render, type K8sObject } from '../support/kustomize.js';
import { startNatsNodes, type NatsNode } from '../support/nats-from-config.js';
import { freePort } from '../support/ports.js';
import { createTestDatabase } from '../support/postgres.js';
import { logChildOutput } from '../../tools/shared/child-log.js';

const dir = tempDir('smsmesh-standin-');
// The image's user must be able to read (only read) what is in here.
chmodSync(dir.path, 0o755);
const asRoot = process.getuid?.() === 0;
let prod: ImageLayout;
let dev: ImageLayout;

/** Variables the replayed RUN steps need from this machine: paths, npm's cache and registry, proxies. */
function hostEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && (['PATH', 'HOME', 'TMPDIR'].includes(k) || /^npm_config_/i.test(k) || /_proxy$/i.test(k))) out[k] = v;
  }
  return out;
}

/** The layout cannot be written by the processes that run from it, as with the image's read-only root. */
function readOnlyFor(layout: ImageLayout): void {
  if (asRoot) return; // they run as uid 1000 and the files belong to root
  spawnSync('chmod', ['-R', 'a-w', layout.root]);
}

afterAll(() => {
  if (!asRoot) spawnSync('chmod', ['-R', 'u+w', dir.path]);
  dir.remove();
});

/** A program of the image (its ENTRYPOINT's first word), run from the replayed folder. */
function imageProgram(layout: ImageLayout, argv: readonly string[]): { file: string; args: string[] } {
  const [program, ...rest] = argv;
  if (program === 'node') return { file: process.execPath, args: rest };
  // The image's start script: run from the replayed folder; it execs the node on PATH.
  if (program === 'sh' && rest[0]?.startsWith('/')) return { file: '/bin/sh', args: [join(layout.root, rest[0]), ...rest.slice(1)] };
  throw new Error(`${argv.join(' ')} is not how this image starts a process`);
}

function runAsImageUser(layout: ImageLayout, argv: string[]) {
  const [uid, gid] = (layout.user ?? '').split(':').map(Number);
  const { file, args } = imageProgram(layout, argv);
  return spawnSync(file, args, {
    cwd: layout.hostWorkdir,
    env: { ...layout.env, PATH: process.env.PATH },
    encoding: 'utf8',
    timeout: 30_000,
    ...(asRoot ? { uid, gid } : {}),
  });
}

describe('the image, replayed from the Dockerfile', () => {
  beforeAll(async () => {
    const replay = createReplay({ context: ROOT, workDir: join(dir.path, 'image'), hostEnv: hostEnv() });
    [prod, dev] = await Promise.all([replay('prod'), replay('dev')]);
    readOnlyFor(prod);
    readOnlyFor(dev);
  }, 900_000);

  it('runs on the Node major version of its base image, as this machine does', () => {
    expect(prod.baseImage).toMatch(/^node:\d+/);
    expect(Number(/^node:(\d+)/.exec(prod.baseImage)![1])).toBe(Number(process.versions.node.split('.')[0]));
    expect(prod.user).toBe('1000:1000');
    expect(prod.entrypoint).toEqual(['sh', '/app/bin/entrypoint.sh']);
  });

  it('holds production dependencies only, the compiled gateway, and no tests or tools', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const installed = JSON.parse(readFileSync(join(prod.hostWorkdir, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const devOnly = Object.keys(lock.packages).filter((p) => p.startsWith('node_modules/') && lock.packages[p]!.dev);
    expect(devOnly.length).toBeGreaterThan(0);
    for (const p of devOnly) expect(installed.packages[p], p).toBeUndefined();
    for (const name of Object.keys(pkg.devDependencies)) expect(installed.packages[`node_modules/${name}`], name).toBeUndefined();

    const files = spawnSync('find', ['dist', '-type', 'f'], { cwd: prod.hostWorkdir, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(files).toEqual(expect.arrayContaining(['dist/cmd/entrypoint.js', 'dist/cmd/edge.js', 'dist/cmd/migrate.js']));
    expect(files.filter((f) => /\.test\.|\/tools\/|smsc-sim/.test(f))).toEqual([]);
    expect(spawnSync('ls', [prod.hostWorkdir], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).sort()).toEqual(['bin', 'dist', 'drizzle', 'nats', 'node_modules', 'package.json']);
  });

  it('cannot be written by the image user (as the read-only root in Kubernetes), so every run below proves the roles write nothing there', () => {
    const r = runAsImageUser(prod, ['node', '-e', "require('node:fs').writeFileSync('probe', 'x')"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/EACCES/);
  });

  it('runs every command of the image as its user; the simulator only in the dev image', () => {
    for (const command of ['edge', 'connector', 'status-writer', 'callbacks', 'dlr-writer', 'migrate', 'all']) {
      const r = runAsImageUser(prod, [...prod.entrypoint, command, '--help']);
      expect(r.status, `${command}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/Usage:/);
    }
    const missing = runAsImageUser(prod, [...prod.entrypoint, 'smsc-sim', '--help']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/not in this image.*--target dev/);
    const sim = runAsImageUser(dev, [...dev.entrypoint, 'smsc-sim', '--help']);
    expect(sim.status, sim.stderr).toBe(0);
    expect(runAsImageUser(prod, prod.entrypoint).stdout).toMatch(/Commands: edge, connector, status-writer, migrate/);
  });
});

interface Running {
  id: string;
  child: ChildProcess;
  logFile: string;
  /** containerPort → the local port it listens on. */
  ports: Map<number, number>;
  exited: Promise<number | null>;
}

describe('overlays/dev as local processes', () => {
  let objects: K8sObject[];
  let templates: PodTemplate[];
  let natsNode: NatsNode;
  let db: { url: string; drop(): Promise<void> };
  const running: Running[] = [];
  /** Service host:port → local 127.0.0.1:port. */
  const services = new Map<string, string>();

  const log = (id: string) => join(dir.path, 'logs', `${id.replace('/', '-')}.log`);
  const tail = (r: Running) => readFileSync(r.logFile, 'utf8').split('\n').slice(-30).join('\n');
  /** Every role's state and last log lines: what a failure on a loaded CI machine needs to be read afterwards. */
  const everyRole = () =>
    running
      .map((r) => `--- ${r.id} (${r.child.exitCode !== null ? `exited ${r.child.exitCode}` : r.child.signalCode ? `killed by ${r.child.signalCode}` : 'running'}):\n${tail(r)}`)
      .join('\n');
  /** Runs a step; when it throws, the error carries every role's log tail. */
  async function withRoleLogs<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${everyRole()}`, { cause: err });
    }
  }

  /** Services of the overlay that select `t`, mapped to the local ports `t` listens on. */
  function publish(t: PodTemplate, ports: Map<number, number>): void {
    for (const svc of objects.filter((o) => o.kind === 'Service')) {
      const spec = svc.spec as { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] };
      if (!selects({ matchLabels: spec.selector }, t.labels)) continue;
      for (const p of spec.ports) {
        const cp = typeof p.targetPort === 'number' ? p.targetPort : t.spec.containers.flatMap((c) => c.ports ?? []).find((x) => x.name === p.targetPort)?.containerPort;
        const local = cp !== undefined ? ports.get(cp) : undefined;
        if (local !== undefined) services.set(`${svc.metadata.name}:${p.port}`, `127.0.0.1:${local}`);
      }
    }
  }

  /** In-cluster names and ports to local ones; in-pod paths to where the volumes were written. */
  function rewrite(value: string, own: Map<number, number>, toHost: (p: string) => string, mounts: string[]): string {
    if (/^postgres(ql)?:\/\//.test(value) && services.has(`${new URL(value).hostname}:${new URL(value).port || 5432}`)) return db.url;
    let v = value.replace(/\b([a-z0-9-]+)(?:\.smsmesh(?:\.svc(?:\.cluster\.local)?)?)?:(\d+)\b/g, (all, host: string, port: string) => services.get(`${host}:${port}`) ?? all);
    for (const m of mounts) v = v.replaceAll(`${m}/`, `${toHost(m)}/`).replace(new RegExp(`^${m}$`), toHost(m));
    if (v === '0.0.0.0') return '127.0.0.1';
    if (/^\d+$/.test(v) && own.has(Number(v))) return String(own.get(Number(v)));
    return v;
  }

  /** Starts one container of the image the way the kubelet would, from the replayed image folder. */
  async function startContainer(t: PodTemplate, c: Container): Promise<Running> {
    const image = c.image.replace(/^.*\//, '').split(':')[0];
    const layout = image === 'smsmesh' ? prod : image === 'smsmesh-dev' ? dev : undefined;
    if (!layout) throw new Error(`${t.id}: image ${c.image} is not built from this Dockerfile`);
    const own = new Map<number, number>();
    for (const p of c.ports ?? []) own.set(p.containerPort, await freePort());
    publish(t, own);
    const volumes = join(dir.path, 'volumes', t.id.replace('/', '-'));
    mkdirSync(volumes, { recursive: true });
    chmodSync(volumes, 0o755);
    const toHost = materializeVolumes(c, t, objects, volumes);
    const mounts = [...mountedFiles(c, t, objects).map((m) => m.mountPath), ...emptyDirMounts(c, t)];
    const podEnv = containerEnv(c, objects, t);
    const env: Record<string, string> = { ...layout.env, PATH: process.env.PATH ?? '' };
    for (const [k, v] of Object.entries(podEnv)) env[k] = rewrite(v, own, toHost, mounts);

    // The gateway config names SMSC hosts and ports apart: move them like the rest.
    if (env.SMSMESH_CONFIG) {
      let text = readFileSync(env.SMSMESH_CONFIG, 'utf8');
      for (const m of mounts) text = text.replaceAll(`${m}/`, `${toHost(m)}/`);
      const cfg = parseYaml(text) as { carriers: { smpp: { host: string; port: number } }[] };
      for (const carrier of cfg.carriers) {
        const local = services.get(`${carrier.smpp.host}:${carrier.smpp.port}`);
        if (local) carrier.smpp = { ...carrier.smpp, host: '127.0.0.1', port: Number(local.split(':')[1]) };
      }
      writeFileSync(env.SMSMESH_CONFIG, stringifyYaml(cfg));
    }
    const argv = [...(c.command ?? layout.entrypoint), ...(c.args ?? (c.command ? [] : layout.cmd))].map((a) => rewrite(expandVars(a, podEnv), own, toHost, mounts));
    const { file, args } = imageProgram(layout, argv);
    const uid = (t.spec.securityContext?.runAsUser as number | undefined) ?? 1000;
    const gid = (t.spec.securityContext?.runAsGroup as number | undefined) ?? uid;
    const child = spawn(file, args, { cwd: layout.hostWorkdir, env, stdio: ['ignore', 'pipe', 'pipe'], ...(asRoot ? { uid, gid } : {}) });
    const logFile = log(t.id);
    logChildOutput(child, logFile);
    const r: Running = { id: t.id, child, logFile, ports: own, exited: new Promise((res) => child.once('exit', (code) => res(code))) };
    running.push(r);
    return r;
  }

  async function probeOk(r: Running, c: Container, probe: Probe): Promise<boolean> {
    const portOf = (p: number | string) => (typeof p === 'number' ? p : (c.ports ?? []).find((x) => x.name === p)!.containerPort);
    if (probe.httpGet) {
      const res = await fetch(`http://127.0.0.1:${r.ports.get(portOf(probe.httpGet.port))}${probe.httpGet.path}`).catch(() => undefined);
      return res !== undefined && res.status >= 200 && res.status < 400;
    }
    if (probe.tcpSocket) {
      const port = r.ports.get(portOf(probe.tcpSocket.port))!;
      return new Promise((res) => {
        const s = createConnection({ host: '127.0.0.1', port }, () => (s.destroy(), res(true)));
        s.once('error', () => res(false));
      });
    }
    throw new Error(`${r.id}: a probe this test cannot run`);
  }

  beforeAll(async () => {
    mkdirSync(join(dir.path, 'logs'), { recursive: true });
    objects = render(join(ROOT, 'k8s', 'overlays', 'dev'));
    templates = podTemplates(objects);
    db = await createTestDatabase();
    // The postgres StatefulSet is this machine's PostgreSQL.
    const pg = templates.find((t) => t.id === 'StatefulSet/postgres')!;
    publish(pg, new Map([[5432, 5432]]));
    // NATS runs from its StatefulSet's config (nats-server is this machine's).
    const nt = templates.find((t) => t.id === 'StatefulSet/nats')!;
    const nc = nt.spec.containers[0]!;
    expect(nc.command?.slice(0, 1)).toEqual(['nats-server']);
    const confMount = mountedFiles(nc, nt, objects).find((m) => nc.command!.includes(`${m.mountPath}/nats.conf`))!;
    natsNode = (await startNatsNodes({ nodes: [{ main: 'nats.conf', files: confMount.files, env: containerEnv(nc, objects, nt) }], dir: join(dir.path, 'nats') }))[0]!;
    publish(nt, new Map([[4222, natsNode.clientPort], [8222, natsNode.monitorPort]]));
    const natsProbe = nc.readinessProbe!.httpGet!;
    await waitFor('NATS ready by its probe', async () => (await fetch(`http://127.0.0.1:${natsNode.monitorPort}${natsProbe.path}`)).ok, 15_000);
  }, 120_000);

  afterAll(async () => {
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await natsNode?.stop();
    await db?.drop();
  });

  it('runs the migration Job to completion', async () => {
    const job = templates.find((t) => t.id === 'Job/smsmesh-migrate')!;
    const r = await startContainer(job, job.spec.containers[0]!);
    const code = await Promise.race([r.exited, new Promise((res) => setTimeout(() => res('timeout'), 60_000))]);
    expect(code, tail(r)).toBe(0);
    expect(readFileSync(r.logFile, 'utf8')).toMatch(/"ok":true,"backend":"postgres"/);
  });

  it('brings every Deployment to ready by its own readiness probe', async () => {
    const deployments = templates.filter((t) => t.owner.kind === 'Deployment');
    expect(deployments.map((d) => d.id).sort()).toEqual(['Deployment/smsc-sim', 'Deployment/smsmesh-callbacks', 'Deployment/smsmesh-connector', 'Deployment/smsmesh-edge', 'Deployment/smsmesh-status-writer']);
    // The simulator first: its Service is in the connector's config.
    deployments.sort((a, b) => Number(b.id.includes('smsc-sim')) - Number(a.id.includes('smsc-sim')));
    for (const t of deployments) await startContainer(t, t.spec.containers[0]!);
    for (const t of deployments) {
      const c = t.spec.containers[0]!;
      const r = running.find((x) => x.id === t.id)!;
      for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe].filter((p): p is Probe => !!p)) {
        await withRoleLogs(() =>
          waitFor(`${t.id} probe ${JSON.stringify(probe.httpGet ?? probe.tcpSocket)}`, async () => {
            if (r.child.exitCode !== null) throw new Error(`${t.id} exited ${r.child.exitCode}`);
            return probeOk(r, c, probe);
          }, 60_000),
        );
      }
    }
  });

  it("starts each role with its Node flags, chosen by the image's start script", () => {
    const roles = running.filter((r) => r.id.startsWith('Deployment/smsmesh-'));
    expect(roles.length).toBe(4);
    for (const r of roles) {
      const command = templates.find((t) => t.id === r.id)!.spec.containers[0]!.args![0]!;
      const started = readFileSync(r.logFile, 'utf8')
        .split('\n')
        .flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as { nodeFlags?: string[] }] : []))
        .find((l) => l.nodeFlags !== undefined);
      expect(started?.nodeFlags, `${r.id}: its start log line`).toEqual(nodeFlagsFor(command));
    }
  });

  it('delivers a message end to end', async () => {
    const edge = running.find((r) => r.id === 'Deployment/smsmesh-edge')!;
    const base = `http://127.0.0.1:${edge.ports.get(8080)}`;
    // The dev client's key, from the Secret its apiKeyFile is mounted from.
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('smsmesh-config-'))!;
    const client = (parseYaml(dataOf(config)['smsmesh.yaml']!) as { clients: { apiKeyFile: string }[] }).clients[0]!;
    const keys = dataOf(objects.find((o) => o.kind === 'Secret' && o.metadata.name.startsWith('smsmesh-api-keys-'))!);
    const headers = { Authorization: `Bearer ${keys[client.apiKeyFile.split('/').pop()!]}`, 'Content-Type': 'application/json' };
    await withRoleLogs(() => waitFor('every carrier bound', async () => (await fetch(`${base}/readyz/carriers`)).ok, 30_000));
    const a = await fetch(`${base}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ to: '+447700900123', from: 'ACME', text: 'hello from the stand-in cluster' }) });
    expect(a.status, everyRole()).toBe(202);
    const { id } = (await a.json()) as { id: string };
    await withRoleLogs(() =>
      waitFor('delivered', async () => ((await (await fetch(`${base}/v1/messages/${id}`, { headers })).json()) as { status?: string }).status === 'delivered', 30_000, 250),
    );
  });

  it('stops every role within its grace period, each exiting 0', async () => {
    const deployments = running.filter((r) => r.id.startsWith('Deployment/'));
    const t0 = Date.now();
    const results = await Promise.all(
      deployments.map(async (r) => {
        const grace = templates.find((t) => t.id === r.id)!.spec.terminationGracePeriodSeconds ?? 30;
        r.child.kill('SIGTERM');
        const code = await Promise.race([r.exited, new Promise((res) => setTimeout(() => res('SIGKILL after grace'), grace * 1000))]);
        return { id: r.id, code, seconds: (Date.now() - t0) / 1000, grace };
      }),
    );
    for (const x of results) expect(x.code, `${x.id} after ${x.seconds}s (grace ${x.grace}s)\n${everyRole()}`).toBe(0);
  });
});
