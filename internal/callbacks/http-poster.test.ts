import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoster } from './http-poster.js';

/** A local receiver answering by path: /ok, /busy (503 + Retry-After), /gone (410), /bad (400), /hang. */
let server: Server;
let port: number;
const seen: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url === '/hang') return;
      const status = req.url === '/ok' ? 204 : req.url === '/busy' ? 503 : req.url === '/gone' ? 410 : 400;
      res.writeHead(status, status === 503 ? { 'retry-after': '7' } : {}).end('x');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  port = typeof a === 'object' && a ? a.port : 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('callback poster', () => {
  it('POSTs the body and headers as given, and classifies the answer', async () => {
    const p = createPoster({ timeoutMs: 500, allowPrivateTargets: true, maxSockets: 4 });
    const url = (path: string) => `http://127.0.0.1:${port}${path}`;
    expect(await p.post(url('/ok'), { 'webhook-id': 'msg_1' }, '{"a":"é"}')).toEqual({ kind: 'delivered', status: 204 });
    const got = seen.find((s) => s.path === '/ok')!;
    expect(got.body).toBe('{"a":"é"}');
    expect(got.headers['webhook-id']).toBe('msg_1');
    expect(got.headers['content-type']).toBe('application/json');
    expect(await p.post(url('/busy'), {}, '{}')).toEqual({ kind: 'retry', reason: 'HTTP 503', retryAfterMs: 7000 });
    expect(await p.post(url('/gone'), {}, '{}')).toEqual({ kind: 'gone' });
    expect(await p.post(url('/bad'), {}, '{}')).toEqual({ kind: 'refused', reason: 'HTTP 400' });
    const t0 = Date.now();
    expect(await p.post(url('/hang'), {}, '{}')).toEqual({ kind: 'retry', reason: 'no answer within 500 ms' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(480);
    const closed = await p.post('http://127.0.0.1:1/none', {}, '{}');
    expect(closed.kind).toBe('retry');
    p.close();
  });

  it('refuses loopback targets, by address and by name, without sending anything, unless private targets are allowed', async () => {
    const p = createPoster({ timeoutMs: 2000, allowPrivateTargets: false, maxSockets: 4 });
    const before = seen.length;
    const byAddress = await p.post(`http://127.0.0.1:${port}/ok`, {}, '{}');
    expect(byAddress.kind).toBe('refused');
    expect(byAddress.kind === 'refused' && byAddress.reason).toMatch(/^target refused: 127\.0\.0\.1 is a private/);
    const byName = await p.post(`http://localhost:${port}/ok`, {}, '{}');
    expect(byName.kind).toBe('refused');
    expect(byName.kind === 'refused' && byName.reason).toMatch(/^target refused: localhost resolves to/);
    expect(await p.post('ftp://example.com/x', {}, '{}')).toEqual({ kind: 'refused', reason: 'bad URL: ftp: is not http: or https:' });
    expect(seen.length).toBe(before);
    p.close();
  });
});
