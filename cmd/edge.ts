/** The HTTP edge alone (stateless; run several behind a load balancer). */
import { runProcess } from '../internal/app/process.js';

await runProcess({
  name: 'edge',
  usage:
    'Usage: smsmesh-edge [--help]\n\nRuns the HTTP API only. GET /v1/messages/{id} reads the status database at DATABASE_URL;\n' +
    'without it the edge still accepts messages and that route answers 503.',
  roles: new Set(['edge']),
  allInOne: false,
});
