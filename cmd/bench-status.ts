/** `make bench-status`: the status store's batch apply alone, PostgreSQL's CPU and the store's, optionally against a base build. */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ADMIN_URL } from '../tools/bench/bench-database.js';
import { prepareBase, resolveRevision } from '../tools/bench/compare-base.js';
import { formatMachineSpeed, measureMachineSpeed } from '../tools/bench/machine-speed.js';
import { STATUS_SHAPES, type StatusShape } from '../tools/bench/status-apply-batches.js';
import { runStatusBench, summarize } from '../tools/bench/status-apply-run.js';
import { commandFlags } from '../tools/shared/command-flags.js';
import { FlagError, isWholeAtLeast, numberFlag } from '../tools/shared/flag-values.js';

const usage = `Usage: node dist/cmd/bench-status.js [--base <git rev>] [--shapes folded,staggered,drained] [--size 100] [--batches 600]
       [--warmup 20] [--rounds 3] [--pg-url <admin url>] [--cache-dir .bench-base]
       (make bench-status STATUS_ARGS="…")

Applies status events to a fresh database through the status store alone (no NATS, no gateway), one connection,
batch after batch: --size messages per batch (one-part, but in drained one in ten has three parts), --warmup batches
unmeasured, then --batches measured. Shapes:
folded (each batch holds the accepted record, submit and receipt of its messages: a status writer that keeps up),
staggered (submits one batch behind, receipts two: a status writer or SMSC that lags) and drained (every accepted
record stored first, unmeasured, then batches of submits and receipts: a backlog drained after an SMSC outage;
with it, --size 1250 is the status writer's batch of 2,500 events). Prints, per run and then
per build and shape over the rounds, PostgreSQL's backend CPU (read from /proc: the server must run on this machine),
the store's own CPU (its process, JSON and driver included) and the wall time per batch, and checks that every
message ended delivered. With --base, that revision is built once under --cache-dir (as make bench-compare does) and
the two builds take turns, ABBA. Each run has its own database, dropped after it. Run nothing else meanwhile.`;

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const whole = (flag: string, raw: string, min: number): number => numberFlag(flag, raw, min, isWholeAtLeast(min), `a whole number of at least ${min}`);
const o = commandFlags(
  usage,
  {
    base: { type: 'string' },
    shapes: { type: 'string', default: STATUS_SHAPES.join(',') },
    size: { type: 'string', default: '100' },
    batches: { type: 'string', default: '600' },
    warmup: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    'pg-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL },
    'cache-dir': { type: 'string', default: join(root, '.bench-base') },
  },
  (v) => {
    const shapes = v.shapes.split(',').map((s) => s.trim());
    for (const s of shapes) if (!(STATUS_SHAPES as readonly string[]).includes(s)) throw new FlagError(`--shapes: unknown shape '${s}' (choose from ${STATUS_SHAPES.join(', ')})`);
    return {
      base: v.base === undefined ? undefined : resolveRevision(root, v.base),
      shapes: shapes as StatusShape[],
      size: whole('size', v.size, 1),
      batches: whole('batches', v.batches, 10),
      warmup: whole('warmup', v.warmup, 0),
      rounds: whole('rounds', v.rounds, 1),
      pgUrl: v['pg-url'],
      cacheDir: v['cache-dir'],
    };
  },
);

const log = (line: string) => process.stdout.write(`${line}\n`);
try {
  const builds = [{ label: 'this build', dist: join(root, 'dist') }];
  if (o.base) {
    const dir = await prepareBase({ root, sha: o.base, cacheDir: o.cacheDir, log });
    builds.unshift({ label: `base ${o.base.slice(0, 7)}`, dist: join(dir, 'dist') });
  }
  log(`before, ${formatMachineSpeed(await measureMachineSpeed())}`);
  const runs = await runStatusBench({ builds, ownDist: join(root, 'dist'), shapes: o.shapes, size: o.size, batches: o.batches, warmup: o.warmup, rounds: o.rounds, pgUrl: o.pgUrl, log });
  log(`after, ${formatMachineSpeed(await measureMachineSpeed())}`);
  log('');
  for (const l of summarize(runs, o.batches, o.size)) log(l);
  log(`(${o.batches} batches of ${o.size} messages per run; CPU-s per 1,000 messages)`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`bench-status: ${(err as Error).message}\n`);
  process.exit(1);
}
