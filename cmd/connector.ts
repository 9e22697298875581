/** The SMPP connector alone: bind actors for every configured carrier. */
import { startConnectorRole } from '../internal/app/connector-role.js';
import { startMetricsServer } from '../internal/app/metrics-server.js';
import { runProcess } from '../internal/app/process.js';

await runProcess({
  name: 'connector',
  usage: 'Usage: smsmesh-connector [--help]\n\nRuns the SMPP bind actors of every configured carrier. Metrics on METRICS_PORT (default 9101).',
  withDatabase: false,
  probePort: (config) => config.metricsPort ?? 9101,
  async start(rt) {
    const connector = await startConnectorRole(rt);
    const metrics = await startMetricsServer(rt.registry, rt.config.metricsPort ?? 9101, rt.config.host);
    return [{ stop: () => connector.stop(10_000) }, metrics];
  },
});
