/** Observes every request's latency by route pattern (bounded labels) and status. */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { EdgeMetrics } from '../../metrics/edge.js';

export const requestMetrics = (metrics: EdgeMetrics): MiddlewareHandler => {
  return async function requestMetrics(c, next) {
    const start = performance.now();
    await next();
    const status = c.res.status;
    metrics.requestDuration.observe(
      { method: c.req.method, route: routePath(c, -1), status: String(status) },
      (performance.now() - start) / 1000,
    );
    const p = c.get('problem' as never) as string | undefined;
    if (p) metrics.rejectedRequests.inc({ problem: p });
  };
};
