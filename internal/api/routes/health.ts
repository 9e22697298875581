/** Liveness, readiness, the carriers' bind report, and Prometheus metrics. */
import { Hono } from 'hono';
import type { Registry } from 'prom-client';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface HealthDeps {
  /** What this process needs to do its job; a load balancer routes to it only while ready. */
  readiness: () => Promise<ReadinessReport>;
  /**
   * Bind state per carrier, for operators and monitors. Unauthenticated like /metrics, which carries the same
   * (carrier ids and bind counts); never part of /readyz, so an SMSC outage cannot take edges out of service.
   */
  carriers: () => Promise<ReadinessReport>;
  registry: Registry;
}

export function healthRoutes(deps: HealthDeps) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const r = await deps.readiness();
    return c.json(r, r.ready ? 200 : 503);
  });
  app.get('/readyz/carriers', async (c) => {
    const r = await deps.carriers();
    return c.json(r, r.ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => c.text(await deps.registry.metrics(), 200, { 'Content-Type': deps.registry.contentType }));
  return app;
}
