import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpPool, parseResponse, type HttpResult } from './http-pool.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('parseResponse', () => {
  it('reads a Content-Length body and reports the bytes it used', () => {
    const raw = 'HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"id":"x"}EXTRA';
    const r = parseResponse(b(raw))!;
    expect(r).toMatchObject({ status: 202, body: '{"id":"x"', close: false });
    expect(raw.slice(r.length)).toBe('}EXTRA');
  });

  it('waits for the rest of a body or head', () => {
    expect(parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab'))).toBeUndefined();
    expect(parseResponse(b('HTTP/1.1 200 OK\r\nContent-Len'))).toBeUndefined();
  });

  it('joins chunks, skips trailers and notices Connection: close', () => {
    const raw = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\nNEXT';
    const r = parseResponse(b(raw))!;
    expect(r).toMatchObject({ status: 200, body: 'abcde', close: true });
    expect(raw.slice(r.length)).toBe('NEXT');
    expect(parseResponse(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n'))).toBeUndefined();
  });

  it('rejects what is not HTTP', () => {
    expect(() => parseResponse(b('SSH-2.0-x\r\n\r\n'))).toThrow(/bad status line/);
  });
});

describe('HttpPool against node:http', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers['x-k']} ${body}`);
        if (req.url === '/chunked') {
          res.write('part1-');
          res.end('part2');
        } else if (req.url === '/slow') {
          setTimeout(() => res.end('late'), 500);
        } else res.writeHead(202, { 'content-type': 'text/plain' }).end(`ok:${body}`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const call = (pool: HttpPool, path: string, body?: string) =>
    new Promise<HttpResult | Error>((resolve) =>
      pool.request({ method: body === undefined ? 'GET' : 'POST', path, headers: ['x-k: v'], body }, (err, res) => resolve(err ?? res!)),
    );

  it('runs many requests over at most maxSockets connections, each answered with its own body', async () => {
    const pool = new HttpPool('127.0.0.1', port, 4, 2000);
    let connections = 0;
    const count = () => connections++;
    server.on('connection', count);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call(pool, '/m', `b${i}`)));
    expect(results.map((r) => (r as HttpResult).body)).toEqual(Array.from({ length: 50 }, (_, i) => `ok:b${i}`));
    expect(results.every((r) => (r as HttpResult).status === 202)).toBe(true);
    expect(connections).toBe(4);
    expect(seen).toContain('POST /m v b7');
    expect(await call(pool, '/chunked')).toEqual({ status: 200, body: 'part1-part2' });
    server.off('connection', count);
    pool.destroy();
  });

  it('opens a new connection instead of reusing one idle past maxIdleMs', async () => {
    const pool = new HttpPool('127.0.0.1', port, 4, 2000, 100);
    let connections = 0;
    const count = () => connections++;
    server.on('connection', count);
    expect(await call(pool, '/m', 'a')).toMatchObject({ status: 202 });
    expect(await call(pool, '/m', 'b')).toMatchObject({ status: 202 });
    expect(connections).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await call(pool, '/m', 'c')).toMatchObject({ status: 202, body: 'ok:c' });
    expect(connections).toBe(2);
    server.off('connection', count);
    pool.destroy();
  });

  it('reports a timeout as an error with code timeout', async () => {
    const pool = new HttpPool('127.0.0.1', port, 1, 100);
    const r = await call(pool, '/slow');
    expect(r).toBeInstanceOf(Error);
    expect((r as Error & { code: string }).code).toBe('timeout');
    pool.destroy();
  });
});
