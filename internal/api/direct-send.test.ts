/**
 * POST /v1/messages served directly must answer exactly as the Hono route does: the same request to an edge
 * listener with the direct lane and to the Hono app alone, over real sockets, gives the same status, headers and
 * body, hands the front door the same request and counts the same metrics.
 */
import { createServer, request, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientAuth } from '../frontdoor/client-auth.js';
import type { FrontDoor, SendRequest } from '../frontdoor/front-door.js';
import { problemReply, type Reply } from '../frontdoor/reply.js';
import { noopLogger } from '../log/logger.js';
import { createEdgeMetrics } from '../metrics/edge.js';
import { createApp } from './app.js';
import { directSend } from './direct-send.js';
import { httpListener } from './http-listener.js';

const SEND_KEY = 'direct-send-key-0123456789';
const READ_KEY = 'direct-read-key-0123456789';
const MAX_BODY = 256;

/** What the front door answers, by the body's `reply` field; everything it is handed is recorded. */
function recordingFrontDoor(seen: SendRequest[]): FrontDoor {
  const ok = async (): Promise<Reply> => ({ status: 200, body: { ok: true } });
  return {
    async send(_client, r) {
      seen.push({ ...r, body: Buffer.from(r.body) });
      const asked = (JSON.parse(Buffer.from(r.body).toString('utf8')) as { reply?: string }).reply;
      switch (asked) {
        case 'rate':
          return problemReply('rateLimited', 'Client c may send 1 messages per second; retry after 1 s.', {}, { 'Retry-After': '1', 'X-RateLimit-Limit': '1' });
        case 'invalid':
          return problemReply('invalidRequest', 'to is required', { errors: [{ field: 'to', message: 'is required' }] });
        case 'throw':
          throw new Error('a bug in the front door');
        default:
          return { status: 202, body: { id: '01900000-0000-7000-8000-000000000000', status: 'accepted', segments: 1 }, headers: { 'Idempotent-Replayed': 'false' } };
      }
    },
    batch: ok,
    get: ok,
    list: ok,
    cancel: ok,
  };
}

interface Side {
  server: Server;
  port: number;
  registry: Registry;
  seen: SendRequest[];
  direct: number;
}

async function startSide(withDirect: boolean): Promise<Side> {
  const registry = new Registry();
  const metrics = createEdgeMetrics(registry);
  const seen: SendRequest[] = [];
  const frontDoor = recordingFrontDoor(seen);
  const authenticate = createClientAuth([
    { id: 'sender', apiKey: SEND_KEY, scopes: ['send'], rateLimit: 0 },
    { id: 'reader', apiKey: READ_KEY, scopes: ['read'], rateLimit: 0 },
  ]);
  const app = createApp({
    frontDoor,
    authenticate,
    readiness: async () => ({ ready: true, checks: {} }),
    carriers: async () => ({ ready: true, checks: {} }),
    registry,
    metrics,
    log: noopLogger,
    limits: { maxTextLength: 900, maxBatchSize: 250, maxBodyBytes: MAX_BODY, maxBatchBodyBytes: 4096, idempotencyTtlMs: 3600_000 },
  });
  const side = { registry, seen, direct: 0 } as Side;
  const lane = directSend({ frontDoor, authenticate, maxBodyBytes: MAX_BODY, metrics, log: noopLogger });
  const counted: typeof lane = (req, res) => {
    const taken = lane(req, res);
    if (taken) side.direct++;
    return taken;
  };
  side.server = createServer(withDirect ? httpListener(app, counted) : getRequestListener(app.fetch));
  await new Promise<void>((resolve) => side.server.listen(0, '127.0.0.1', resolve));
  side.port = (side.server.address() as AddressInfo).port;
  return side;
}

interface Sent {
  /** Headers as Node's rawHeaders: [name, value, name, value, …], repeats kept. */
  rawHeaders?: string[];
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Sent with Transfer-Encoding: chunked, no Content-Length. */
  chunked?: boolean;
}

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
  reusedSocket: boolean;
}

const COMPARED_HEADERS = ['content-type', 'content-length', 'retry-after', 'x-ratelimit-limit', 'idempotent-replayed'];

function send(port: number, s: Sent, agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(s.body ?? '');
    const named: Record<string, string | number> = { ...s.headers };
    if (s.chunked) named['Transfer-Encoding'] = 'chunked';
    else named['Content-Length'] = body.length;
    // Given as a list, headers are sent as they are: Host too must be there.
    const headers = s.rawHeaders ? ['Host', `127.0.0.1:${port}`, ...s.rawHeaders, ...Object.entries(named).flatMap(([k, v]) => [k, String(v)])] : named;
    const req = request({ host: '127.0.0.1', port, method: s.method ?? 'POST', path: s.path ?? '/v1/messages', headers, agent: agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: Object.fromEntries(COMPARED_HEADERS.map((h) => [h, res.headers[h] as string | undefined])),
          body: text === '' ? '' : JSON.parse(text),
          reusedSocket: req.reusedSocket,
        });
      });
    });
    req.on('error', reject);
    if (s.chunked) {
      req.write(body.subarray(0, 3));
      req.end(body.subarray(3));
    } else req.end(body);
  });
}

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const json = { 'Content-Type': 'application/json' };
const good = JSON.stringify({ to: '+447700900123', from: 'ACME', text: 'Hello' });

