/** `node dist/cmd/bench-retention.js`: a retention sweep on a large table beside a status-writer-shaped load (see tools/bench/retention-run.ts). */
import { DEFAULT_ADMIN_URL } from '../tools/bench/bench-database.js';
import { runRetentionBench } from '../tools/bench/retention-run.js';
import { commandFlags } from '../tools/shared/command-flags.js';
import { isWholeAtLeast, numberFlag } from '../tools/shared/flag-values.js';

const usage = `Usage: node dist/cmd/bench-retention.js [--rows 5000000] [--seconds 45] [--writer-batch 500] [--batch-size 1000] [--pause-ms 100] [--pg-url <admin url>]

Creates a fresh database on the local PostgreSQL server with --rows message rows accepted over 100 days, runs a
closed-loop writer shaped like the status writer for --seconds alone, then for --seconds beside one retention sweep
(messagesDays 60, --batch-size rows per DELETE, --pause-ms between them), and prints both phases and the sweep.
5 M rows take about 2 minutes to load and 2 GB of disk. The database is dropped at the end.`;

const whole = (flag: string, raw: string, min: number): number => numberFlag(flag, raw, min, isWholeAtLeast(min), `a whole number of at least ${min}`);
const options = commandFlags(
  usage,
  {
    rows: { type: 'string', default: '5000000' },
    seconds: { type: 'string', default: '45' },
    'writer-batch': { type: 'string', default: '500' },
    'batch-size': { type: 'string', default: '1000' },
    'pause-ms': { type: 'string', default: '100' },
    'pg-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL },
  },
  (v) => ({
    rows: whole('rows', v.rows, 1000),
    seconds: whole('seconds', v.seconds, 1),
    writerBatch: whole('writer-batch', v['writer-batch'], 1),
    batchSize: whole('batch-size', v['batch-size'], 10),
    pauseMs: whole('pause-ms', v['pause-ms'], 0),
    pgUrl: v['pg-url'],
  }),
);
await runRetentionBench({ ...options, out: (l) => process.stdout.write(`${l}\n`) });
