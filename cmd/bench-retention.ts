/** `node dist/cmd/bench-retention.js`: a retention sweep on a large table beside a status-writer-shaped load (see tools/bench/retention-run.ts). */
import { parseArgs } from 'node:util';
import { DEFAULT_ADMIN_URL } from '../tools/bench/bench-database.js';
import { runRetentionBench } from '../tools/bench/retention-run.js';

const usage = `Usage: node dist/cmd/bench-retention.js [--rows 5000000] [--seconds 45] [--writer-batch 500] [--batch-size 1000] [--pause-ms 100] [--pg-url <admin url>]

Creates a fresh database on the local PostgreSQL server with --rows message rows accepted over 100 days, runs a
closed-loop writer shaped like the status writer for --seconds alone, then for --seconds beside one retention sweep
(messagesDays 60, --batch-size rows per DELETE, --pause-ms between them), and prints both phases and the sweep.
5 M rows take about 2 minutes to load and 2 GB of disk. The database is dropped at the end.`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      rows: { type: 'string', default: '5000000' },
      seconds: { type: 'string', default: '45' },
      'writer-batch': { type: 'string', default: '500' },
      'batch-size': { type: 'string', default: '1000' },
      'pause-ms': { type: 'string', default: '100' },
      'pg-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL },
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
const num = (name: string, v: string, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`--${name} must be a whole number ≥ ${min}\n`);
    process.exit(2);
  }
  return n;
};
await runRetentionBench({
  rows: num('rows', values.rows, 1000),
  seconds: num('seconds', values.seconds, 1),
  writerBatch: num('writer-batch', values['writer-batch'], 1),
  batchSize: num('batch-size', values['batch-size'], 10),
  pauseMs: num('pause-ms', values['pause-ms'], 0),
  pgUrl: values['pg-url'],
  out: (l) => process.stdout.write(`${l}\n`),
});
