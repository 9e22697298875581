/**
 * The message routes over HTTP: send, batch, list, get, cancel (send and cancel need the `send` scope, reads `read`). Each reads the raw request and hands it to the front
 * door (the same operations the NATS API calls); only content-type and body-size checks are HTTP's own.
 */
import { Hono, type Context } from 'hono';
import { TRACEPARENT } from '../../core/trace-context.js';
import type { FrontDoor } from '../../frontdoor/front-door.js';
import { bodyLimit } from '../middleware/body-limit.js';
import { requireScope, type AuthEnv } from '../middleware/auth.js';
import { notJsonDetail } from '../http-checks.js';
import { problem, reply } from '../problem.js';

export interface MessageRouteDeps {
  frontDoor: FrontDoor;
  maxBodyBytes: number;
  maxBatchBodyBytes: number;
}

/** The body as bytes: UTF-8 is checked strictly by the front door, never decoded with replacements here. */
async function bytes(c: Context): Promise<Uint8Array> {
  return new Uint8Array(await c.req.arrayBuffer());
}

function notJson(c: Context): Response | undefined {
  const detail = notJsonDetail(c.req.header('content-type'));
  return detail === undefined ? undefined : problem(c, 'unsupportedMediaType', detail);
}

export function messageRoutes(deps: MessageRouteDeps) {
  const app = new Hono<AuthEnv>();
  const fd = deps.frontDoor;

  app.post('/', requireScope('send'), bodyLimit(deps.maxBodyBytes), async (c) => {
    const bad = notJson(c);
    if (bad) return bad;
    return reply(c, await fd.send(c.get('client'), { body: await bytes(c), idempotencyKey: c.req.header('idempotency-key'), dryRun: c.req.query('dryRun'), traceparent: c.req.header(TRACEPARENT) }));
  });

  app.post('/batch', requireScope('send'), bodyLimit(deps.maxBatchBodyBytes), async (c) => {
    const bad = notJson(c);
    if (bad) return bad;
    return reply(c, await fd.batch(c.get('client'), { body: await bytes(c), idempotencyKey: c.req.header('idempotency-key'), dryRun: c.req.query('dryRun'), traceparent: c.req.header(TRACEPARENT) }));
  });

  app.get('/', requireScope('read'), async (c) => reply(c, await fd.list(c.get('client'), c.req.query())));
  app.get('/:id', requireScope('read'), async (c) => reply(c, await fd.get(c.get('client'), c.req.param('id'))));
  app.delete('/:id', requireScope('send'), async (c) => reply(c, await fd.cancel(c.get('client'), c.req.param('id'))));

  return app;
}
