/** `node dist/cmd/bench-list.js`: EXPLAIN ANALYZE of GET /v1/messages on a large generated table (see tools/bench/list-plan.ts). */
import { parseArgs } from 'node:util';
import { DEFAULT_ADMIN_URL } from '../tools/bench/bench-database.js';
import { runListPlan } from '../tools/bench/list-plan.js';

const usage = `Usage: node dist/cmd/bench-list.js [--rows 10000000] [--pg-url <admin url>] [--results-dir bench-results] [--keep]

Creates a fresh database on the local PostgreSQL server, fills messages with --rows generated rows (10 M take
several minutes and ~4 GB of disk on a 2-core machine), then runs EXPLAIN (ANALYZE, BUFFERS) on the statements
GET /v1/messages sends for each filter and prints plans and times. The database is dropped unless --keep.`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      rows: { type: 'string', default: '10000000' },
      'pg-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL },
      'results-dir': { type: 'string', default: 'bench-results' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n\n${usage}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 1000) {
  process.stderr.write(`--rows must be a whole number ≥ 1000\n`);
  process.exit(2);
}
await runListPlan({ rows, pgUrl: values['pg-url'], resultsDir: values['results-dir'], keep: values.keep, out: (l) => process.stdout.write(`${l}\n`) });