const CASES: { name: string; sent: Sent; direct: boolean }[] = [
  { name: 'no key', sent: { headers: json, body: good }, direct: true },
  { name: 'a wrong key', sent: { headers: { ...auth('not-a-key-0123456789'), ...json }, body: good }, direct: true },
  { name: 'a key without the send scope', sent: { headers: { ...auth(READ_KEY), ...json }, body: good }, direct: true },
  { name: 'a body over the limit', sent: { headers: { ...auth(SEND_KEY), ...json }, body: 'x'.repeat(MAX_BODY + 1) }, direct: true },
  { name: 'a text/plain body', sent: { headers: { ...auth(SEND_KEY), 'Content-Type': 'text/plain' }, body: good }, direct: true },
  { name: 'no Content-Type', sent: { headers: auth(SEND_KEY), body: good }, direct: true },
  {
    name: 'a good send with its key, trace and a structured JSON type',
    sent: {
      headers: { ...auth(SEND_KEY), 'Content-Type': 'application/vnd.acme+json; charset=utf-8', 'Idempotency-Key': 'order-17', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      body: good,
    },
    direct: true,
  },
  { name: 'a dry run', sent: { path: '/v1/messages?dryRun=true', headers: { ...auth(SEND_KEY), ...json }, body: good }, direct: true },
  { name: 'dryRun among other parameters, encoded', sent: { path: '/v1/messages?x=1&dryRun=%66alse', headers: { ...auth(SEND_KEY), ...json }, body: good }, direct: true },
  { name: 'a 429 with Retry-After', sent: { headers: { ...auth(SEND_KEY), ...json }, body: '{"reply":"rate"}' }, direct: true },
  { name: 'a 400 with field errors', sent: { headers: { ...auth(SEND_KEY), ...json }, body: '{"reply":"invalid"}' }, direct: true },
  { name: 'a front door that throws', sent: { headers: { ...auth(SEND_KEY), ...json }, body: '{"reply":"throw"}' }, direct: true },
  { name: 'a chunked body (Hono checks its size)', sent: { headers: { ...auth(SEND_KEY), ...json }, body: good, chunked: true }, direct: false },
  { name: 'a chunked body over the limit', sent: { headers: { ...auth(SEND_KEY), ...json }, body: 'y'.repeat(MAX_BODY + 10), chunked: true }, direct: false },
  { name: 'a trailing slash', sent: { path: '/v1/messages/', headers: { ...auth(SEND_KEY), ...json }, body: good }, direct: false },
  { name: 'the batch route', sent: { path: '/v1/messages/batch', headers: { ...auth(SEND_KEY), ...json }, body: '{"messages":[]}' }, direct: false },
  { name: 'a GET', sent: { method: 'GET', headers: auth(READ_KEY) }, direct: false },
  {
    name: 'two Authorization headers',
    sent: { rawHeaders: ['Authorization', `Bearer ${SEND_KEY}`, 'authorization', 'Bearer other-key-0123456789', 'Content-Type', 'application/json'], body: good },
    direct: false,
  },
  {
    name: 'two Content-Type headers',
    sent: { rawHeaders: ['Authorization', `Bearer ${SEND_KEY}`, 'Content-Type', 'application/json', 'content-type', 'text/plain'], body: good },
    direct: false,
  },
];

describe('POST /v1/messages served directly', () => {
  let hono: Side;
  let direct: Side;

  beforeAll(async () => {
    hono = await startSide(false);
    direct = await startSide(true);
  });

  afterAll(async () => {
    for (const s of [hono, direct]) await new Promise((r) => s?.server.close(r));
  });

  it.each(CASES)('answers $name as the Hono route does', async ({ sent, direct: served }) => {
    const before = { hono: hono.seen.length, direct: direct.seen.length, lane: direct.direct };
    const viaHono = await send(hono.port, sent);
    const viaDirect = await send(direct.port, sent);
    expect(viaDirect).toEqual(viaHono);
    expect(direct.direct - before.lane).toBe(served ? 1 : 0);
    expect(direct.seen.slice(before.direct)).toEqual(hono.seen.slice(before.hono));
  });

  it('hands the front door the body, key, dry run and traceparent as received', () => {
    const withKey = direct.seen.find((r) => r.idempotencyKey === 'order-17');
    expect(withKey).toMatchObject({ dryRun: undefined, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(Buffer.from(withKey!.body).toString('utf8')).toBe(good);
    expect(direct.seen.map((r) => r.dryRun).filter((d) => d !== undefined)).toEqual(['true', 'false']);
  });

  it('keeps the connection usable after refusing a body it did not read', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await send(direct.port, { headers: { ...auth(SEND_KEY), 'Content-Type': 'text/plain' }, body: 'z'.repeat(200) }, agent);
      expect(refused.status).toBe(415);
      const next = await send(direct.port, { headers: { ...auth(SEND_KEY), ...json }, body: good }, agent);
      expect(next.status).toBe(202);
      expect(next.reusedSocket).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('counts the same request metrics as the Hono route', async () => {
    const series = async (s: Side) => {
      const out: Record<string, number> = {};
      for (const m of await s.registry.getMetricsAsJSON()) {
        if (m.name !== 'smsmesh_http_problems_total' && m.name !== 'smsmesh_http_request_duration_seconds') continue;
        for (const v of m.values as { value: number; labels: Record<string, string | number>; metricName?: string }[]) {
          if (m.name === 'smsmesh_http_request_duration_seconds' && v.metricName !== 'smsmesh_http_request_duration_seconds_count') continue;
          out[`${m.name}${JSON.stringify(v.labels)}`] = v.value;
        }
      }
      return out;
    };
    // The keep-alive test above sent two requests to the direct side only.
    await send(hono.port, { headers: { ...auth(SEND_KEY), 'Content-Type': 'text/plain' }, body: 'z'.repeat(200) });
    await send(hono.port, { headers: { ...auth(SEND_KEY), ...json }, body: good });
    const h = await series(hono);
    expect(Object.keys(h).length).toBeGreaterThan(5);
    expect(await series(direct)).toEqual(h);
  });
});
