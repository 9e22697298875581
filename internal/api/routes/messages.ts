/** POST /v1/messages (accept) and GET /v1/messages/:id (status). */
import { Hono } from 'hono';
import { MESSAGE_ID_RE } from '../../core/ids.js';
import type { StatusStore } from '../../status/status-store.js';
import type { Acceptor } from '../../ingest/accept-message.js';
import type { AuthEnv } from '../middleware/auth.js';
import { problem } from '../problem.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export function messageRoutes(deps: { accept: Acceptor; store: StatusStore | undefined; retryAfterS: number }) {
  const app = new Hono<AuthEnv>();

  app.post('/', async (c) => {
    const type = c.req.header('content-type');
    if (!type || !JSON_TYPE.test(type)) {
      return problem(c, 'unsupportedMediaType', `Content-Type must be application/json (got ${type ? `"${type}"` : 'none'}).`);
    }
    const key = c.req.header('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      return problem(c, 'invalidRequest', 'Idempotency-Key must be 1 to 128 printable ASCII characters without spaces.');
    }
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch (err) {
      return problem(c, 'malformedJson', `The body is not valid JSON: ${(err as Error).message}`);
    }
    const client = c.get('client');
    const r = await deps.accept(client.id, body, key);
    switch (r.kind) {
      case 'accepted':
        return c.json({ id: r.id, status: 'accepted', carrier: r.carrier, segments: r.segments, encoding: r.encoding }, 202, {
          Location: `/v1/messages/${r.id}`,
        });
      case 'invalid':
        return problem(c, 'invalidRequest', r.problems.map((p) => `${p.field} ${p.message}`).join('; '), { errors: r.problems });
      case 'no_route':
        return problem(c, 'noRoute', `No carrier is configured for destination ${r.to}; check the carriers' prefixes.`);
      case 'unavailable':
        return problem(
          c,
          'unavailable',
          r.backlogFull
            ? 'The message was not accepted because the backlog of messages waiting for the carrier is full; it is safe to retry once it drains (use an Idempotency-Key to avoid duplicates).'
            : 'The message was not accepted because the message bus is unavailable; it is safe to retry (use an Idempotency-Key to avoid duplicates).',
          {},
          { 'Retry-After': String(deps.retryAfterS) },
        );
    }
  });

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    if (!MESSAGE_ID_RE.test(id)) return problem(c, 'notFound', `No message with id ${JSON.stringify(id.slice(0, 64))}.`);
    if (!deps.store) {
      return problem(c, 'unavailable', 'This edge has no status database configured (set DATABASE_URL).', {}, { 'Retry-After': '60' });
    }
    let view;
    try {
      view = await deps.store.getMessage(id, c.get('client').id);
    } catch {
      return problem(c, 'unavailable', 'The status database is unavailable; retry shortly.', {}, { 'Retry-After': String(deps.retryAfterS) });
    }
    if (!view) {
      return problem(c, 'notFound', `No message with id ${id} for this client (a message accepted a moment ago becomes visible within a second).`);
    }
    return c.json(view, 200);
  });

  return app;
}
