/**
 * The whole MT path on real parts: HTTP edge → JetStream → SMPP bind actor → SMSC simulator over TCP →
 * delivery receipt → status writer → database; run against PostgreSQL and against the embedded default.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { spawnGateway, pool, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';

const API_KEY = 'test-key-0123456789abcdef';
const auth = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };

describe.each(['postgres', 'embedded'] as const)('backbone on %s', (backend) => {
  let nats: TestNats;
  let smsc: SmscSimulator;
  let gw: GatewayProcess;
  let dir: ReturnType<typeof tempDir>;
  let dropDb: (() => Promise<void>) | undefined;
  const perDestination = new Map<string, number>();

  beforeAll(async () => {
    dir = tempDir('smsmesh-e2e-');
    nats = await startTestNats();
    smsc = await startSmscSimulator({ port: 0, receiptDelayMs: 20 });
    smsc.onSubmit((s) => perDestination.set(s.destinationAddr, (perDestination.get(s.destinationAddr) ?? 0) + 1));
    let databaseUrl: string | undefined;
    if (backend === 'postgres') {
      const db = await createTestDatabase();
      databaseUrl = db.url;
      dropDb = db.drop;
    }
    const configPath = writeConfig(dir.path, {
      apiKey: API_KEY,
      carriers: [{ id: 'sim', prefixes: ['+44'], port: smsc.port, binds: 2, window: 20 }],
    });
    gw = await spawnGateway({ entry: 'smsmesh', configPath, natsUrl: nats.url, databaseUrl, dataDir: dir.path, http: true, logDir: dir.path });
    await waitFor('readiness', async () => (await fetch(`${gw.baseUrl}/readyz`)).ok, 30_000);
  });

  afterAll(async () => {
    await gw?.stop();
    await smsc?.close();
    await nats?.destroy();
    await dropDb?.();
    dir?.remove();
  });

  it('delivers 1,000 messages sent over HTTP exactly once each and records them delivered', async () => {
    const n = 1000;
    const numbers = Array.from({ length: n }, (_, i) => `+4477009${String(i).padStart(5, '0')}`);
    const started = performance.now();
    const accepted = await pool(numbers, 50, async (to, i) => {
      const r = await fetch(`${gw.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ to, from: 'ACME', text: `Hello ${i}`, clientRef: `ref-${i}` }),
      });
      expect(r.status).toBe(202);
      const body = (await r.json()) as { id: string; status: string; carrier: string; segments: number; encoding: string };
      expect(body).toMatchObject({ status: 'accepted', carrier: 'sim', segments: 1, encoding: 'gsm7' });
      return body.id;
    });
    const acceptSeconds = (performance.now() - started) / 1000;
    expect(new Set(accepted).size).toBe(n);

    // Every message reaches the final state in the database; poll a sample until all are there.
    const views = await waitFor(
      'all messages delivered',
      async () => {
        const vs = await pool(accepted, 50, async (id) => {
          const r = await fetch(`${gw.baseUrl}/v1/messages/${id}`, { headers: auth });
          return r.ok ? ((await r.json()) as Record<string, unknown>) : undefined;
        });
        return vs.every((v) => v?.status === 'delivered') ? vs : undefined;
      },
      60_000,
      500,
    );
    const totalSeconds = (performance.now() - started) / 1000;
    console.log(`[${backend}] 1,000 messages: accepted in ${acceptSeconds.toFixed(2)} s, all delivered in DB after ${totalSeconds.toFixed(2)} s (${(n / totalSeconds).toFixed(0)} msg/s end to end)`);

    for (const [i, v] of views.entries()) {
      expect(v).toMatchObject({ id: accepted[i], status: 'delivered', carrier: 'sim', to: numbers[i], from: 'ACME', segments: 1, clientRef: `ref-${i}`, error: null });
      expect(typeof v!.smscMessageId).toBe('string');
      for (const k of ['acceptedAt', 'submittedAt', 'doneAt']) expect(Number.isNaN(Date.parse(v![k] as string))).toBe(false);
      expect(Date.parse(v!.submittedAt as string)).toBeGreaterThanOrEqual(Date.parse(v!.acceptedAt as string));
    }
    // Exactly once at the SMSC.
    for (const to of numbers) expect(perDestination.get(to.slice(1))).toBe(1);
  });

  it('answers a repeated Idempotency-Key with the same id and sends once', async () => {
    const send = () =>
      fetch(`${gw.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { ...auth, 'Idempotency-Key': 'order-77' },
        body: JSON.stringify({ to: '+447700999001', from: 'ACME', text: 'once' }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } }));
    const a = await send();
    const b = await send();
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body.id).toBe(a.body.id);
    await waitFor('delivered', async () => {
      const r = await fetch(`${gw.baseUrl}/v1/messages/${a.body.id}`, { headers: auth });
      return r.ok && ((await r.json()) as { status: string }).status === 'delivered';
    }, 30_000);
    expect(perDestination.get('447700999001')).toBe(1);
  });

  it('reports segments and encoding, and delivers a long UCS-2 message in all its parts', async () => {
    const text = 'Привет, мир! '.repeat(10); // 130 UCS-2 units → 2 segments of ≤67
    const r = await fetch(`${gw.baseUrl}/v1/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ to: '+447700999002', from: 'ACME', text }) });
    expect(r.status).toBe(202);
    const body = (await r.json()) as { id: string; segments: number; encoding: string };
    expect(body).toMatchObject({ segments: 2, encoding: 'ucs2' });
    await waitFor('delivered', async () => {
      const g = await fetch(`${gw.baseUrl}/v1/messages/${body.id}`, { headers: auth });
      return g.ok && ((await g.json()) as { status: string }).status === 'delivered';
    }, 30_000);
    expect(perDestination.get('447700999002')).toBe(2);
  });

  it('sends Latin-1 and binary content with the data_coding asked for', async () => {
    const seen = new Map<string, { dataCoding: number; shortMessage: Buffer }>();
    smsc.onSubmit((s) => seen.set(s.destinationAddr, { dataCoding: s.dataCoding, shortMessage: s.shortMessage }));
    for (const [to, text, encoding] of [
      ['+447700999010', 'café', 'latin1'],
      ['+447700999011', '0605040b8423f0', 'binary'],
    ] as const) {
      const r = await fetch(`${gw.baseUrl}/v1/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ to, from: 'ACME', text, encoding }) });
      expect(r.status).toBe(202);
      expect(((await r.json()) as { encoding: string }).encoding).toBe(encoding);
    }
    await waitFor('both submitted', async () => seen.size >= 2 && seen.has('447700999010') && seen.has('447700999011'), 20_000);
    expect(seen.get('447700999010')).toEqual({ dataCoding: 3, shortMessage: Buffer.from('café', 'latin1') });
    expect(seen.get('447700999011')).toEqual({ dataCoding: 4, shortMessage: Buffer.from('0605040b8423f0', 'hex') });
  });

  it('shows a message only to the client that sent it', async () => {
    const r = await fetch(`${gw.baseUrl}/v1/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ to: '+447700999003', from: 'ACME', text: 'mine' }) });
    const { id } = (await r.json()) as { id: string };
    await waitFor('visible', async () => (await fetch(`${gw.baseUrl}/v1/messages/${id}`, { headers: auth })).ok, 30_000);
    const other = await fetch(`${gw.baseUrl}/v1/messages/${id}`, { headers: { Authorization: `Bearer ${API_KEY}-other` } });
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
  });

  it('exposes the contract metrics', async () => {
    const text = await (await fetch(`${gw.baseUrl}/metrics`)).text();
    expect(text).toMatch(/smsmesh_messages_accepted_total\{[^}]*carrier="sim"[^}]*\} \d+/);
    expect(text).toMatch(/smsmesh_messages_submitted_total\{[^}]*carrier="sim"[^}]*\} \d+/);
    expect(text).toMatch(/smsmesh_messages_persisted_total\{[^}]*status="delivered"[^}]*\} \d+/);
    expect(text).toContain('smsmesh_http_request_duration_seconds_bucket');
    const delivered = Number(/smsmesh_messages_persisted_total\{[^}]*status="delivered"[^}]*\} (\d+)/.exec(text)![1]);
    expect(delivered).toBeGreaterThanOrEqual(1000);
  });
});
