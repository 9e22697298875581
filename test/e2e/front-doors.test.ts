/**
 * Every front door on real parts — the built gateway (all roles), a private nats-server, PostgreSQL and SMPP simulators
 * over TCP: the NATS API beside HTTP (one corpus of good and bad requests through both, identical outcomes), micro-service
 * discovery, batch, Idempotency-Key (replay, 422, 409, across transports), dry runs, listing, sendAt, cancellation,
 * validity, and the typed client over both transports.
 */
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmsmeshClient, SmsmeshError, isProblem } from '../../client/index.js';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { openKvStore } from '../../internal/bus/kv-store.js';
import { Buckets } from '../../internal/bus/subjects.js';
import { idempotentMessageId } from '../../internal/core/ids.js';
import { fingerprint } from '../../internal/ingest/idempotency.js';
import { noopLogger } from '../../internal/log/logger.js';
import { validateSubmit } from '../../internal/sms/submit-request.js';
import { startSmscSimulator, type SimulatedSubmit, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { pool, spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';

const API_KEY = 'front-doors-key-0123456789';
const LIMITED_KEY = 'front-doors-limited-0123456789';
const enc = new TextEncoder();
const dec = new TextDecoder();

interface Outcome {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string | null>;
}

describe('front doors', () => {
  let nats: TestNats;
  let uk: SmscSimulator;
  let fr: SmscSimulator | undefined;
  let frPort: number;
  let gw: GatewayProcess;
  let nc: NatsConnection;
  let bus: Bus;
  let dir: ReturnType<typeof tempDir>;
  let configPath: string;
  let db: { url: string; drop(): Promise<void> };
  const submits: SimulatedSubmit[] = [];
  const frSubmits: SimulatedSubmit[] = [];

  async function startGateway(): Promise<GatewayProcess> {
    const g = await spawnGateway({ entry: 'smsmesh', configPath, natsUrl: nats.url, databaseUrl: db.url, dataDir: dir.path, http: true, logDir: dir.path });
    await waitFor('NATS API', async () => {
      try {
        await nc.request('$SRV.PING.smsmesh', undefined, { timeout: 500 });
        return true;
      } catch {
        return false;
      }
    }, 30_000);
    return g;
  }

  beforeAll(async () => {
    dir = tempDir('smsmesh-doors-');
    nats = await startTestNats();
    uk = await startSmscSimulator({ port: 0, receiptDelayMs: 20 });
    uk.onSubmit((s) => submits.push(s));
    // The French SMSC is down at first: its messages wait in JetStream, accepted and not yet submitted.
    const probe = await startSmscSimulator({ port: 0 });
    frPort = probe.port;
    await probe.close();
    db = await createTestDatabase();
    configPath = writeConfig(dir.path, {
      apiKey: API_KEY,
      carriers: [
        { id: 'uk', prefixes: ['+44'], port: uk.port },
        { id: 'fr', prefixes: ['+33'], port: frPort },
      ],
      moreClients: [{ id: 'limited', apiKey: LIMITED_KEY, rateLimit: 1 }],
      sections: { scheduling: { recheckMs: 1000 }, api: { maxBatchSize: 1000 } },
    });
    nc = await connect({ servers: nats.url });
    bus = await connectBus({ url: nats.url, name: 'front-doors-test', log: noopLogger });
    gw = await startGateway();
  });

  afterAll(async () => {
    await gw?.stop();
    await bus?.close();
    await nc?.close();
    await uk?.close();
    await fr?.close();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  async function http(path: string, o: { method?: string; body?: string | Uint8Array; headers?: Record<string, string>; key?: string | null } = {}): Promise<Outcome> {
    const headers: Record<string, string> = { ...(o.key === null ? {} : { Authorization: `Bearer ${o.key ?? API_KEY}` }), ...o.headers };
    if (o.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
    const r = await fetch(`${gw.baseUrl}${path}`, { method: o.method ?? (o.body !== undefined ? 'POST' : 'GET'), headers, body: o.body });
    const text = await r.text();
    return {
      status: r.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      headers: { 'retry-after': r.headers.get('retry-after'), 'idempotent-replayed': r.headers.get('idempotent-replayed'), 'content-type': r.headers.get('content-type') },
    };
  }

  async function viaNats(op: string, body: string | Uint8Array, o: { headers?: Record<string, string>; key?: string | null } = {}): Promise<Outcome & { error: { code: string | null; text: string | null } }> {
    const h = natsHeaders();
    if (o.key !== null) h.set('Authorization', `Bearer ${o.key ?? API_KEY}`);
    for (const [k, v] of Object.entries(o.headers ?? {})) h.set(k, v);
    const m = await nc.request(`sms.api.v1.${op}`, typeof body === 'string' ? enc.encode(body) : body, { headers: h, timeout: 10_000 });
    return {
      status: Number(m.headers?.get('Smsmesh-Status')),
      body: JSON.parse(dec.decode(m.data)) as Record<string, unknown>,
      headers: { 'retry-after': m.headers?.get('Retry-After') || null, 'idempotent-replayed': m.headers?.get('Idempotent-Replayed') || null },
      error: { code: m.headers?.get('Nats-Service-Error-Code') || null, text: m.headers?.get('Nats-Service-Error') || null },
    };
  }

  const statusOf = async (id: string, key = API_KEY) => (await http(`/v1/messages/${id}`, { key })).body.status as string | undefined;
  const waitStatus = (id: string, want: string, timeoutMs = 30_000) => waitFor(`${id} ${want}`, async () => (await statusOf(id)) === want, timeoutMs, 100);

  describe('the NATS API', () => {
    it('is discoverable under $SRV as service smsmesh, in its queue group', async () => {
      const ping = JSON.parse(dec.decode((await nc.request('$SRV.PING.smsmesh', undefined, { timeout: 2000 })).data)) as Record<string, unknown>;
      expect(ping).toMatchObject({ type: 'io.nats.micro.v1.ping_response', name: 'smsmesh', version: '1.0.0' });
      const info = JSON.parse(dec.decode((await nc.request(`$SRV.INFO.smsmesh.${String(ping.id)}`, undefined, { timeout: 2000 })).data)) as {
        type: string;
        endpoints: { name: string; subject: string; queue_group: string }[];
      };
      expect(info.type).toBe('io.nats.micro.v1.info_response');
      expect(info.endpoints.map((e) => e.subject).sort()).toEqual(['sms.api.v1.batch', 'sms.api.v1.cancel', 'sms.api.v1.get', 'sms.api.v1.inbound', 'sms.api.v1.list', 'sms.api.v1.optouts', 'sms.api.v1.optouts.add', 'sms.api.v1.optouts.remove', 'sms.api.v1.send']);
      expect(new Set(info.endpoints.map((e) => e.queue_group))).toEqual(new Set(['smsmesh']));
      await viaNats('send', JSON.stringify({ to: '+447700900001', from: 'ACME', text: 'stats' }));
      await viaNats('send', '{');
      const stats = JSON.parse(dec.decode((await nc.request('$SRV.STATS', undefined, { timeout: 2000 })).data)) as {
        type: string;
        endpoints: { name: string; num_requests: number; num_errors: number; last_error: string; processing_time: number }[];
      };
      const send = stats.endpoints.find((e) => e.name === 'send')!;
      expect(stats.type).toBe('io.nats.micro.v1.stats_response');
      expect(send.num_requests).toBeGreaterThanOrEqual(2);
      expect(send.num_errors).toBeGreaterThanOrEqual(1);
      expect(send.last_error).toMatch(/^400:The body is not valid JSON/);
      expect(send.processing_time).toBeGreaterThan(0);
    });

    it('answers one corpus of good and bad requests exactly as HTTP does', async () => {
      const good = { to: '+447700900123', from: 'ACME', text: 'Hello' };
      const bad = (o: Record<string, unknown>) => JSON.stringify({ ...good, ...o });
      const cases: { name: string; body: string | Uint8Array; headers?: Record<string, string>; key?: string | null; dryRun?: boolean }[] = [
        { name: 'good GSM', body: JSON.stringify(good) },
        { name: 'good long UCS-2', body: bad({ text: 'Привет, мир! '.repeat(10), clientRef: 'corpus-ucs2' }) },
        { name: 'good with validity', body: bad({ validity: 3600 }) },
        { name: 'dry run', body: bad({ text: 'x'.repeat(200) }), dryRun: true },
        { name: 'missing fields', body: '{}' },
        { name: 'not E.164', body: bad({ to: '07700900123' }) },
        { name: 'unknown field', body: bad({ priority: 'high' }) },
        { name: 'not an object', body: '[1,2]' },
        { name: 'malformed JSON', body: '{"to": "+4477' },
        { name: 'invalid UTF-8', body: Uint8Array.from([...enc.encode('{"to":"+447700900123","from":"ACME","text":"caf'), 0xe9, ...enc.encode('"}')]) },
        { name: 'text too long', body: bad({ text: 'x'.repeat(1601) }) },
        { name: 'binary not hex', body: bad({ encoding: 'binary', text: 'zz' }) },
        { name: 'GSM text outside GSM', body: bad({ encoding: 'gsm7', text: 'Привет' }) },
        { name: 'sendAt not RFC 3339', body: bad({ sendAt: 'tomorrow' }) },
        { name: 'sendAt too far ahead', body: bad({ sendAt: new Date(Date.now() + 40 * 86_400_000).toISOString() }) },
        { name: 'validity too short', body: bad({ validity: 5 }) },
        { name: 'no route', body: bad({ to: '+14155550100' }) },
        { name: 'bad Idempotency-Key', body: JSON.stringify(good), headers: { 'Idempotency-Key': 'has spaces in it' } },
        { name: 'bad dryRun', body: JSON.stringify(good), headers: { 'Smsmesh-Dry-Run': 'maybe' } },
        { name: 'no API key', body: JSON.stringify(good), key: null },
        { name: 'wrong API key', body: JSON.stringify(good), key: 'wrong-key-wrong-key' },
        { name: 'body too large', body: bad({ text: 'x'.repeat(20_000) }) },
      ];
      for (const c of cases) {
        const query = c.dryRun ? '?dryRun=true' : c.headers?.['Smsmesh-Dry-Run'] ? `?dryRun=${c.headers['Smsmesh-Dry-Run']}` : '';
        const httpHeaders = { ...c.headers };
        delete httpHeaders['Smsmesh-Dry-Run'];
        const h = await http(`/v1/messages${query}`, { body: c.body, headers: httpHeaders, key: c.key });
        const n = await viaNats('send', c.body, { headers: { ...c.headers, ...(c.dryRun ? { 'Smsmesh-Dry-Run': 'true' } : {}) }, key: c.key });
        expect(n.status, c.name).toBe(h.status);
        if (h.status === 202) {
          const { id: hid, ...hRest } = h.body;
          const { id: nid, ...nRest } = n.body;
          expect(nRest, c.name).toEqual(hRest);
          expect(nid, c.name).not.toBe(hid);
        } else {
          expect(n.body, c.name).toEqual(h.body);
        }
        if (h.status >= 400) {
          expect(h.headers['content-type'], c.name).toContain('application/problem+json');
          expect(n.error, c.name).toEqual({ code: String(h.status), text: h.body.detail });
        } else {
          expect(n.error.code, c.name).toBeNull();
        }
      }
      const byName = async (name: string) => http('/v1/messages', { body: cases.find((c) => c.name === name)!.body });
      const at = enc.encode('{"to":"+447700900123","from":"ACME","text":"caf').length;
      expect((await byName('invalid UTF-8')).body).toMatchObject({ status: 400, offset: at, detail: expect.stringMatching(new RegExp(`offset ${at} `)) });
      expect((await byName('good long UCS-2')).body).toMatchObject({ status: 'accepted', segments: 2, encoding: 'ucs2' });
    });

    it('answers get, list and cancel with the HTTP bodies, and batch with the same per-item results', async () => {
      const sent = await http('/v1/messages', { body: JSON.stringify({ to: '+447700900200', from: 'ACME', text: 'twice seen', clientRef: 'twins' }) });
      const id = sent.body.id as string;
      await waitStatus(id, 'delivered');
      expect((await viaNats('get', JSON.stringify({ id }))).body).toEqual((await http(`/v1/messages/${id}`)).body);
      expect((await viaNats('list', JSON.stringify({ clientRef: 'twins' }))).body).toEqual((await http('/v1/messages?clientRef=twins')).body);
      const h = await http(`/v1/messages/${id}`, { method: 'DELETE' });
      const n = await viaNats('cancel', JSON.stringify({ id }));
      expect(h.status).toBe(409);
      expect(n.status).toBe(409);
      expect(n.body).toEqual(h.body);
      expect((await viaNats('get', '{}')).status).toBe(400);
      const batch = JSON.stringify({ messages: [{ to: '+447700900201', from: 'ACME', text: 'a' }, { to: 'nope', from: 'ACME', text: 'b' }, { to: '+14155550100', from: 'ACME', text: 'c' }] });
      const hb = await http('/v1/messages/batch?dryRun=true', { body: batch });
      const nb = await viaNats('batch', batch, { headers: { 'Smsmesh-Dry-Run': 'true' } });
      expect(hb.status).toBe(200);
      expect(nb.status).toBe(200);
      expect(nb.body).toEqual(hb.body);
      expect((hb.body.results as { status: unknown }[]).map((r) => r.status)).toEqual(['accepted', 400, 422]);
    });
  });

  describe('Idempotency-Key', () => {
    const body = (text: string) => JSON.stringify({ to: '+447700900300', from: 'ACME', text });

    it('replays the first answer across both transports, sends once, and refuses another body with 422', async () => {
      const key = { 'Idempotency-Key': `order-${Date.now()}` };
      const first = await http('/v1/messages', { body: body('once'), headers: key });
      expect(first.status).toBe(202);
      expect(first.headers['idempotent-replayed']).toBeNull();
      const again = await viaNats('send', body('once'), { headers: key });
      expect(again.status).toBe(202);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      // The draft's structured-field form names the same key.
      const quoted = await http('/v1/messages', { body: JSON.stringify({ from: 'ACME', text: 'once', to: '+447700900300' }), headers: { 'Idempotency-Key': `"${key['Idempotency-Key']}"` } });
      expect(quoted.body).toEqual(first.body);
      const other = await http('/v1/messages', { body: body('a different message'), headers: key });
      const otherNats = await viaNats('send', body('a different message'), { headers: key });
      expect(other.status).toBe(422);
      expect(other.body).toMatchObject({ type: 'urn:smsmesh:problem:idempotencyKeyReused' });
      expect(otherNats.body).toEqual(other.body);
      await waitStatus(first.body.id as string, 'delivered');
      expect(submits.filter((s) => s.destinationAddr === '447700900300')).toHaveLength(1);
    });

    it('answers 409 while another edge holds the key, and takes over a claim whose edge died', async () => {
      const key = `held-${Date.now()}`;
      const text = 'in flight elsewhere';
      const v = validateSubmit(JSON.parse(body(text)), { maxTextLength: 1600 });
      if (!v.ok) throw new Error('corpus body invalid');
      const kv = await openKvStore(bus, Buckets.idempotency);
      const rec = (at: number) => enc.encode(JSON.stringify({ s: 'p', fp: fingerprint(v.value), at }));
      const kvKey = idempotentMessageId('test-client', key);
      const rev = await kv.create(kvKey, rec(Date.now()));
      const h = await http('/v1/messages', { body: body(text), headers: { 'Idempotency-Key': key } });
      const n = await viaNats('send', body(text), { headers: { 'Idempotency-Key': key } });
      expect(h.status).toBe(409);
      expect(h.body).toMatchObject({ type: 'urn:smsmesh:problem:idempotencyKeyInFlight' });
      expect(h.headers['retry-after']).toBe('1');
      expect(n.body).toEqual(h.body);
      // The holder's claim is a minute old: its edge died mid-request. The retry takes the key over and sends once.
      await kv.update(kvKey, rec(Date.now() - 60_000), rev);
      const retry = await http('/v1/messages', { body: body(text), headers: { 'Idempotency-Key': key } });
      expect(retry.status).toBe(202);
      expect(retry.body.id).toBe(kvKey);
      const replay = await viaNats('send', body(text), { headers: { 'Idempotency-Key': key } });
      expect(replay.body).toEqual(retry.body);
    });

    it('asks the edge that holds a claim: the claim of an edge that is gone is taken over at once, or replayed when its last mark covers it', async () => {
      const kv = await openKvStore(bus, Buckets.idempotency);
      const claimOf = async (to: string, key: string, owner: string, at: number, carrier: string) => {
        const b = JSON.stringify({ to, from: 'ACME', text: 'claimed elsewhere' });
        const v = validateSubmit(JSON.parse(b), { maxTextLength: 1600 });
        if (!v.ok) throw new Error('corpus body invalid');
        const id = idempotentMessageId('test-client', key);
        const r = { id, status: 'accepted', carrier, segments: 1, encoding: 'gsm7' };
        await kv.create(id, enc.encode(JSON.stringify({ s: 'c', fp: fingerprint(v.value), at, o: owner, r })));
        return { body: b, headers: { 'Idempotency-Key': key }, r };
      };
      // Claimed a moment ago by an edge that no longer answers on NATS (it died before storing the message): the
      // retry does not wait out a lease; it takes the key over and stores the message once.
      const gone = await claimOf('+447700900310', `gone-${Date.now()}`, 'deadbeefdeadbeef', Date.now(), 'uk');
      const taken = await http('/v1/messages', { body: gone.body, headers: gone.headers });
      expect(taken.status).toBe(202);
      expect(taken.headers['idempotent-replayed']).toBeNull();
      expect(taken.body).toEqual(gone.r);
      await waitStatus(gone.r.id, 'delivered');
      expect(submits.filter((x) => x.destinationAddr === '447700900310')).toHaveLength(1);
      expect((await viaNats('send', gone.body, { headers: gone.headers })).body).toEqual(gone.r);
      // Claimed by an edge that settled it before it went (its settled mark is past the claim): the recorded answer
      // is replayed as it stands, without storing anything.
      const settled = await claimOf('+447700900311', `settled-${Date.now()}`, 'cafecafecafecafe', Date.now() - 2000, 'recorded');
      await kv.put('settled.cafecafecafecafe', enc.encode(String(Date.now() - 1000)));
      const replayed = await viaNats('send', settled.body, { headers: settled.headers });
      expect(replayed.status).toBe(202);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.body).toEqual(settled.r);
    });
  });

  describe('batch', () => {
    it('accepts 1,000 messages in one call, each on its own, in order, and delivers each good one once', async () => {
      const items = Array.from({ length: 1000 }, (_, i) =>
        i % 100 === 7 ? { to: 'not-a-number', from: 'ACME', text: `bad ${i}` } : { to: `+4477012${String(i).padStart(5, '0')}`, from: 'ACME', text: `batch ${i}`, clientRef: `batch-${i}` },
      );
      const r = await http('/v1/messages/batch', { body: JSON.stringify({ messages: items }) });
      expect(r.status).toBe(200);
      const results = r.body.results as Record<string, unknown>[];
      expect(results).toHaveLength(1000);
      results.forEach((res, i) => {
        if (i % 100 === 7) expect(res, `item ${i}`).toMatchObject({ status: 400, errors: [{ field: 'to' }] });
        else expect(res, `item ${i}`).toMatchObject({ status: 'accepted', carrier: 'uk', segments: 1 });
      });
      const ids = results.filter((x) => x.status === 'accepted').map((x) => x.id as string);
      expect(new Set(ids).size).toBe(990);
      await waitFor('batch delivered', async () => {
        const st = await pool(ids, 50, (id) => statusOf(id));
        return st.every((s) => s === 'delivered');
      }, 90_000, 1000);
      const perDest = new Map<string, number>();
      for (const s of submits) perDest.set(s.destinationAddr, (perDest.get(s.destinationAddr) ?? 0) + 1);
      items.forEach((it, i) => {
        if (i % 100 !== 7) expect(perDest.get(it.to.slice(1)), it.to).toBe(1);
      });
    });

    it('takes a token per message: past the client rate, items get their own 429 — shared with the NATS API', async () => {
      const items = [0, 1, 2].map((i) => ({ to: `+44770090040${i}`, from: 'ACME', text: `limited ${i}` }));
      const r = await http('/v1/messages/batch', { body: JSON.stringify({ messages: items }), key: LIMITED_KEY });
      const results = r.body.results as { status: unknown; type?: string }[];
      expect(results.map((x) => x.status)).toEqual(['accepted', 429, 429]);
      expect(results[1]!.type).toBe('urn:smsmesh:problem:rateLimited');
      const n = await viaNats('send', JSON.stringify(items[0]), { key: LIMITED_KEY });
      expect(n.status).toBe(429);
      expect(n.headers['retry-after']).toBe('1');
    });

    it('refuses an empty, oversized or header-keyed batch as a whole', async () => {
      expect((await http('/v1/messages/batch', { body: '{"messages":[]}' })).body).toMatchObject({ status: 400, detail: 'messages must not be empty' });
      const many = JSON.stringify({ messages: Array.from({ length: 1001 }, () => ({ to: '+447700900123', from: 'A', text: 'x' })) });
      expect((await http('/v1/messages/batch', { body: many })).body).toMatchObject({ status: 400, detail: 'messages has 1001 items; the limit is 1000' });
      expect((await http('/v1/messages/batch', { body: '{"messages":[{}]}', headers: { 'Idempotency-Key': 'k' } })).body).toMatchObject({ status: 400 });
    });
  });

  describe('listing', () => {
    it('pages a client\'s messages newest first, with filters, identically over HTTP and NATS', async () => {
      const tag = `list-${Date.now()}`;
      const ids: string[] = [];
      for (let i = 0; i < 25; i++) {
        const r = await http('/v1/messages', { body: JSON.stringify({ to: i % 5 === 0 ? '+447700900555' : `+4477009006${String(i).padStart(2, '0')}`, from: 'ACME', text: `list ${i}`, clientRef: `${tag}-${i}` }) });
        ids.push(r.body.id as string);
      }
      await waitFor('all listed', async () => {
        const st = await pool(ids, 25, (id) => statusOf(id));
        return st.every((s) => s === 'delivered');
      }, 60_000, 500);
      const since = (await http(`/v1/messages/${ids[0]}`)).body.acceptedAt as string;
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = `/v1/messages?since=${encodeURIComponent(since)}&limit=10${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await http(q);
        expect(page.status).toBe(200);
        const viaN = await viaNats('list', JSON.stringify({ since, limit: 10, ...(cursor ? { cursor } : {}) }));
        expect(viaN.body).toEqual(page.body);
        seen.push(...(page.body.messages as { id: string }[]).map((m) => m.id));
        cursor = page.body.nextCursor as string | null;
        pages++;
      } while (cursor && pages < 20);
      const ours = seen.filter((id) => ids.includes(id));
      expect(ours).toEqual([...ids].reverse());
      const to = await http(`/v1/messages?to=${encodeURIComponent('+447700900555')}&since=${encodeURIComponent(since)}`);
      expect((to.body.messages as { id: string }[]).map((m) => m.id)).toEqual([ids[20], ids[15], ids[10], ids[5], ids[0]]);
      const one = await http(`/v1/messages?clientRef=${tag}-3&status=delivered`);
      expect((one.body.messages as { id: string }[]).map((m) => m.id)).toEqual([ids[3]]);
      expect((await http(`/v1/messages?clientRef=${tag}-3&status=failed`)).body.messages).toEqual([]);
      expect((await http('/v1/messages?clientRef=' + `${tag}-3`, { key: `${API_KEY}-other` })).body.messages).toEqual([]);
      expect((await http('/v1/messages?status=sent&limit=0')).body).toMatchObject({ status: 400, errors: [{ field: 'status' }, { field: 'limit' }] });
    });
  });

  describe('sendAt, cancel and validity', () => {
    it('holds a scheduled message and sends it once due, not before', async () => {
      const sendAt = new Date(Date.now() + 3000);
      const r = await http('/v1/messages', { body: JSON.stringify({ to: '+447700900700', from: 'ACME', text: 'later', sendAt: sendAt.toISOString() }) });
      expect(r.status).toBe(202);
      expect(r.body).toMatchObject({ status: 'scheduled', sendAt: sendAt.toISOString() });
      const id = r.body.id as string;
      await waitStatus(id, 'scheduled', 10_000);
      await waitStatus(id, 'delivered', 30_000);
      const s = submits.filter((x) => x.destinationAddr === '447700900700');
      expect(s).toHaveLength(1);
      expect(s[0]!.at).toBeGreaterThanOrEqual(sendAt.getTime());
      console.log(`scheduled message submitted ${s[0]!.at - sendAt.getTime()} ms after its sendAt`);
    });

    it('cancels a held message for certain (200), records canceled, and never sends it; 409 once sent', async () => {
      const r = await http('/v1/messages', { body: JSON.stringify({ to: '+447700900701', from: 'ACME', text: 'never', sendAt: new Date(Date.now() + 3_600_000).toISOString() }) });
      const id = r.body.id as string;
      await waitStatus(id, 'scheduled', 10_000);
      const c = await http(`/v1/messages/${id}`, { method: 'DELETE' });
      expect(c).toMatchObject({ status: 200, body: { id, status: 'canceled' } });
      await waitStatus(id, 'canceled', 10_000);
      expect((await http(`/v1/messages/${id}`, { method: 'DELETE' })).status).toBe(200);
      expect((await http(`/v1/messages/${id}`, { method: 'DELETE', key: `${API_KEY}-other` })).status).toBe(404);
      expect(submits.some((x) => x.destinationAddr === '447700900701')).toBe(false);
    });

    it('cancels a queued message before any bind takes it, and sends the others of that queue', async () => {
      const keep = await http('/v1/messages', { body: JSON.stringify({ to: '+33612345001', from: 'ACME', text: 'keep me' }) });
      const drop = await http('/v1/messages', { body: JSON.stringify({ to: '+33612345002', from: 'ACME', text: 'drop me' }) });
      const dropId = drop.body.id as string;
      await waitStatus(dropId, 'accepted', 10_000);
      const c = await http(`/v1/messages/${dropId}`, { method: 'DELETE' });
      expect(c).toMatchObject({ status: 202, body: { id: dropId, status: 'canceling' } });
      // The French SMSC comes up: its bind takes the queue, skips the canceled one, sends the other.
      fr = await startSmscSimulator({ port: frPort, receiptDelayMs: 20 });
      fr.onSubmit((s) => frSubmits.push(s));
      await waitStatus(keep.body.id as string, 'delivered', 60_000);
      await waitStatus(dropId, 'canceled', 30_000);
      expect(frSubmits.map((s) => s.destinationAddr)).toEqual(['33612345001']);
    });

    it('passes the time left of a validity to the SMSC as validity_period', async () => {
      const r = await http('/v1/messages', { body: JSON.stringify({ to: '+447700900702', from: 'ACME', text: 'valid an hour', validity: 3600 }) });
      await waitStatus(r.body.id as string, 'delivered');
      const s = submits.find((x) => x.destinationAddr === '447700900702')!;
      // Relative time, hh:mm:ss of just under an hour: 00:59:4x–00:59:59. 01:00:00 too: the machine's wall clock
      // may be stepped back between the accept and the submit (seen once on CI); the unit tests of the PDU
      // builder pin the subtraction itself with a fixed clock.
      expect(s.validityPeriod).toMatch(/^(0000000059[45]\d|000000010000)000R$/);
      expect((await http(`/v1/messages/${r.body.id as string}`)).body.validUntil).toEqual(expect.any(String));
    });
  });

  describe('the typed client', () => {
    for (const transport of ['http', 'nats'] as const) {
      it(`sends, batches, gets, lists and cancels over ${transport}, with typed errors`, async () => {
        const client = transport === 'http' ? new SmsmeshClient({ apiKey: API_KEY, http: { baseUrl: gw.baseUrl } }) : new SmsmeshClient({ apiKey: API_KEY, nats: { connection: nc } });
        const ref = `client-${transport}-${Date.now()}`;
        const a = await client.send({ to: '+447700900800', from: 'ACME', text: `from the ${transport} client`, clientRef: ref }, { idempotencyKey: ref });
        expect(a).toMatchObject({ status: 'accepted', carrier: 'uk', segments: 1, encoding: 'gsm7' });
        expect((await client.send({ to: '+447700900800', from: 'ACME', text: `from the ${transport} client`, clientRef: ref }, { idempotencyKey: ref })).id).toBe(a.id);
        expect(await client.dryRun({ to: '+447700900800', from: 'ACME', text: 'x'.repeat(161) })).toEqual({ dryRun: true, status: 'accepted', carrier: 'uk', segments: 2, encoding: 'gsm7' });
        const results = await client.batch([{ to: '+447700900801', from: 'ACME', text: 'b1', clientRef: ref }, { to: 'x', from: 'ACME', text: 'b2' }]);
        expect(isProblem(results[0]!)).toBe(false);
        expect(isProblem(results[1]!) && results[1].status).toBe(400);
        const held = await client.send({ to: '+447700900802', from: 'ACME', text: 'held', clientRef: `${ref}-held`, sendAt: new Date(Date.now() + 3_600_000) });
        expect(held.status).toBe('scheduled');
        await waitFor('visible', async () => (await client.list({ clientRef: `${ref}-held` })).messages.length === 1, 20_000, 200);
        expect((await client.list({ clientRef: `${ref}-held`, status: 'scheduled' })).messages.map((m) => m.id)).toEqual([held.id]);
        expect((await client.get(a.id)).clientRef).toBe(ref);
        expect(await client.cancel(held.id)).toEqual({ id: held.id, status: 'canceled' });
        const err = await client.send({ to: '+447700900800', from: 'ACME', text: 'another body', clientRef: ref }, { idempotencyKey: ref }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SmsmeshError);
        expect((err as SmsmeshError).status).toBe(422);
        expect((err as SmsmeshError).type).toBe('idempotencyKeyReused');
        expect((err as SmsmeshError).problem.detail).toMatch(/different request body/);
        const missing = await client.get('0190a0b0-0000-7000-8000-000000000000').catch((e: unknown) => e);
        expect((missing as SmsmeshError).status).toBe(404);
      });
    }
  });

  describe('restarts', () => {
    it('keeps a scheduled message and the idempotency records across a gateway crash and a nats-server restart', async () => {
      const key = { 'Idempotency-Key': `restart-${Date.now()}` };
      const sendAt = new Date(Date.now() + 8000);
      const body = JSON.stringify({ to: '+447700900900', from: 'ACME', text: 'survives', sendAt: sendAt.toISOString() });
      const r = await http('/v1/messages', { body, headers: key });
      expect(r.body.status).toBe('scheduled');
      await gw.kill();
      await nc.close();
      await bus.close();
      await nats.stop();
      nats = await nats.restart();
      nc = await connect({ servers: nats.url });
      bus = await connectBus({ url: nats.url, name: 'front-doors-test', log: noopLogger });
      gw = await startGateway();
      const again = await viaNats('send', body, { headers: key });
      expect(again.status).toBe(202);
      expect(again.body).toEqual(r.body);
      await waitStatus(r.body.id as string, 'delivered', 60_000);
      const s = submits.filter((x) => x.destinationAddr === '447700900900');
      expect(s).toHaveLength(1);
      expect(s[0]!.at).toBeGreaterThanOrEqual(sendAt.getTime());
    });
  });
});
