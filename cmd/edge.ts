/** The HTTP edge alone (stateless; run several behind a load balancer). */
import { startEdge } from '../internal/app/edge-role.js';
import { runProcess } from '../internal/app/process.js';

await runProcess({
  name: 'edge',
  usage:
    'Usage: smsmesh-edge [--help]\n\nRuns the HTTP API only. GET /v1/messages/{id} needs DATABASE_URL (the embedded database is per process).',
  withDatabase: (config) => config.databaseUrl !== undefined,
  probePort: (config) => config.port,
  async start(rt) {
    return [await startEdge(rt)];
  },
});
