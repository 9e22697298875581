/**
 * While a process starts (waiting for NATS, creating streams, opening the database) it already answers on its HTTP port:
 * /healthz 200 (it is alive: an orchestrator must not kill it for waiting), /readyz 503 with what it is waiting for,
 * anything else 503. The role's own server takes the port over once the runtime is up.
 */
import { createServer, type Server } from 'node:http';
import type { Logger } from '../log/logger.js';

export interface StartupProbe {
  /** What the process is doing now; /readyz says it. */
  setPhase(detail: string): void;
  close(): Promise<void>;
}

export async function startStartupProbe(o: { port: number; host: string; log: Logger }): Promise<StartupProbe | undefined> {
  let phase = 'starting';
  const server: Server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'ok', starting: phase }));
    } else if (req.url === '/readyz') {
      res.writeHead(503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ready: false, checks: { startup: { ok: false, detail: phase } } }));
    } else {
      res
        .writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': '1' })
        .end(JSON.stringify({ type: 'urn:smsmesh:problem:unavailable', title: 'Service unavailable', status: 503, detail: `The gateway is starting: ${phase}.` }));
    }
  });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', (err) => {
      o.log.warn({ port: o.port, err: err.message }, 'cannot answer health checks while starting');
      resolve(false);
    });
    server.listen(o.port, o.host, () => resolve(true));
  });
  if (!listening) return undefined;
  return {
    setPhase(detail) {
      phase = detail;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
