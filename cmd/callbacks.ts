/** The callback worker alone: committed status changes and inbound messages to the clients' webhooks. */
import { runProcess } from '../internal/app/process.js';

await runProcess({
  name: 'callbacks',
  usage:
    'Usage: smsmesh-callbacks [--help]\n\nDelivers signed status and inbound callbacks (Standard Webhooks) from JetStream SMS_CHANGES;\n' +
    'records callbacks that failed for good in PostgreSQL at DATABASE_URL (required).\n' +
    '/metrics, /healthz and /readyz on METRICS_PORT (default 9103).',
  roles: new Set(['callbacks']),
  allInOne: false,
});
