/** The HTTP listener of processes without the edge (connector, status writer): /metrics, /healthz and /readyz. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Readiness } from './readiness.js';

export interface MetricsServerOptions {
  registry: Registry;
  port: number;
  host: string;
  /** What this process's roles need; /readyz answers 200 when all of it is there, 503 otherwise. */
  readiness: Readiness;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

export async function startMetricsServer(o: MetricsServerOptions): Promise<{ port: number; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET' }).end();
    } else if (path === '/metrics') {
      o.registry.metrics().then(
        (body) => res.writeHead(200, { 'Content-Type': o.registry.contentType }).end(body),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    } else if (path === '/healthz') {
      json(res, 200, { status: 'ok' });
    } else if (path === '/readyz') {
      o.readiness().then(
        (r) => json(res, r.ready ? 200 : 503, r),
        (err: unknown) => json(res, 503, { ready: false, checks: { readiness: { ok: false, detail: String(err) } } }),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(o.port, o.host, resolve));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : o.port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
