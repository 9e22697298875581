/** The status / DLR writer alone: JetStream events into the database, in batches. */
import { runProcess } from '../internal/app/process.js';

await runProcess({
  name: 'status-writer',
  usage:
    'Usage: smsmesh-status-writer [--help]\n\nWrites accepted messages, submits and delivery receipts to PostgreSQL at DATABASE_URL (required).\n' +
    '/metrics, /healthz and /readyz on METRICS_PORT (default 9102).',
  roles: new Set(['status-writer']),
  allInOne: false,
});
