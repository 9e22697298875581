/** `make bench-compare`: make bench for a base revision and this build, interleaved, side by side with the machine's speed. */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareBase, resolveRevision } from '../tools/bench/compare-base.js';
import { runSeries } from '../tools/bench/compare-series.js';
import { commandFlags } from '../tools/shared/command-flags.js';
import { FlagError } from '../tools/shared/flag-values.js';

const usage = `Usage: node dist/cmd/bench-compare.js --base <git rev> [--order ABBA] [--results-dir bench-results] [--cache-dir .bench-base] [-- <bench flags>]
       node dist/cmd/bench-compare.js --base-dir <built tree> [--order ABBA] [-- <bench flags>]
       (make bench-compare BASE=<git rev> BENCH_ARGS="…")

Runs make bench for two builds in turns on this machine: A, the base (a git revision of this repository, cloned,
installed with npm ci and built under --cache-dir once per revision; or --base-dir, a tree built already), and B,
this build (dist/ of this working tree: run make build first). The order (default ABBA) interleaves them, so that
neither has the machine's better half to itself: a shared VM's speed can change several-fold within an hour. Every
run is a full bench with the flags after --, Kannel off, and prints the machine-speed readings the bench takes
before and after it. At the end: per system and rate, every run's accepted/s, persisted/s, dropped arrivals,
accept p50/p99/p99.9, gateway and stack CPU-s per 1,000 messages and lost messages, each build's range, and a mark
on runs whose machine reading was more than a fifth slower than the series' fastest. Results and each run's full
output: <results-dir>/compare-<time>/. Exit 1 when a run lost a message. Run nothing else meanwhile.

  --base <rev>         the revision to compare against (HEAD~1, a tag, a commit id)
  --base-dir <dir>     a tree with dist/ built already to use as A instead (no clone, no build)
  --order <AB…>        the series, in letters A and B (default ABBA; ABBAABBA for more runs)
  --results-dir <dir>  default bench-results
  --cache-dir <dir>    where base builds are kept (default .bench-base)`;

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const split = process.argv.indexOf('--', 2);
const own = split < 0 ? process.argv.slice(2) : process.argv.slice(2, split);
const benchArgs = split < 0 ? [] : process.argv.slice(split + 1);

const o = commandFlags(
  usage,
  {
    base: { type: 'string' },
    'base-dir': { type: 'string' },
    order: { type: 'string', default: 'ABBA' },
    'results-dir': { type: 'string', default: 'bench-results' },
    'cache-dir': { type: 'string', default: join(root, '.bench-base') },
  },
  (v) => {
    if ((v.base === undefined) === (v['base-dir'] === undefined)) throw new FlagError('give one of --base <git rev> or --base-dir <built tree>');
    if (!/^[AB]+$/.test(v.order) || !v.order.includes('A') || !v.order.includes('B')) throw new FlagError(`--order must be letters A and B, both used (like ABBA), got '${v.order}'`);
    if (benchArgs.includes('--kannel') || benchArgs.some((a) => a.startsWith('--kannel='))) throw new FlagError('--kannel: bench-compare runs smsmesh only (Kannel off)');
    return { ...v, sha: v.base === undefined ? undefined : resolveRevision(root, v.base), order: [...v.order] as ('A' | 'B')[] };
  },
  own,
);

const log = (line: string) => process.stdout.write(`${line}\n`);
const abort = new AbortController();
for (const s of ['SIGINT', 'SIGTERM'] as const) {
  process.on(s, () => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write(`\nbench-compare: ${s}, stopping the running bench…\n`);
    abort.abort();
  });
}

try {
  const baseDir = o['base-dir'] !== undefined ? resolve(o['base-dir']) : await prepareBase({ root, sha: o.sha!, cacheDir: o['cache-dir'], log });
  const dir = resolve(o['results-dir'], `compare-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);
  log(`bench-compare: A = ${o.sha ? `base ${o.sha.slice(0, 12)}` : 'base'} (${baseDir}), B = this build (${root}); order ${o.order.join('')}; bench flags: ${benchArgs.join(' ') || '(defaults)'}`);
  const report = await runSeries({ builds: { A: baseDir, B: root }, order: o.order, benchArgs: ['--kannel', 'off', ...benchArgs], dir, log, signal: abort.signal });
  log('');
  log(report.text);
  writeFileSync(join(dir, 'compare.txt'), `${report.text}\n`);
  log(`\nresults: ${dir}`);
  process.exit(report.failedRuns.length > 0 ? 1 : 0);
} catch (err) {
  process.stderr.write(`bench-compare: ${(err as Error).message}\n`);
  process.exit(abort.signal.aborted ? 130 : 1);
}
