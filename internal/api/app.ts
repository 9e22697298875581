/** The edge's HTTP application: composes middleware and routes over the front door; no I/O of its own. */
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { AdminService } from '../admin/admin-service.js';
import type { AuthResult } from '../frontdoor/client-auth.js';
import type { FailedCallbacks } from '../frontdoor/failed-callbacks.js';
import type { FrontDoor } from '../frontdoor/front-door.js';
import type { InboundDoor } from '../frontdoor/inbound-door.js';
import { internalProblem } from '../frontdoor/front-door.js';
import type { Logger } from '../log/logger.js';
import type { EdgeMetrics } from '../metrics/edge.js';
import { apiKeyAuth, type AuthEnv } from './middleware/auth.js';
import { requestMetrics } from './middleware/request-metrics.js';
import { buildOpenApiDocument, type OpenApiLimits } from './openapi.js';
import { problem, reply } from './problem.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes, type ReadinessReport } from './routes/health.js';
import { callbackRoutes } from './routes/callbacks.js';
import { inboundRoutes } from './routes/inbound.js';
import { messageRoutes } from './routes/messages.js';
import { adminRoutes } from './routes/admin.js';
import { consoleRoutes } from './routes/console.js';

export interface AppDeps {
  frontDoor: FrontDoor;
  authenticate: (authorization: string | undefined) => AuthResult;
  readiness: () => Promise<ReadinessReport>;
  carriers: () => Promise<ReadinessReport>;
  registry: Registry;
  metrics: EdgeMetrics;
  log: Logger;
  limits: OpenApiLimits;
  /** GET /v1/callbacks/failed and its replay; absent: those routes are not served. */
  failedCallbacks?: FailedCallbacks;
  /** GET /v1/inbound and /v1/opt-outs; absent in apps built without them (those routes then answer 404). */
  inboundDoor?: InboundDoor;
  /** The admin API (/v1/admin/*, `admin` scope); absent, those routes answer 404. */
  admin?: AdminService;
  /** Where the console's built files are (default dist/console under the package root). */
  consoleDir?: string;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(requestMetrics(deps.metrics));
  app.route('/', healthRoutes({ readiness: deps.readiness, carriers: deps.carriers, registry: deps.registry }));
  const openApi = JSON.stringify(buildOpenApiDocument(deps.limits));
  app.get('/openapi.json', (c) => c.body(openApi, 200, { 'Content-Type': 'application/json' }));
  app.route('/', docsRoutes());
  app.route('/', consoleRoutes(deps.consoleDir ? { dir: deps.consoleDir } : {}));

  const v1 = new Hono<AuthEnv>();
  v1.use(apiKeyAuth(deps.authenticate));
  v1.route(
    '/messages',
    messageRoutes({ frontDoor: deps.frontDoor, maxBodyBytes: deps.limits.maxBodyBytes, maxBatchBodyBytes: deps.limits.maxBatchBodyBytes }),
  );
  if (deps.failedCallbacks) v1.route('/callbacks', callbackRoutes({ failed: deps.failedCallbacks }));
  if (deps.inboundDoor) v1.route('/', inboundRoutes(deps.inboundDoor, deps.limits.maxBodyBytes));
  if (deps.admin) v1.route('/admin', adminRoutes(deps.admin));
  app.route('/v1', v1);

  app.notFound((c) => problem(c, 'notFound', `No route ${c.req.method} ${c.req.path}; see /openapi.json.`));
  app.onError((err, c) => {
    deps.log.error({ err, path: c.req.path }, 'unhandled error in request');
    return reply(c, { status: 500, body: internalProblem(), problem: 'internal' });
  });
  return app;
}
