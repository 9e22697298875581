/** The SMPP connector alone: bind actors for every configured carrier. */
import { runProcess } from '../internal/app/process.js';

await runProcess({
  name: 'connector',
  usage:
    'Usage: smsmesh-connector [--help]\n\nRuns the SMPP bind actors of every configured carrier. /metrics, /healthz and /readyz on METRICS_PORT (default 9101).',
  roles: new Set(['connector']),
  allInOne: false,
});
