/** The status / DLR writer alone: JetStream events into the database, in batches. */
import { startMetricsServer } from '../internal/app/metrics-server.js';
import { runProcess } from '../internal/app/process.js';
import { startStatusRole } from '../internal/app/status-role.js';

await runProcess({
  name: 'status-writer',
  usage: 'Usage: smsmesh-status-writer [--help]\n\nWrites accepted messages, submits and delivery receipts to the database. Metrics on METRICS_PORT (default 9102).',
  withDatabase: true,
  probePort: (config) => config.metricsPort ?? 9102,
  async start(rt) {
    const writer = await startStatusRole(rt);
    const metrics = await startMetricsServer(rt.registry, rt.config.metricsPort ?? 9102, rt.config.host);
    return [writer, metrics];
  },
});
