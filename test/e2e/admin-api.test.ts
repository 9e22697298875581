/**
 * The admin API and scoped keys on real parts — the built gateway (all roles), a private nats-server, PostgreSQL and
 * the SMSC simulator over TCP: keys created, used and revoked at run time through `smsmesh keys` without a restart;
 * 403 for a key without the scope (HTTP and NATS); carriers with live binds; a paused carrier that keeps accepting,
 * submits nothing and drains after resume; drain; moving a paused carrier's backlog to another carrier (never a message
 * its SMSC may have taken); dead letters; clients' usage; a message's timeline; the audit log.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { pool, ROOT, spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';

const API_KEY = 'admin-api-test-key-0123456789';
const OPS_KEY = 'admin-api-ops-key-0123456789';
const READ_KEY = 'admin-api-reader-key-0123456789';

interface Carrier {
  id: string;
  state: string;
  backlog: number | null;
  ackPending: number | null;
  bindsUp: number;
  binds: { state: string; paused: boolean; window: number; tps: number; submitted: number; inFlight: number }[];
}

describe('admin API and scoped keys', () => {
  let nats: TestNats;
  let smsc: SmscSimulator;
  let other: SmscSimulator;
  const otherSubmitted = new Map<string, number>();
  let gw: GatewayProcess;
  let nc: NatsConnection;
  let dir: ReturnType<typeof tempDir>;
  let db: { url: string; drop(): Promise<void> };
  let configPath: string;
  const submitted = new Map<string, number>();

  const headers = (key: string) => ({ Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' });
  const get = async <T>(path: string, key = OPS_KEY): Promise<{ status: number; body: T; type: string | null }> => {
    const r = await fetch(`${gw.baseUrl}${path}`, { headers: headers(key) });
    return { status: r.status, body: (await r.json()) as T, type: r.headers.get('content-type') };
  };
  const post = async <T>(path: string, key = OPS_KEY, body?: unknown): Promise<{ status: number; body: T }> => {
    const r = await fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: headers(key), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: r.status, body: (await r.json()) as T };
  };
  const carrier = async (): Promise<Carrier> => (await get<{ carriers: Carrier[] }>('/v1/admin/carriers')).body.carriers[0]!;
  const sendMany = (n: number, tag: string) =>
    pool(Array.from({ length: n }, (_, i) => i), 20, async (i) => {
      const r = await post<{ id: string }>('/v1/messages', API_KEY, { to: `+4477009${String(i).padStart(5, '0')}`, from: 'ACME', text: `${tag} ${i}`, clientRef: `${tag}-${i}` });
      expect(r.status).toBe(202);
      return r.body.id;
    });

  function keysCommand(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'cmd', 'smsmesh.js'), 'keys', ...args], {
        env: { ...process.env, SMSMESH_CONFIG: configPath, NATS_URL: nats.url, SMSMESH_DATA_DIR: dir.path },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  beforeAll(async () => {
    dir = tempDir('smsmesh-admin-');
    nats = await startTestNats();
    smsc = await startSmscSimulator({ port: 0, receiptDelayMs: 20 });
    smsc.onSubmit((s) => submitted.set(s.shortMessage.toString('latin1'), (submitted.get(s.shortMessage.toString('latin1')) ?? 0) + 1));
    other = await startSmscSimulator({ port: 0, receiptDelayMs: 20 });
    other.onSubmit((s) => otherSubmitted.set(s.shortMessage.toString('latin1'), (otherSubmitted.get(s.shortMessage.toString('latin1')) ?? 0) + 1));
    db = await createTestDatabase();
    configPath = writeConfig(dir.path, {
      apiKey: API_KEY,
      carriers: [
        { id: 'sim', prefixes: ['+44'], port: smsc.port, binds: 2, window: 20 },
        { id: 'other', prefixes: ['+33'], port: other.port, binds: 1, window: 20 },
      ],
      moreClients: [
        { id: 'ops', apiKey: OPS_KEY, scopes: ['send', 'read', 'admin'] },
        { id: 'reader', apiKey: READ_KEY, scopes: ['read'] },
      ],
    });
    gw = await spawnGateway({ entry: 'smsmesh', configPath, natsUrl: nats.url, databaseUrl: db.url, dataDir: dir.path, http: true, logDir: dir.path });
    await waitFor('binds up', async () => (await fetch(`${gw.baseUrl}/readyz/carriers`)).ok, 30_000);
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await gw?.stop();
    await smsc?.close();
    await other?.close();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  it('answers 403 problem+json to keys without the scope, over HTTP and NATS', async () => {
    const carriers = await get<{ type: string; requiredScope: string }>('/v1/admin/carriers', API_KEY);
    expect(carriers.status).toBe(403);
    expect(carriers.type).toBe('application/problem+json');
    expect(carriers.body).toMatchObject({ type: 'urn:smsmesh:problem:forbidden', requiredScope: 'admin' });
    const send = await post<{ type: string }>('/v1/messages', READ_KEY, { to: '+447700900001', from: 'ACME', text: 'no' });
    expect(send.status).toBe(403);
    expect((await get('/v1/messages', READ_KEY)).status).toBe(200);

    const h = natsHeaders();
    h.set('Authorization', `Bearer ${READ_KEY}`);
    const m = await nc.request('sms.api.v1.send', new TextEncoder().encode(JSON.stringify({ to: '+447700900001', from: 'ACME', text: 'no' })), { timeout: 5000, headers: h });
    expect(m.headers?.get('Nats-Service-Error-Code')).toBe('403');
    expect(m.json<{ type: string }>().type).toBe('urn:smsmesh:problem:forbidden');
  });

  it('creates, lists and revokes run-time keys without a restart; only the hash is stored', async () => {
    const help = await keysCommand(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('smsmesh keys create --client');
    const created = await keysCommand(['create', '--client', 'test-client', '--scope', 'read']);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^smk_[0-9a-f]{12}_/);
    const id = key.split('_')[1]!;
    await waitFor('the new key to work', async () => (await get('/v1/messages', key)).status === 200, 10_000);
    expect((await post('/v1/messages', key, { to: '+447700900001', from: 'ACME', text: 'no' })).status).toBe(403);

    const listed = await keysCommand(['list', '--json']);
    expect(listed.code).toBe(0);
    const keys = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(keys).toEqual([expect.objectContaining({ id, client: 'test-client', scopes: ['read'] })]);
    // The secret is everything after the id: base64url, so it may itself hold '_' (even begin with one).
    const secret = key.slice(`smk_${id}_`.length);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(listed.stdout).not.toContain(secret);
    expect(keys[0]).not.toHaveProperty('hash');

    const bad = await keysCommand(['create', '--client', 'nobody', '--scope', 'read']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--client must name a client');

    const revoked = await keysCommand(['revoke', id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    await waitFor('the revoked key to be refused', async () => (await get('/v1/messages', key)).status === 401, 10_000);

    const audit = await get<{ entries: { action: string; target: string; result: string; who: { keyId: string } }[] }>('/v1/admin/audit');
    expect(audit.body.entries.map((e) => `${e.action} ${e.target} ${e.result}`)).toEqual(expect.arrayContaining([`key.create ${id} ok`, `key.revoke ${id} ok`]));
  });

  it('shows carriers with their live binds and queue depth', async () => {
    const c = await carrier();
    expect(c).toMatchObject({ id: 'sim', state: 'active', backlog: 0, bindsUp: 2 });
    expect(c.binds).toHaveLength(2);
    expect(c.binds[0]).toMatchObject({ state: 'bound', paused: false, window: 20, tps: 5000 });
    expect((await post('/v1/admin/carriers/nope/pause')).status).toBe(404);
  });

  it('pauses a carrier: it keeps accepting and queueing, submits nothing, and drains after resume', async () => {
    const paused = await post<{ state: string; auditRecorded: boolean }>('/v1/admin/carriers/sim/pause');
    expect(paused).toEqual({ status: 200, body: { id: 'sim', state: 'paused', auditRecorded: true } });
    await waitFor('binds to report paused', async () => (await carrier()).binds.every((b) => b.paused), 10_000);
    // Pulls open at the pause end within their expiry (2 s); what one gets meanwhile goes straight back.
    await new Promise((r) => setTimeout(r, 2500));
    const before = [...submitted.values()].reduce((a, b) => a + b, 0);

    const ids = await sendMany(200, 'paused');
    const queued = await waitFor('the backlog to hold every message', async () => {
      const c = await carrier();
      return c.backlog === 200 ? c : undefined;
    }, 15_000);
    expect(queued.state).toBe('paused');
    await new Promise((r) => setTimeout(r, 2000));
    expect([...submitted.values()].reduce((a, b) => a + b, 0)).toBe(before);
    expect(await carrier()).toMatchObject({ backlog: 200, ackPending: 0 });

    expect((await post('/v1/admin/carriers/sim/resume')).body).toMatchObject({ state: 'active' });
    await waitFor('the backlog to drain', async () => (await carrier()).backlog === 0, 30_000);
    await waitFor('every message submitted once', async () => ids.every((_, i) => submitted.get(`paused ${i}`) === 1), 30_000);
    expect([...submitted.keys()].filter((k) => k.startsWith('paused ')).every((k) => submitted.get(k) === 1)).toBe(true);

    const timeline = await waitFor('a delivered timeline', async () => {
      const t = await get<{ status: string; clientId: string; parts: { submittedAt: string | null; lastStat: string | null }[] }>(`/v1/admin/messages/${ids[0]}`);
      return t.status === 200 && t.body.status === 'delivered' ? t.body : undefined;
    }, 30_000);
    expect(timeline.clientId).toBe('test-client');
    expect(timeline.parts).toEqual([expect.objectContaining({ lastStat: 'DELIVRD' })]);
    expect(timeline.parts[0]!.submittedAt).not.toBeNull();

    const listed = await get<{ messages: { id: string }[] }>(`/v1/admin/messages?client=test-client&clientRef=paused-7`);
    expect(listed.body.messages.map((m) => m.id)).toEqual([ids[7]]);
    expect((await get('/v1/admin/messages?client=nobody')).status).toBe(400);
  });

  it('drains a carrier: what is queued is submitted, then it turns paused', async () => {
    await post('/v1/admin/carriers/sim/pause');
    await waitFor('binds to report paused', async () => (await carrier()).binds.every((b) => b.paused), 10_000);
    await sendMany(50, 'drained');
    await waitFor('the backlog to hold them', async () => (await carrier()).backlog === 50, 15_000);
    expect((await post('/v1/admin/carriers/sim/drain')).body).toMatchObject({ state: 'draining' });
    const c = await waitFor('the carrier to turn paused once empty', async () => {
      const x = await carrier();
      return x.state === 'paused' ? x : undefined;
    }, 30_000);
    expect(c.backlog).toBe(0);
    await waitFor('all 50 submitted once', async () => Array.from({ length: 50 }, (_, i) => submitted.get(`drained ${i}`)).every((n) => n === 1), 10_000);
    // and none twice, a while later
    await new Promise((r) => setTimeout(r, 1000));
    expect(Array.from({ length: 50 }, (_, i) => submitted.get(`drained ${i}`))).toEqual(new Array(50).fill(1));
    await post('/v1/admin/carriers/sim/resume');
    const audit = await get<{ entries: { action: string; target: string; who: { client: string; keyId: string } }[] }>('/v1/admin/audit?limit=10');
    expect(audit.body.entries[0]).toMatchObject({ action: 'carrier.resume', target: 'sim', who: { client: 'ops', keyId: 'config:ops' } });
    expect(audit.body.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['carrier.pause', 'carrier.drain', 'carrier.resume']));
  });

  it('lists dead letters with their reasons, clients with usage, and a summary', async () => {
    await jetstream(nc).publish('sms.mt.sim', new TextEncoder().encode('not a message'));
    const dead = await waitFor('a dead letter', async () => {
      const r = await get<{ deadLetters: { reason: string; subject: string; stream: string }[]; nextBefore: number | null }>('/v1/admin/dead-letters?limit=5');
      return r.body.deadLetters.length > 0 ? r.body : undefined;
    }, 30_000);
    expect(dead.deadLetters[0]).toMatchObject({ reason: 'undecodable', subject: 'sms.mt.sim', stream: 'SMS_MT' });
    expect((await get('/v1/admin/dead-letters?limit=0')).status).toBe(400);

    const invalid = await post('/v1/messages', API_KEY, { to: 'not a number', from: 'ACME', text: 'x' });
    expect(invalid.status).toBe(400);
    const clients = await get<{ clients: { id: string; scopes: string[]; usage: { accepted: number; rejected: Record<string, number> } }[] }>('/v1/admin/clients');
    const tc = clients.body.clients.find((c) => c.id === 'test-client')!;
    expect(tc.scopes).toEqual(['send', 'read']);
    expect(tc.usage.accepted).toBe(250);
    expect(tc.usage.rejected).toEqual({ invalidRequest: 1 });

    const s = await get<{ totals: { accepted: number; submitted: number; delivered: number; deadLetters: number }; acceptLatency: { counts: number[] } }>('/v1/admin/summary');
    expect(s.body.totals.accepted).toBe(250);
    expect(s.body.totals.submitted).toBeGreaterThanOrEqual(250);
    expect(s.body.totals.deadLetters).toBeGreaterThanOrEqual(1);
    expect(s.body.acceptLatency.counts.reduce((a, b) => a + b, 0)).toBe(250);
  });

  it("moves a paused carrier's queued messages to another carrier: none lost, none twice, none its SMSC may have taken", async () => {
    expect((await post('/v1/admin/carriers/sim/move', OPS_KEY, { to: 'other' })).status).toBe(409);
    await post('/v1/admin/carriers/sim/pause');
    await waitFor('binds to report paused', async () => (await carrier()).binds.every((b) => b.paused), 10_000);
    await new Promise((r) => setTimeout(r, 2500));
    await sendMany(100, 'moved');
    await waitFor('the backlog to hold them', async () => (await carrier()).backlog === 100, 15_000);
    // A bind that took one and lost it (a response timeout, a dropped bind): the SMSC may have it, so it must stay.
    const js = jetstream(nc);
    const taken = await (await js.consumers.get('SMS_MT', 'connector-sim')).next({ expires: 5000 });
    expect(taken).not.toBeNull();
    const takenText = (JSON.parse(new TextDecoder().decode(taken!.data)) as { text: string }).text;
    taken!.nak();

    expect((await post('/v1/admin/carriers/sim/move', OPS_KEY, { to: 'sim' })).status).toBe(400);
    expect((await post('/v1/admin/carriers/sim/move', OPS_KEY, { to: 'nowhere' })).status).toBe(400);
    const moved = await post<{ moved: number; kept: number; remaining: number; auditRecorded: boolean }>('/v1/admin/carriers/sim/move', OPS_KEY, { to: 'other' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ moved: 99, kept: 1, remaining: 0, auditRecorded: true });

    const texts = Array.from({ length: 100 }, (_, i) => `moved ${i}`);
    await waitFor('99 submitted to the other carrier', async () => texts.filter((t) => otherSubmitted.get(t) === 1).length === 99, 30_000);
    expect(otherSubmitted.get(takenText)).toBeUndefined();
    await post('/v1/admin/carriers/sim/resume');
    await waitFor('the kept one submitted by its own carrier', async () => submitted.get(takenText) === 1, 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    for (const t of texts) expect((submitted.get(t) ?? 0) + (otherSubmitted.get(t) ?? 0), t).toBe(1);
    const audit = await get<{ entries: { action: string; target: string; detail: string }[] }>('/v1/admin/audit?limit=5');
    expect(audit.body.entries.find((e) => e.action === 'carrier.move')).toMatchObject({ target: 'sim -> other', detail: expect.stringContaining('moved 99, kept 1') });
  });
});
