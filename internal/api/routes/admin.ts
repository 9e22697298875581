/** The admin routes (/v1/admin/*, `admin` scope): carriers and binds, pause / resume / drain / move, clients, dead letters, audit, messages, summary. */
import { Hono } from 'hono';
import type { AdminService } from '../../admin/admin-service.js';
import { requireScope, type AuthEnv } from '../middleware/auth.js';
import { reply } from '../problem.js';

export function adminRoutes(admin: AdminService) {
  const app = new Hono<AuthEnv>();
  app.use(requireScope('admin'));
  app.get('/carriers', async (c) => reply(c, await admin.carriers()));
  for (const action of ['pause', 'resume', 'drain'] as const) {
    app.post(`/carriers/:id/${action}`, async (c) => reply(c, await admin.setCarrierState(c.get('client'), c.req.param('id'), action)));
  }
  app.post('/carriers/:id/move', async (c) => {
    const body: unknown = await c.req.json().catch(() => null);
    return reply(c, await admin.moveBacklog(c.get('client'), c.req.param('id'), body));
  });
  app.get('/clients', async (c) => reply(c, await admin.clients()));
  app.get('/dead-letters', async (c) => reply(c, await admin.deadLetters(c.req.query())));
  app.get('/audit', async (c) => reply(c, await admin.audit(c.req.query())));
  app.get('/summary', async (c) => reply(c, await admin.summary()));
  app.get('/messages', async (c) => reply(c, await admin.messages(c.req.query())));
  app.get('/messages/:id', async (c) => reply(c, await admin.message(c.req.param('id'))));
  return app;
}
