/** `node dist/cmd/bench-list.js`: EXPLAIN ANALYZE of GET /v1/messages on a large generated table (see tools/bench/list-plan.ts). */
import { DEFAULT_ADMIN_URL } from '../tools/bench/bench-database.js';
import { runListPlan } from '../tools/bench/list-plan.js';
import { commandFlags } from '../tools/shared/command-flags.js';
import { isWholeAtLeast, numberFlag } from '../tools/shared/flag-values.js';

const usage = `Usage: node dist/cmd/bench-list.js [--rows 10000000] [--pg-url <admin url>] [--results-dir bench-results] [--keep]

Creates a fresh database on the local PostgreSQL server, fills messages with --rows generated rows (10 M take
several minutes and ~4 GB of disk on a 2-core machine), then runs EXPLAIN (ANALYZE, BUFFERS) on the statements
GET /v1/messages sends for each filter and prints plans and times. The database is dropped unless --keep.`;

const flags = commandFlags(
  usage,
  {
    rows: { type: 'string', default: '10000000' },
    'pg-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL },
    'results-dir': { type: 'string', default: 'bench-results' },
    keep: { type: 'boolean', default: false },
  },
  (v) => ({ ...v, rows: numberFlag('rows', v.rows, 10_000_000, isWholeAtLeast(1000), 'a whole number of at least 1000') }),
);
await runListPlan({ rows: flags.rows, pgUrl: flags['pg-url'], resultsDir: flags['results-dir'], keep: flags.keep, out: (l) => process.stdout.write(`${l}\n`) });
