/**
 * The HTTP hop at its floor, in its own process so that its CPU is its own: node:http, keep-alive, read the JSON body,
 * parse it, answer 202 with a small JSON body. No routing, auth or validation: what any HTTP edge must pay per request.
 *
 * With a mode and a NATS URL it is also the least edge that keeps the gateway's promise (a 2xx only once the message
 * is in JetStream): `store` answers on the message's PubAck, as an unkeyed send does; `claim-store` first claims the
 * request's Idempotency-Key (a create that fails when the key exists), then stores the message, as a keyed send does.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectBus } from '../../internal/bus/connection.js';
import { createPublisher, type Publisher } from '../../internal/bus/publisher.js';
import { newMessageId } from '../../internal/core/ids.js';
import { noopLogger } from '../../internal/log/logger.js';
import type { EdgeFloorMode } from './edge-floor.js';

if (!process.send) {
  process.stderr.write('hop-http-child is started by bench-hops, not directly\n');
  process.exit(2);
}

const mode = (process.argv[2] ?? 'answer') as EdgeFloorMode;
const natsUrl = process.argv[3];

const publisher = mode === 'answer' ? undefined : createPublisher(await connectBus({ url: natsUrl!, name: `hop-edge-${mode}`, log: noopLogger }));
const CREATE_ONLY = { 'Nats-Expected-Last-Subject-Sequence': '0' };

async function keep(publisher: Publisher, id: string, key: string | undefined, data: Buffer): Promise<void> {
  if (mode === 'claim-store') {
    if (!key) throw new Error('claim-store needs an Idempotency-Key');
    await publisher.publish(`hop.claim.${Buffer.from(key).toString('base64url')}`, Buffer.from(id), { msgID: `c-${key}`, deadlineMs: 10_000, headers: CREATE_ONLY });
  }
  await publisher.publish('hop.edge.sim', data, { msgID: id, deadlineMs: 10_000 });
}

let n = 0;
const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const body = JSON.parse(raw.toString('utf8')) as { to?: string };
    const id = publisher ? newMessageId() : `m-${++n}`;
    const answer = () => {
      const out = Buffer.from(JSON.stringify({ id, status: 'accepted', to: body.to }));
      res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': out.length });
      res.end(out);
    };
    if (!publisher) return answer();
    const key = req.headers['idempotency-key'];
    keep(publisher, id, typeof key === 'string' ? key : undefined, raw).then(answer, (err: Error) => {
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end(err.message);
    });
  });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', () => server.close(() => process.exit(0)));
