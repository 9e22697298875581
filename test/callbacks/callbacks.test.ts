/**
 * Status and inbound callbacks end to end: HTTP send → SMSC simulator over SMPP → receipts → status writer
 * (PostgreSQL) → SMS_CHANGES → the callback worker in its own process → a real local HTTP receiver. Signatures are
 * checked by a verifier written here from the Standard Webhooks specification, sharing no code with internal/.
 * One client's secrets come from a webhookSecretsFile, rotated by editing it and a SIGHUP to the worker.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { noopLogger } from '../../internal/log/logger.js';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { pool, spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const API_KEY = 'callbacks-key-0123456789abcdef';
const OTHER_KEY = `${API_KEY}-other`;
const ALL_KEY = `${API_KEY}-all`;
const SECRETS = [`whsec_${randomBytes(32).toString('base64')}`, `whsec_${randomBytes(24).toString('base64')}`];
const auth = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };

/** Standard Webhooks verification, written from the specification: any v1 signature made with any secret. */
function verifies(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = String(headers['webhook-id']);
  const ts = String(headers['webhook-timestamp']);
  const key = Buffer.from(secret.slice(secret.indexOf('_') + 1), 'base64');
  const want = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .some((s) => {
      const [version, sig] = s.split(',');
      const got = Buffer.from(sig ?? '', 'base64');
      return version === 'v1' && got.length === want.length && timingSafeEqual(got, want);
    });
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;

describe('callbacks', () => {
  let nats: TestNats;
  let smsc: SmscSimulator;
  let gw: GatewayProcess;
  let worker: GatewayProcess;
  let dir: ReturnType<typeof tempDir>;
  let db: { url: string; drop(): Promise<void> };
  let bus: Bus;
  let home: WebhookReceiver;
  let everything: WebhookReceiver;
  let configPath: string;
  const receivers: WebhookReceiver[] = [];

  const secretsFile = () => join(dir.path, 'all-client.whsec');
  const startWorker = () => spawnGateway({ entry: 'callbacks', configPath, natsUrl: nats.url, databaseUrl: db.url, dataDir: dir.path, logDir: dir.path, name: 'callbacks' });

  async function receiver(answer?: Parameters<typeof startWebhookReceiver>[0]): Promise<WebhookReceiver> {
    const r = await startWebhookReceiver(answer);
    receivers.push(r);
    return r;
  }

  async function send(body: Record<string, unknown>, key = API_KEY): Promise<string> {
    const r = await fetch(`${gw.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { ...auth, Authorization: `Bearer ${key}` },
      body: JSON.stringify({ to: '+447700900123', from: 'ACME', text: 'hello', ...body }),
    });
    expect(r.status, await r.clone().text()).toBe(202);
    return ((await r.json()) as { id: string }).id;
  }

  async function failedList(key = API_KEY) {
    const r = await fetch(`${gw.baseUrl}/v1/callbacks/failed`, { headers: { Authorization: `Bearer ${key}` } });
    expect(r.status).toBe(200);
    return ((await r.json()) as { callbacks: { webhookId: string; messageId: string; attempts: number; lastError: string; payload: { id: string } }[] }).callbacks;
  }

  beforeAll(async () => {
    dir = tempDir('smsmesh-callbacks-');
    nats = await startTestNats();
    smsc = await startSmscSimulator({ port: 0 });
    db = await createTestDatabase();
    home = await receiver();
    everything = await receiver();
    configPath = writeConfig(dir.path, {
      apiKey: API_KEY,
      moreClients: [{ id: 'all-client', apiKey: ALL_KEY, callbackUrl: everything.url, callbackEvents: 'all', webhookSecretsFile: 'all-client.whsec' }],
      carriers: [{ id: 'uk', prefixes: ['+44'], port: smsc.port }],
      client: { callbackUrl: home.url, webhookSecrets: SECRETS },
      sections: {
        // The second retry waits past parkAfterMs: it goes through the database (callback_parked) and back.
        callbacks: { allowPrivateTargets: true, retryScheduleMs: [300, 1500], timeoutMs: 1000, concurrencyPerEndpoint: 4, breakerThreshold: 3, breakerOpenMs: 1000, parkAfterMs: 1000 },
      },
    });
    // The secrets file does not exist yet: no role of this process signs, so none of them looks for it (on
    // Kubernetes it is mounted into callback workers only).
    gw = await spawnGateway({
      entry: 'smsmesh',
      args: ['--roles', 'edge,connector,status-writer'],
      configPath,
      natsUrl: nats.url,
      databaseUrl: db.url,
      dataDir: dir.path,
      http: true,
      logDir: dir.path,
    });
    // Blank lines and the whitespace around a secret are ignored.
    writeFileSync(secretsFile(), `\n  ${SECRETS[1]}  \n\n`);
    worker = await startWorker();
    bus = await connectBus({ url: nats.url, name: 'callbacks-test', log: noopLogger });
  });

  afterAll(async () => {
    await bus?.close();
    await worker?.stop();
    await gw?.stop();
    for (const r of receivers) await r.close();
    await smsc?.close();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  it('POSTs the final state, signed with every secret, verifiable by an independent implementation of the spec', async () => {
    const id = await send({ clientRef: 'order-1' });
    const cb = await waitFor('the delivered callback', async () => home.delivered().get(`msg_${id}_delivered`), 30_000);
    expect(SECRETS.every((s) => verifies(s, cb.headers, cb.body))).toBe(true);
    expect(String(cb.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(`whsec_${randomBytes(32).toString('base64')}`, cb.headers, cb.body)).toBe(false);
    expect(verifies(SECRETS[0]!, cb.headers, cb.body.replace('delivered', 'rejected'))).toBe(false);
    expect(Math.abs(Number(cb.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    const body = JSON.parse(cb.body) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'message.status', id, clientRef: 'order-1', status: 'delivered', carrier: 'uk', to: '+447700900123', segments: 1, error: null });
    expect(Number.isFinite(Date.parse(String(body.at)))).toBe(true);
    expect(cb.headers['content-type']).toBe('application/json');
  });

  it('sends submits too to a client that asks for every change, signed with its own secret', async () => {
    const id = await send({}, ALL_KEY);
    const done = await waitFor('the delivered callback', async () => everything.delivered().get(`msg_${id}_delivered`), 30_000);
    // Callbacks carry no order: the submitted one may come second.
    const sub = await waitFor('the submitted callback', async () => everything.delivered().get(`msg_${id}_submitted`), 30_000);
    expect(JSON.parse(sub.body)).toMatchObject({ type: 'message.status', id, status: 'submitted', error: null });
    expect(verifies(SECRETS[1]!, sub.headers, sub.body)).toBe(true);
    expect(verifies(SECRETS[0]!, done.headers, done.body)).toBe(false);
    // The client that asked for final states only got none of these.
    expect(home.received.some((r) => String(r.headers['webhook-id']).includes(id))).toBe(false);
  });

  it('rotates the secrets of a webhookSecretsFile on SIGHUP: a line added signs too, a line removed no more', async () => {
    const next = `whsec_${randomBytes(32).toString('base64')}`;
    const reloads = () => readFileSync(worker.logFile, 'utf8').split('\n').filter((l) => l.includes('"config reloaded"')).length;
    const callback = async () => {
      const id = await send({}, ALL_KEY);
      return waitFor('the delivered callback', async () => everything.delivered().get(`msg_${id}_delivered`), 30_000);
    };
    writeFileSync(secretsFile(), `${SECRETS[1]}\n${next}\n`);
    worker.child.kill('SIGHUP');
    await waitFor('the reload', async () => reloads() === 1, 15_000);
    const both = await callback();
    expect(verifies(SECRETS[1]!, both.headers, both.body) && verifies(next, both.headers, both.body)).toBe(true);

    writeFileSync(secretsFile(), `${next}\n`);
    worker.child.kill('SIGHUP');
    await waitFor('the second reload', async () => reloads() === 2, 15_000);
    const after = await callback();
    expect(verifies(next, after.headers, after.body)).toBe(true);
    expect(verifies(SECRETS[1]!, after.headers, after.body)).toBe(false);
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
  });

  it('takes a message\'s own callbackUrl over the NATS API', async () => {
    const r = await receiver(() => 200);
    const h = natsHeaders();
    h.set('Authorization', `Bearer ${API_KEY}`);
    const reply = await bus.nc.request('sms.api.v1.send', JSON.stringify({ to: '+447700900123', from: 'ACME', text: 'over NATS', callbackUrl: r.url }), { headers: h, timeout: 10_000 });
    expect(reply.headers?.get('Smsmesh-Status')).toBe('202');
    const { id } = reply.json<{ id: string }>();
    const cb = await waitFor('the callback', async () => r.delivered().get(`msg_${id}_delivered`), 30_000);
    expect(SECRETS.every((s) => verifies(s, cb.headers, cb.body))).toBe(true);
    const bad = await bus.nc.request('sms.api.v1.send', JSON.stringify({ to: '+447700900123', from: 'ACME', text: 'x', callbackUrl: 'ftp://nope' }), { headers: h, timeout: 10_000 });
    expect(bad.headers?.get('Smsmesh-Status')).toBe('400');
    expect(new TextDecoder().decode(bad.data)).toContain('callbackUrl');
  });

  it('retries 5xx and timeouts with the same webhook-id (the longer wait parked in the database), then succeeds', async () => {
    const r = await receiver((attempt) => (attempt === 1 ? 503 : attempt === 2 ? 'hang' : 200));
    const id = await send({ callbackUrl: r.url });
    const wid = `msg_${id}_delivered`;
    await waitFor('the third attempt answered 200', async () => r.delivered().get(wid), 30_000);
    const tries = r.received.filter((x) => x.headers['webhook-id'] === wid);
    expect(tries.map((x) => x.attempt)).toEqual([1, 2, 3]);
    for (const t of tries) expect(SECRETS.every((s) => verifies(s, t.headers, t.body))).toBe(true);
    expect(new Set(tries.map((t) => t.body)).size).toBe(1);
    // Spaced by the schedule (±20 %) and the 1 s timeout, not made at once.
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(240);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(2100);
    expect((await failedList()).find((f) => f.webhookId === wid)).toBeUndefined();
  });

  it('records a callback failed after its last attempt, lists it to its client only, and replays it', async () => {
    const r = await receiver(() => 500);
    const id = await send({ callbackUrl: r.url });
    const wid = `msg_${id}_delivered`;
    const failed = await waitFor('the failed callback listed', async () => (await failedList()).find((f) => f.webhookId === wid), 30_000);
    expect(failed).toMatchObject({ messageId: id, attempts: 3 });
    expect(failed.lastError).toContain('HTTP 500');
    expect(failed.payload.id).toBe(id);
    expect(r.received.filter((x) => x.headers['webhook-id'] === wid)).toHaveLength(3);
    expect((await failedList(OTHER_KEY)).find((f) => f.webhookId === wid)).toBeUndefined();
    expect((await fetch(`${gw.baseUrl}/v1/callbacks/failed/${wid}/replay`, { method: 'POST', headers: { Authorization: `Bearer ${OTHER_KEY}` } })).status).toBe(404);

    r.setAnswer(() => 200);
    const replay = await fetch(`${gw.baseUrl}/v1/callbacks/failed/${wid}/replay`, { method: 'POST', headers: { Authorization: `Bearer ${API_KEY}` } });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual({ webhookId: wid, status: 'replaying' });
    const cb = await waitFor('the replayed callback', async () => r.delivered().get(wid), 30_000);
    expect(SECRETS.every((s) => verifies(s, cb.headers, cb.body))).toBe(true);
    expect(JSON.parse(cb.body)).toMatchObject({ id, status: 'delivered' });
    expect((await failedList()).find((f) => f.webhookId === wid)).toBeUndefined();
    expect((await fetch(`${gw.baseUrl}/v1/callbacks/failed/${wid}/replay`, { method: 'POST', headers: { Authorization: `Bearer ${API_KEY}` } })).status).toBe(404);
  });

  it('disables an endpoint that answers 410, and calls it no more', async () => {
    const r = await receiver(() => 410);
    const first = await send({ callbackUrl: r.url });
    const f1 = await waitFor('the 410 recorded', async () => (await failedList()).find((f) => f.messageId === first), 30_000);
    expect(f1.lastError).toContain('410');
    expect(f1.attempts).toBe(1);
    const second = await send({ callbackUrl: r.url });
    const f2 = await waitFor('the next callback refused as disabled', async () => (await failedList()).find((f) => f.messageId === second), 30_000);
    expect(f2.lastError).toContain('disabled');
    expect(f2.attempts).toBe(0);
    expect(r.received).toHaveLength(1);

    // Replaying one of its callbacks switches the endpoint on again.
    r.setAnswer(() => 200);
    expect((await fetch(`${gw.baseUrl}/v1/callbacks/failed/${f2.webhookId}/replay`, { method: 'POST', headers: { Authorization: `Bearer ${API_KEY}` } })).status).toBe(202);
    await waitFor('the replayed callback', async () => r.delivered().get(f2.webhookId), 30_000);
    const third = await send({ callbackUrl: r.url });
    await waitFor('a new callback to the endpoint switched on again', async () => r.delivered().get(`msg_${third}_delivered`), 30_000);
  });

  it('delivers an inbound message published on sms.chg.inbound, signed', async () => {
    const msg = { type: 'message.inbound', client: 'test-client', id: 'mo-0001', from: '+447700900555', to: '12345', text: 'hi there', encoding: 'gsm7', parts: 1, carrier: 'uk', receivedAt: new Date().toISOString() };
    await bus.js.publish('sms.chg.inbound', JSON.stringify(msg), { msgID: `in-${msg.id}` });
    const cb = await waitFor('the inbound callback', async () => home.delivered().get('in_mo-0001'), 30_000);
    expect(SECRETS.every((s) => verifies(s, cb.headers, cb.body))).toBe(true);
    const { client: _client, ...payload } = msg;
    expect(JSON.parse(cb.body)).toEqual(payload);
  });

  /** Sends n messages (20 at a time) whose callbacks go to `urlOf(i)`; the latencies of those `healthy` receives. */
  async function loadTo(healthy: WebhookReceiver, n: number, urlOf: (i: number) => string): Promise<number[]> {
    const ids = await pool(
      Array.from({ length: n }, (_, i) => i),
      20,
      (i) => send({ callbackUrl: urlOf(i), text: `load ${i}` }),
    );
    const mine = ids.filter((_, i) => urlOf(i) === healthy.url);
    await waitFor('every healthy callback', async () => mine.every((id) => healthy.delivered().has(`msg_${id}_delivered`)), 60_000);
    // From the final receipt's arrival at the gateway (the payload's `at`) to the healthy receiver having the callback.
    return mine.map((id) => {
      const cb = healthy.delivered().get(`msg_${id}_delivered`)!;
      return cb.at - Date.parse((JSON.parse(cb.body) as { at: string }).at);
    });
  }

  const describeLatency = (xs: number[]) => `p50 ${quantile(xs, 0.5)} ms, p99 ${quantile(xs, 0.99)} ms, max ${Math.max(...xs)} ms`;

  it('a receiver that hangs does not delay another receiver\'s callbacks', async () => {
    const n = 150;
    const alone = await receiver(() => 200);
    const baseline = await loadTo(alone, n, () => alone.url);
    const hanging = await receiver(() => 'hang');
    const healthy = await receiver(() => 200);
    const beside = await loadTo(healthy, 2 * n, (i) => (i % 2 === 0 ? healthy.url : hanging.url));
    process.stdout.write(
      `callback latency, final receipt → received: a receiver alone ${describeLatency(baseline)}; beside a hanging one ${describeLatency(beside)} ` +
        `(${n} callbacks each; the hanging receiver saw ${hanging.received.length} attempts)\n`,
    );
    // A healthy receiver queued behind the hanging one would wait out its 1 s timeout, more than once before the
    // breaker opens. The bound scales with what the same receiver saw alone, so a loaded machine slows both sides.
    expect(quantile(beside, 0.99)).toBeLessThan(Math.max(2500, 2 * quantile(baseline, 0.99) + 1000));
    // The breaker kept the dead receiver from being hammered: far fewer attempts than 3 per callback.
    expect(hanging.received.length).toBeLessThan(n * 3);
  });

  it('every callback arrives at least once when the worker is killed mid-load', async () => {
    const r = await receiver(() => 200);
    const n = 300;
    const sending = pool(
      Array.from({ length: n }, (_, i) => i),
      20,
      (i) => send({ callbackUrl: r.url, text: `kill ${i}` }),
    );
    await waitFor('a third of the callbacks', async () => r.delivered().size >= n / 3, 60_000, 20);
    await worker.kill();
    const ids = await sending;
    const seenAtKill = r.delivered().size;
    worker = await startWorker();
    await waitFor('every callback after the restart', async () => ids.every((id) => r.delivered().has(`msg_${id}_delivered`)), 120_000, 500);
    const dupes = r.received.length - r.delivered().size;
    process.stdout.write(`worker killed after ${seenAtKill} of ${n} callbacks: all ${n} arrived, ${dupes} duplicate deliveries\n`);
    expect(r.delivered().size).toBe(n);
  });
});
