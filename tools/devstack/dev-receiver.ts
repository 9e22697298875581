/**
 * `make dev`'s webhook receiver: a tiny local HTTP server that answers 200 to every callback and prints what it
 * received (type, id, status or text, and whether the Standard Webhooks signature verifies with the dev secret).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface DevReceiver {
  url: string;
  close(): Promise<void>;
}

function signatureOk(secret: string, h: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const want = createHmac('sha256', key).update(`${String(h['webhook-id'])}.${String(h['webhook-timestamp'])}.${body}`).digest();
  return String(h['webhook-signature'] ?? '')
    .split(' ')
    .some((s) => {
      const got = Buffer.from(s.slice(s.indexOf(',') + 1), 'base64');
      return s.startsWith('v1,') && got.length === want.length && timingSafeEqual(got, want);
    });
}

export async function startDevReceiver(o: { port: number; secret: string; out: (line: string) => void }): Promise<DevReceiver> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let what = body;
      try {
        const p = JSON.parse(body) as Record<string, unknown>;
        what = p.type === 'message.inbound' ? `inbound ${String(p.id)} from ${String(p.from)}: ${JSON.stringify(p.text)}` : `${String(p.type)} ${String(p.id)} ${String(p.status)}${p.error ? ` ${JSON.stringify(p.error)}` : ''}`;
      } catch {
        // printed as it came
      }
      o.out(`callback ${String(req.headers['webhook-id'])}: ${what} (signature ${signatureOk(o.secret, req.headers, body) ? 'verified' : 'NOT verified'})`);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r, j) => server.once('error', j).listen(o.port, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return {
    url: `http://127.0.0.1:${port}/callbacks`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
