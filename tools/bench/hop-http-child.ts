/**
 * The HTTP hop at its floor, in its own process so that its CPU is its own: node:http, keep-alive, read the JSON body,
 * parse it, answer 202 with a small JSON body. No routing, auth or validation: what any HTTP edge must pay per request.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

if (!process.send) {
  process.stderr.write('hop-http-child is started by bench-hops, not directly\n');
  process.exit(2);
}

let n = 0;
const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to?: string };
    const answer = Buffer.from(JSON.stringify({ id: `m-${++n}`, status: 'accepted', to: body.to }));
    res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': answer.length });
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', () => server.close(() => process.exit(0)));
