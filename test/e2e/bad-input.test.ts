/** Every bad request gets a precise application/problem+json answer and harms nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus } from '../../internal/bus/connection.js';
import { Streams } from '../../internal/bus/subjects.js';
import { noopLogger } from '../../internal/log/logger.js';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';

const API_KEY = 'bad-input-key-0123456789';
const good = { to: '+447700900123', from: 'ACME', text: 'Hello' };

describe('bad input over HTTP', () => {
  let nats: TestNats;
  let smsc: SmscSimulator;
  let gw: GatewayProcess;
  let dir: ReturnType<typeof tempDir>;
  let drop: () => Promise<void>;
  const submitted: string[] = [];

  beforeAll(async () => {
    dir = tempDir('smsmesh-bad-');
    nats = await startTestNats();
    smsc = await startSmscSimulator({ port: 0 });
    smsc.onSubmit((x) => submitted.push(x.destinationAddr));
    const db = await createTestDatabase();
    drop = db.drop;
    const configPath = writeConfig(dir.path, { apiKey: API_KEY, carriers: [{ id: 'uk', prefixes: ['+44'], port: smsc.port }] });
    gw = await spawnGateway({ entry: 'smsmesh', configPath, natsUrl: nats.url, databaseUrl: db.url, dataDir: dir.path, http: true, logDir: dir.path });
    await waitFor('readiness', async () => (await fetch(`${gw.baseUrl}/readyz`)).ok, 30_000);
  });

  afterAll(async () => {
    await gw?.stop();
    await smsc?.close();
    await nats?.destroy();
    await drop?.();
    dir?.remove();
  });

  async function post(body: string, headers: Record<string, string> = {}) {
    const r = await fetch(`${gw.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json', ...headers },
      body,
    });
    return { status: r.status, type: r.headers.get('content-type') ?? '', headers: r.headers, body: (await r.json()) as Record<string, unknown> };
  }

  function expectProblem(r: { status: number; type: string; body: Record<string, unknown> }, status: number, detail: RegExp) {
    expect(r.status).toBe(status);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.status).toBe(status);
    expect(typeof r.body.title).toBe('string');
    expect(r.body.detail).toMatch(detail);
  }

  it('names every missing field', async () => {
    const r = await post('{}');
    expectProblem(r, 400, /to is required; from is required; text is required/);
    expect((r.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['to', 'from', 'text']);
  });

  it('rejects a non-E.164 destination', async () => {
    expectProblem(await post(JSON.stringify({ ...good, to: '07700900123' })), 400, /to must be an E\.164 number/);
  });

  it('rejects empty and over-long text', async () => {
    expectProblem(await post(JSON.stringify({ ...good, text: '' })), 400, /text must not be empty/);
    expectProblem(await post(JSON.stringify({ ...good, text: 'x'.repeat(1601) })), 400, /text is 1601 characters; the limit is 1600/);
  });

  it('rejects wrong types and unknown fields', async () => {
    expectProblem(await post(JSON.stringify({ ...good, from: 42 })), 400, /from must be a string/);
    expectProblem(await post(JSON.stringify({ ...good, priority: 'high' })), 400, /priority is not a known field/);
    expectProblem(await post('[1,2]'), 400, /must be a JSON object/);
  });

  it('explains content the requested encoding cannot carry', () =>
    post(JSON.stringify({ ...good, text: 'price 5€', encoding: 'latin1' })).then((r) => expectProblem(r, 400, /text has characters outside Latin-1/)));

  it('answers 422 when no carrier serves the destination', async () => {
    expectProblem(await post(JSON.stringify({ ...good, to: '+14155550100' })), 422, /No carrier is configured for destination \+14155550100/);
  });

  it('answers 401 for a missing or wrong key', async () => {
    const missing = await fetch(`${gw.baseUrl}/v1/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(good) });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(((await missing.json()) as { detail: string }).detail).toMatch(/Missing Authorization header/);
    expectProblem(await post(JSON.stringify(good), { Authorization: 'Bearer wrong-key-wrong-key' }), 401, /API key is not valid/);
  });

  it('answers 413 for a body over the size limit', async () => {
    expectProblem(await post(JSON.stringify({ ...good, text: 'x'.repeat(20_000) })), 413, /exceeds 16384 bytes/);
  });

  it('answers 400 for malformed JSON and 415 for other content types', async () => {
    expectProblem(await post('{"to": "+4477', {}), 400, /not valid JSON/);
    expectProblem(await post('to=+447700900123', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, /Content-Type must be application\/json/);
  });

  it('rejects a malformed Idempotency-Key', async () => {
    expectProblem(await post(JSON.stringify(good), { 'Idempotency-Key': 'has spaces in it' }), 400, /Idempotency-Key/);
  });

  it('answers 404 problems for unknown ids and paths', async () => {
    const r = await fetch(`${gw.baseUrl}/v1/messages/not-an-id`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    const p = await fetch(`${gw.baseUrl}/v2/nothing`);
    expect(p.status).toBe(404);
    expect(p.headers.get('content-type')).toContain('application/problem+json');
  });

  it('stored nothing and sent nothing for any of the bad requests; a good one behind them goes through alone', async () => {
    const bus = await connectBus({ url: nats.url, name: 'bad-input-test', log: noopLogger });
    try {
      // Every bad request above was answered before this point, and a refusal is decided before anything is
      // published: had any been stored, SMS_MT would have given it a sequence number.
      expect((await bus.jsm.streams.info(Streams.mt)).state.last_seq).toBe(0);
      const r = await post(JSON.stringify({ ...good, to: '+447700900999' }));
      expect(r.status).toBe(202);
      await waitFor('the good message at the SMSC', async () => submitted.length > 0, 30_000, 50);
      expect(submitted).toEqual(['447700900999']);
      expect((await bus.jsm.streams.info(Streams.mt)).state.last_seq).toBe(1);
    } finally {
      await bus.close();
    }
  });
});
