/** The inbound routes over HTTP: the client's inbound messages and its opt-out list, handed to the inbound door. */
import { Hono } from 'hono';
import type { InboundDoor } from '../../frontdoor/inbound-door.js';
import { requireScope, type AuthEnv } from '../middleware/auth.js';
import { bodyLimit } from '../middleware/body-limit.js';
import { notJsonDetail } from '../http-checks.js';
import { problem, reply } from '../problem.js';

export function inboundRoutes(door: InboundDoor, maxBodyBytes: number) {
  const app = new Hono<AuthEnv>();
  app.get('/inbound', requireScope('read'), async (c) => reply(c, await door.listInbound(c.get('client'), c.req.query())));
  app.get('/opt-outs', requireScope('read'), (c) => reply(c, door.listOptOuts(c.get('client'))));
  app.post('/opt-outs', requireScope('send'), bodyLimit(maxBodyBytes), async (c) => {
    const notJson = notJsonDetail(c.req.header('content-type'));
    if (notJson) return problem(c, 'unsupportedMediaType', notJson);
    return reply(c, await door.addOptOut(c.get('client'), new Uint8Array(await c.req.arrayBuffer())));
  });
  app.delete('/opt-outs/:number', requireScope('send'), async (c) => reply(c, await door.removeOptOut(c.get('client'), c.req.param('number'))));
  return app;
}
