/** The edge's HTTP application: composes middleware and routes; no I/O of its own. */
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { StatusStore } from '../status/status-store.js';
import type { Acceptor } from '../ingest/accept-message.js';
import type { Logger } from '../log/logger.js';
import type { EdgeMetrics } from '../metrics/edge.js';
import { bodyLimit } from './middleware/body-limit.js';
import { apiKeyAuth, type ApiClient, type AuthEnv } from './middleware/auth.js';
import { clientRateLimit } from './middleware/rate-limit.js';
import { requestMetrics } from './middleware/request-metrics.js';
import { openApiDocument } from './openapi.js';
import { problem } from './problem.js';
import { healthRoutes, type ReadinessReport } from './routes/health.js';
import { messageRoutes } from './routes/messages.js';

export interface AppDeps {
  clients: readonly ApiClient[];
  accept: Acceptor;
  store: StatusStore | undefined;
  readiness: () => Promise<ReadinessReport>;
  carriers: () => Promise<ReadinessReport>;
  registry: Registry;
  metrics: EdgeMetrics;
  log: Logger;
  maxBodyBytes: number;
  retryAfterS?: number;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(requestMetrics(deps.metrics));
  app.route('/', healthRoutes({ readiness: deps.readiness, carriers: deps.carriers, registry: deps.registry }));
  app.get('/openapi.json', (c) => c.json(openApiDocument));

  const v1 = new Hono<AuthEnv>();
  v1.use(bodyLimit(deps.maxBodyBytes));
  v1.use(apiKeyAuth(deps.clients));
  v1.use(clientRateLimit());
  v1.route('/messages', messageRoutes({ accept: deps.accept, store: deps.store, retryAfterS: deps.retryAfterS ?? 1 }));
  app.route('/v1', v1);

  app.notFound((c) => problem(c, 'notFound', `No route ${c.req.method} ${c.req.path}; see /openapi.json.`));
  app.onError((err, c) => {
    deps.log.error({ err, path: c.req.path }, 'unhandled error in request');
    return problem(c, 'internal', 'An internal error occurred; it has been logged.');
  });
  return app;
}
