/**
 * Inbound messages as clients get them, end to end over real SMPP, NATS and PostgreSQL: multi-part MO from the SMSC
 * simulator routed to the right client by number and keyword, stored once (encrypted at rest under the configured
 * key), listed by GET /v1/inbound and sms.api.v1.inbound, and announced once on sms.chg.inbound; STOP from the handset
 * blocks the next send with 422 on HTTP and NATS (for that sender only; STOPALL for every sender) and START lifts it;
 * the opt-out API adds, lists and removes entries, over HTTP and NATS.
 */
import { randomBytes } from 'node:crypto';
import { connect, headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/transport-node';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmsmeshClient, SmsmeshError } from '../../client/index.js';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { Durables, Streams, Subjects } from '../../internal/bus/subjects.js';
import { noopLogger } from '../../internal/log/logger.js';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';

const KEY = 'inbound-key-0123456789abcdef';
const OTHER = `${KEY}-other`;
const TEXT_KEY = { id: 'k2026', key: randomBytes(32).toString('base64') };
const enc = new TextEncoder();
const dec = new TextDecoder();

describe('inbound routing, listing and opt-outs', () => {
  let nats: TestNats;
  let smsc: SmscSimulator;
  let gw: GatewayProcess;
  let dir: ReturnType<typeof tempDir>;
  let db: { url: string; drop(): Promise<void> };
  let sql: postgres.Sql;
  let bus: Bus;
  let nc: NatsConnection;
  const changes: Msg[] = [];

  beforeAll(async () => {
    dir = tempDir('smsmesh-inbound-routes-');
    nats = await startTestNats();
    smsc = await startSmscSimulator({ port: 0 });
    db = await createTestDatabase();
    sql = postgres(db.url, { max: 1, onnotice: () => {} });
    const configPath = writeConfig(dir.path, {
      apiKey: KEY,
      carriers: [{ id: 'uk', prefixes: ['+44'], port: smsc.port }],
      sections: {
        inbound: {
          routes: [
            { to: '12345', keyword: 'pizza', client: 'other-client' },
            { to: '12345', client: 'test-client' },
          ],
        },
      },
    });
    nc = await connect({ servers: nats.url });
    // Every message.inbound change as it is published (a plain subscription: it takes nothing from the stream).
    nc.subscribe(Subjects.inboundChanges, {
      callback: (_err, m) => {
        changes.push(m);
      },
    });
    // The roles named: a callback worker in the all-in-one process would take the changes off the stream meanwhile.
    gw = await spawnGateway({
      entry: 'smsmesh',
      args: ['--roles', 'edge,connector,status-writer'],
      configPath,
      natsUrl: nats.url,
      databaseUrl: db.url,
      dataDir: dir.path,
      http: true,
      logDir: dir.path,
      env: { SMSMESH_TEXT_KEYS: `${TEXT_KEY.id}:${TEXT_KEY.key}` },
    });
    await waitFor('readiness', async () => (await fetch(`${gw.baseUrl}/readyz`)).ok, 30_000);
    await waitFor('a bind to the SMSC', async () => (await fetch(`${gw.baseUrl}/readyz/carriers`)).ok, 30_000);
    bus = await connectBus({ url: nats.url, name: 'inbound-routes-test', log: noopLogger });
  });

  afterAll(async () => {
    await nc?.close();
    await bus?.close();
    await sql?.end();
    await gw?.stop();
    await smsc?.close();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  /** Once every MO part sent so far is acked by the MO writer (it acks after storing and publishing the change). */
  async function moSettled(): Promise<void> {
    await waitFor('every MO part stored', async () => {
      const stream = await bus.jsm.streams.info(Streams.mo);
      const c = await bus.jsm.consumers.info(Streams.mo, Durables.moWriter);
      return stream.state.last_seq > 0 && c.ack_floor.stream_seq === stream.state.last_seq && c.num_pending === 0 && c.num_ack_pending === 0;
    }, 30_000);
  }

  async function http(path: string, o: { method?: string; body?: unknown; key?: string; headers?: Record<string, string> } = {}) {
    const r = await fetch(`${gw.baseUrl}${path}`, {
      method: o.method ?? (o.body !== undefined ? 'POST' : 'GET'),
      headers: { Authorization: `Bearer ${o.key ?? KEY}`, ...(o.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...o.headers },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    const text = await r.text();
    return { status: r.status, type: r.headers.get('content-type'), body: (text ? JSON.parse(text) : {}) as Record<string, any> };
  }

  async function viaNats(op: string, body: unknown, key = KEY) {
    const h = natsHeaders();
    h.set('Authorization', `Bearer ${key}`);
    const m = await nc.request(`sms.api.v1.${op}`, enc.encode(JSON.stringify(body)), { headers: h, timeout: 10_000 });
    return { status: Number(m.headers?.get('Smsmesh-Status')), errorCode: m.headers?.get('Nats-Service-Error-Code') || null, body: JSON.parse(dec.decode(m.data)) as Record<string, any> };
  }

  const send = (to: string, from: string, key = KEY) => http('/v1/messages', { body: { to, from, text: 'Your order has shipped' }, key });

  it('routes multi-part MO by number and keyword, stores each once and encrypted, lists and announces it', async () => {
    const hello = 'Hello! This reply is longer than one SMS can carry, so the handset split it into parts. '.repeat(2) + '€ [ok]';
    const pizza = 'Pizza margherita and a large one with everything on it, delivered to the office please, before noon. Привет 👋';
    await smsc.sendMo({ from: '+447700900201', to: '12345', text: hello, concat: 'udh8', reverse: true });
    await smsc.sendMo({ from: '+447700900202', to: '12345', text: pizza, concat: 'sar' });
    await moSettled();

    const rows = await sql<{ id: string; client_id: string; text: string; text_key_id: string; parts: number }[]>`
      select id, client_id, text, text_key_id, parts from inbound_messages where "from" in ('+447700900201', '+447700900202') order by "from"`;
    expect(rows.map((r) => [r.client_id, r.text_key_id])).toEqual([
      ['test-client', TEXT_KEY.id],
      ['other-client', TEXT_KEY.id],
    ]);
    for (const r of rows) {
      expect(r.parts).toBeGreaterThan(1);
      expect(r.text).not.toContain('Hello');
      expect(r.text).not.toContain('Pizza');
    }

    const mine = await http('/v1/inbound');
    expect(mine.status).toBe(200);
    expect(mine.body.messages).toEqual([
      { id: rows[0]!.id, from: '+447700900201', to: '12345', text: hello, encoding: 'gsm7', parts: 2, carrier: 'uk', receivedAt: expect.any(String) },
    ]);
    const theirs = await http('/v1/inbound', { key: OTHER });
    expect(theirs.body.messages.map((m: { text: string }) => m.text)).toEqual([pizza]);
    expect(theirs.body.messages[0].encoding).toBe('ucs2');

    const overNats = await viaNats('inbound', {}, OTHER);
    expect(overNats.status).toBe(200);
    expect(overNats.body).toEqual(theirs.body);

    // One change per stored MO, deduplicable by its Nats-Msg-Id, with the text in clear for the callback worker.
    await waitFor('the two changes', async () => changes.length >= 2, 10_000);
    const bodies = changes.map((m): Record<string, unknown> => ({ msgId: m.headers?.get('Nats-Msg-Id'), ...(JSON.parse(dec.decode(m.data)) as Record<string, unknown>) }));
    const forRows = bodies.filter((b) => b.id === rows[0]!.id || b.id === rows[1]!.id);
    expect(forRows).toHaveLength(2);
    expect(forRows).toContainEqual({
      msgId: `in-${rows[0]!.id}`,
      type: 'message.inbound',
      client: 'test-client',
      id: rows[0]!.id,
      from: '+447700900201',
      to: '12345',
      text: hello,
      encoding: 'gsm7',
      parts: 2,
      carrier: 'uk',
      receivedAt: expect.any(String),
    });
    expect(forRows.find((b) => b.id === rows[1]!.id)).toMatchObject({ client: 'other-client', text: pizza });
  });

  it('pages inbound messages with a cursor and refuses bad parameters', async () => {
    for (let i = 0; i < 3; i++) await smsc.sendMo({ from: `+44770090030${i}`, to: '12345', text: `page test ${i}` });
    await moSettled();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Record<string, any> } = await http(`/v1/inbound?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.messages.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.messages.map((m: { id: string }) => m.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(4);
    const future = await http(`/v1/inbound?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.messages).toEqual([]);
    const bad = await http('/v1/inbound?limit=0&colour=red');
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'limit']);
  });

  it('blocks sends after STOP with 422 on HTTP and NATS, for that sender only, and lifts it on START', async () => {
    const phone = '+447700900401';
    const keyed = { body: { to: phone, from: '12345', text: 'Your code is 1234' }, headers: { 'Idempotency-Key': 'before-stop-1' } };
    const first = await http('/v1/messages', keyed);
    expect(first.status).toBe(202);
    await smsc.sendMo({ from: phone, to: '12345', text: 'Stop' });
    const refused = await waitFor('the opt-out to reach the edge', async () => {
      const r = await send(phone, '12345');
      return r.status === 422 ? r : undefined;
    }, 20_000);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ type: 'urn:smsmesh:problem:optedOut', status: 422, to: phone });
    // A retry of what was accepted before the opt-out gets its first answer, not a 422 saying it was never sent.
    const retried = await http('/v1/messages', keyed);
    expect(retried).toMatchObject({ status: 202, body: { id: first.body.id } });
    expect((await http('/v1/messages', { ...keyed, headers: { 'Idempotency-Key': 'after-stop-1' } })).status).toBe(422);
    expect((await http('/v1/messages?dryRun=true', { body: keyed.body })).status).toBe(422);
    const nats = await viaNats('send', { to: phone, from: '12345', text: 'Your order has shipped' });
    expect(nats).toMatchObject({ status: 422, errorCode: '422', body: { type: 'urn:smsmesh:problem:optedOut' } });
    const batch = await http('/v1/messages/batch', { body: { messages: [{ to: phone, from: '12345', text: 'x' }, { to: phone, from: 'ACME', text: 'x' }] } });
    expect(batch.body.results.map((r: { status: unknown }) => r.status)).toEqual([422, 'accepted']);
    // Another sender of this client, and the same sender for another client, still reach the number.
    expect((await send(phone, '54321')).status).toBe(202);
    expect((await send(phone, '12345', OTHER)).status).toBe(202);
    expect((await http('/v1/opt-outs')).body.optOuts).toEqual([{ number: phone, sender: '12345', at: expect.any(String), source: 'keyword' }]);
    expect((await http('/v1/opt-outs', { key: OTHER })).body.optOuts).toEqual([]);

    await smsc.sendMo({ from: phone, to: '12345', text: 'START' });
    await waitFor('the opt-in to reach the edge', async () => (await send(phone, '12345')).status === 202, 20_000);
    expect((await http('/v1/opt-outs')).body.optOuts).toEqual([]);
  });

  it('blocks every sender of the client after STOPALL, until the number is removed through the API', async () => {
    const phone = '+447700900402';
    await smsc.sendMo({ from: phone, to: '12345', text: 'stopall' });
    await waitFor('STOPALL to reach the edge', async () => (await send(phone, 'ACME')).status === 422, 20_000);
    expect((await send(phone, '12345')).status).toBe(422);
    expect((await send(phone, 'ACME', OTHER)).status).toBe(202);
    expect((await http('/v1/opt-outs')).body.optOuts).toEqual([{ number: phone, sender: null, at: expect.any(String), source: 'keyword' }]);
    const removed = await http(`/v1/opt-outs/${encodeURIComponent(phone)}`, { method: 'DELETE' });
    expect(removed).toMatchObject({ status: 200, body: { number: phone, removed: 1 } });
    await waitFor('the removal to reach the edge', async () => (await send(phone, 'ACME')).status === 202, 20_000);
    expect((await http(`/v1/opt-outs/${encodeURIComponent(phone)}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('adds opt-outs through the API and refuses malformed ones', async () => {
    const phone = '+447700900403';
    const added = await http('/v1/opt-outs', { body: { number: phone, sender: '+12345' } });
    expect(added).toMatchObject({ status: 201, body: { number: phone, sender: '12345', source: 'api' } });
    // "+12345" and "12345" are one sender.
    await waitFor('the API opt-out to reach the edge', async () => (await send(phone, '12345')).status === 422, 20_000);
    expect((await send(phone, 'ACME')).status).toBe(202);
    const bad = await http('/v1/opt-outs', { body: { number: '07700900403', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'number']);
    expect((await http('/v1/opt-outs', { body: { number: phone }, key: 'not-a-key-0123456789' })).status).toBe(401);
  });

  it('lists, adds and removes opt-outs over NATS as over HTTP', async () => {
    const phone = '+447700900404';
    const added = await viaNats('optouts.add', { number: phone });
    expect(added).toMatchObject({ status: 201, body: { number: phone, sender: null, source: 'api' } });
    await waitFor('the NATS opt-out to reach the edge', async () => (await send(phone, 'ACME')).status === 422, 20_000);
    const listed = await viaNats('optouts', {});
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual((await http('/v1/opt-outs')).body);
    expect(listed.body.optOuts).toContainEqual({ number: phone, sender: null, at: expect.any(String), source: 'api' });
    expect(await viaNats('optouts.remove', { number: phone })).toMatchObject({ status: 200, body: { number: phone, removed: 1 } });
    await waitFor('the NATS removal to reach the edge', async () => (await send(phone, 'ACME')).status === 202, 20_000);
    expect(await viaNats('optouts.remove', { number: phone })).toMatchObject({ status: 404, errorCode: '404' });
    expect(await viaNats('optouts.remove', {})).toMatchObject({ status: 400 });
    expect(await viaNats('optouts.add', { number: 'nope' })).toMatchObject({ status: 400, errorCode: '400' });
  });

  it('serves the typed client the same over HTTP and NATS: inbound pages and the opt-out list', async () => {
    for (const sms of [new SmsmeshClient({ apiKey: OTHER, http: { baseUrl: gw.baseUrl } }), new SmsmeshClient({ apiKey: OTHER, nats: { connection: nc } })]) {
      const page = await sms.inbound({ limit: 1 });
      expect(page.messages).toHaveLength(1);
      expect(page.messages[0]!.text).toMatch(/^Pizza margherita/);
      expect(page.nextCursor).toBeNull();
      const phone = '+447700900405';
      expect(await sms.addOptOut({ number: phone, sender: 'ACME' })).toMatchObject({ number: phone, sender: 'ACME', source: 'api' });
      await waitFor('the client opt-out to reach the edge', async () => (await sms.optOuts()).some((e) => e.number === phone), 20_000);
      expect(await sms.removeOptOut(phone)).toEqual({ number: phone, removed: 1 });
      await waitFor('the client removal to reach the edge', async () => !(await sms.optOuts()).some((e) => e.number === phone), 20_000);
      const gone = await sms.removeOptOut(phone).catch((err: unknown) => err);
      expect(gone).toBeInstanceOf(SmsmeshError);
      expect((gone as SmsmeshError).status).toBe(404);
    }
  });
});
