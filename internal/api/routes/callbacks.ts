/** The callback routes over HTTP: a client's failed callbacks and their replay (the front door's operations). */
import { Hono } from 'hono';
import type { FailedCallbacks } from '../../frontdoor/failed-callbacks.js';
import { requireScope, type AuthEnv } from '../middleware/auth.js';
import { reply } from '../problem.js';

export function callbackRoutes(deps: { failed: FailedCallbacks }) {
  const app = new Hono<AuthEnv>();
  app.get('/failed', requireScope('read'), async (c) => reply(c, await deps.failed.list(c.get('client'), c.req.query())));
  app.post('/failed/:id/replay', requireScope('send'), async (c) => reply(c, await deps.failed.replay(c.get('client'), c.req.param('id'))));
  return app;
}
