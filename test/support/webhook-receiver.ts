/** A real local HTTP receiver for callback tests: records every request, answers as the test says per attempt. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: string;
  /** Epoch ms when the body was complete. */
  at: number;
  /** 1 for the first request with this webhook-id. */
  attempt: number;
}

/** What to answer: a status code, or 'hang' (never answer; the sender's timeout must fire). */
export type Answer = number | 'hang';

export interface WebhookReceiver {
  url: string;
  received: ReceivedCallback[];
  /** Requests answered 2xx, by webhook-id. */
  delivered(): Map<string, ReceivedCallback>;
  setAnswer(fn: (attempt: number, r: ReceivedCallback) => Answer): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(answer: (attempt: number, r: ReceivedCallback) => Answer = () => 200): Promise<WebhookReceiver> {
  let decide = answer;
  const received: ReceivedCallback[] = [];
  const attempts = new Map<string, number>();
  const ok = new Map<string, ReceivedCallback>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['webhook-id'] ?? '');
      const n = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, n);
      const r: ReceivedCallback = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), attempt: n };
      received.push(r);
      const a = decide(n, r);
      if (a === 'hang') return;
      if (a >= 200 && a < 300 && !ok.has(id)) ok.set(id, r);
      res.writeHead(a, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/callbacks`,
    received,
    delivered: () => ok,
    setAnswer(fn) {
      decide = fn;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
