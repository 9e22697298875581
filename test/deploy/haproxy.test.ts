/**
 * haproxy/haproxy.cfg: valid for `haproxy -c` (with a certificate where it expects one), and, run for real in
 * front of two edges, it exposes only the API, and an edge stopped with SIGTERM leaves the rotation through its
 * /readyz before it closes: no request in a steady stream fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, ROOT, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { freePort } from '../support/ports.js';
import { logChildOutput } from '../../tools/shared/child-log.js';

const CONFIG = join(ROOT, 'haproxy', 'haproxy.cfg');
const API_KEY = 'haproxy-key-0123456789abcdef';

function haproxyBinary(): string {
  for (const p of ['/usr/sbin/haproxy', '/usr/bin/haproxy']) if (spawnSync(p, ['-v']).status === 0) return p;
  throw new Error('haproxy not found: `make test` installs it (scripts/ensure-test-services.sh), or apt-get install haproxy');
}

/** The shipped config with its certificate, socket, listen addresses and servers moved to this test's. */
function localConfig(dir: string, o: { http: number; https: number; stats: number; edges: number[] }): string {
  let text = readFileSync(CONFIG, 'utf8')
    .replace(/ crt \S+/, ` crt ${join(dir, 'smsmesh.pem')}`)
    .replace(/stats socket \S+/, `stats socket ${join(dir, 'admin.sock')}`)
    .replace(/bind :80\b/, `bind 127.0.0.1:${o.http}`)
    .replace(/bind :443\b/, `bind 127.0.0.1:${o.https}`)
    .replace('bind 127.0.0.1:8404', `bind 127.0.0.1:${o.stats}`)
    // 20,000 connections need ~40,000 descriptors; a test machine's hard limit may be lower than a VM's.
    .replace(/^(\s*)maxconn 20000$/m, '$1maxconn 2000');
  const servers = o.edges.map((port, i) => `    server edge${i + 1} 127.0.0.1:${port}`).join('\n');
  text = text.replace(/(    server edge\d+ [^\n]+\n)+/, `${servers}\n`);
  const path = join(dir, 'haproxy.cfg');
  writeFileSync(path, text);
  return path;
}

function selfSignedPem(dir: string): void {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', key, '-out', cert, '-days', '1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  writeFileSync(join(dir, 'smsmesh.pem'), readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
}

function https(port: number, method: string, path: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, rejectUnauthorized: false, headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `show stat` on the admin socket: server name → status (UP, DOWN, …). */
function serverStatus(socket: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let out = '';
    const s = connect(socket, () => s.end('show stat\n'));
    s.on('data', (d) => (out += d.toString()));
    s.on('error', reject);
    s.on('close', () => {
      const lines = out.split('\n').filter((l) => l.startsWith('smsmesh_edges,edge'));
      resolve(Object.fromEntries(lines.map((l) => [l.split(',')[1]!, l.split(',')[17]!])));
    });
  });
}

describe('haproxy/haproxy.cfg', () => {
  const dir = tempDir('smsmesh-haproxy-');
  let haproxy: ChildProcess | undefined;
  let nats: TestNats;
  const edges: GatewayProcess[] = [];
  let ports: { http: number; https: number; stats: number };
  let localPath: string;

  beforeAll(async () => {
    haproxyBinary();
    selfSignedPem(dir.path);
    nats = await startTestNats();
    const configPath = writeConfig(dir.path, { apiKey: API_KEY, carriers: [{ id: 'uk', prefixes: ['+44'], port: await freePort() }], sections: { api: { drainDelayMs: 5000 } } });
    for (const name of ['edge1', 'edge2']) {
      edges.push(await spawnGateway({ entry: 'edge', configPath, natsUrl: nats.url, dataDir: dir.path, http: true, logDir: dir.path, name }));
    }
    ports = { http: await freePort(), https: await freePort(), stats: await freePort() };
    localPath = localConfig(dir.path, { ...ports, edges: edges.map((e) => e.port!) });
  });

  afterAll(async () => {
    if (haproxy && haproxy.exitCode === null) {
      haproxy.kill('SIGUSR1');
      await new Promise((r) => haproxy!.once('exit', r));
    }
    for (const e of edges) await e.stop();
    await nats?.destroy();
    dir.remove();
  });

  it('is valid for haproxy -c as shipped, given its certificate', () => {
    const asShipped = spawnSync(haproxyBinary(), ['-c', '-f', CONFIG], { encoding: 'utf8' });
    // The only thing missing on a machine without the deployment's files is the certificate itself.
    const alerts = asShipped.stderr.split('\n').filter((l) => l.includes('[ALERT]') && !/Error\(s\) found|Fatal errors/.test(l));
    expect(alerts.length).toBe(1);
    expect(alerts[0]).toMatch(/unable to stat SSL certificate from file '\/etc\/haproxy\/certs\/smsmesh\.pem'/);
    const r = spawnSync(haproxyBinary(), ['-c', '-f', localPath], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Configuration file is valid/);
  });

  it('exposes only the API, over TLS, with both edges in rotation by their /readyz', async () => {
    haproxy = spawn(haproxyBinary(), ['-db', '-f', localPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    logChildOutput(haproxy, join(dir.path, 'haproxy.log'));
    const socket = join(dir.path, 'admin.sock');
    await waitFor('both edges UP', async () => Object.values(await serverStatus(socket)).filter((s) => s === 'UP').length === 2, 20_000);
    expect(await https(ports.https, 'POST', '/v1/messages', JSON.stringify({ to: '+447700900123', from: 'ACME', text: 'via haproxy' }))).toBe(202);
    for (const path of ['/metrics', '/readyz', '/readyz/carriers', '/healthz']) expect(await https(ports.https, 'GET', path), path).toBe(404);
    expect(await https(ports.https, 'GET', '/openapi.json')).toBe(200);
    const plain = await fetch(`http://127.0.0.1:${ports.http}/v1/messages`, { redirect: 'manual' });
    expect(plain.status).toBe(301);
    expect(plain.headers.get('location')).toMatch(/^https:\/\//);
  });

  it('drains an edge stopped with SIGTERM without failing a request', async () => {
    const socket = join(dir.path, 'admin.sock');
    const statuses: number[] = [];
    let sending = true;
    const senders = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; sending; i++) {
        const to = `+44770${w}${String(i).padStart(6, '0')}`;
        statuses.push(await https(ports.https, 'POST', '/v1/messages', JSON.stringify({ to, from: 'ACME', text: 'drain' })).catch(() => -1));
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    const edge1 = edges[0]!;
    const exited = new Promise<number | null>((r) => edge1.child.once('exit', (c) => r(c)));
    edge1.child.kill('SIGTERM');
    // Out of the rotation (by its /readyz) while it still serves, before it closes.
    await waitFor('edge1 DOWN', async () => (await serverStatus(socket)).edge1 === 'DOWN', 5000, 100);
    expect(edge1.child.exitCode).toBeNull();
    expect(await exited).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    sending = false;
    await Promise.all(senders);
    expect(statuses.length).toBeGreaterThan(50);
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    expect((await serverStatus(socket)).edge2).toBe('UP');
  });
});
