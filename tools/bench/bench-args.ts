/** The bench command line: flags to BenchOptions, with the usage text; bad input is a value, not a throw. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FlagError, isNonNegative, isPositive, isPositiveInteger, numberFlag, rateListFlag } from '../shared/flag-values.js';
import { DEFAULT_ADMIN_URL } from './bench-database.js';
import { DEFAULT_MIX, parseMix, type MixWeights } from '../loadgen/message-mix.js';
import type { Layout } from './stack.js';

export const BENCH_USAGE = `Usage: bench [options]          (make bench BENCH_ARGS="…")

Measures smsmesh end to end on this machine, on loopback only: a fresh nats-server (JetStream, file storage,
temporary store), a fresh PostgreSQL database, the SMSC simulator in its own process (receipts on), and the
gateway from dist/ (run \`npm run build\` first). An open-model load generator (fixed arrival rate, not a
closed loop) sends the message mix (80 % 1-segment GSM, 10 % UCS-2, 10 % 3-segment GSM). For every run it
reports accepted/s, submit_sm/s (SMSC), persisted/s (final states in PostgreSQL: the end-to-end figure),
accept latency (p50/p95/p99/p99.9) and accept → DLR-stored latency (p50/p95/p99), CPU seconds per 1,000 messages and peak RSS per
process, and checks that every accepted message reached a final state (exit 1 when one did not). When Kannel
(bearerbox/smsbox) is installed, the same runs are made against Kannel 1.4.5 and the ratios printed.
Results: bench-results/<timestamp>/ (results.json, summary.txt, chart-*.svg, logs/, profiles/, perf/).

What to run (default: the rates below):
  --rates <a,b,…>          arrival rates per second, one run each (default 500,1000,2000)
  --duration <s>           seconds of load per run (default 30)
  --quick                  10-second smoke run: --rates 500 --duration 10 --warmup 3
  --find-max               step the rate up until a step does not hold (p99 accept > limit, errors, drops,
                           growing backlog, slow drain, loss) and report the highest rate that held
  --start-rate <n>         first rate of --find-max (default 500)
  --step <n>               rate increment of --find-max (default 500)
  --max-rate <n>           last rate --find-max tries (default 20000)
  --soak <minutes>         one long run at --rate; reports the RSS slope (MB/min) of every process
  --rate <n>               rate of --soak and --backlog (default 1000)
  --backlog <n>            SMSC down, accept n messages, report gateway RSS against an empty queue, then
                           bring the SMSC back and check all n are delivered
  (--find-max, --soak and --backlog replace the default rate runs; add --rates to have both)

Gateway:
  --layout <l[,l]>         all (one smsmesh process), split (edges + connector + status-writer), or all,split (default all)
  --edges <n>              edge processes in the split layout; the generator round-robins over them (default 2)
  --binds <n>              SMPP binds of the carrier (default 4)
  --window <n>             outstanding submit_sm per bind (default 100)
  --tps <n>                submit_sm per second per bind (default 5000)
  --receipt-delay-ms <n>   simulator delay before each receipt (default 0)
  --bind-windows <w,…>     after the rate runs, one connector bind's submit_sm/s at each of these SMPP windows,
                           as make bench-bind measures it with 10,000 messages: the rate runs' window 100 hides a
                           bind paced by round trips (default 1,10; none: skip)
  --callbacks              give the bench client a callbackUrl (a receiver in the bench process that counts what
                           arrives): the status writer forwards changes and a callback worker POSTs every final
                           state (split layout: a callbacks process of its own); prints callbacks/s and latency
  --background-nice <n>    split layout: SMSMESH_NICE of connector and status-writer, so the edges get the cores
                           first: lower accept latency (default 0 = off)
  --background-nice-backlog <n>  their SMSMESH_NICE_BACKLOG: work waiting at which they go back to normal
                           priority until they catch up (default: the gateway's, 1000; 0: niced throughout, which
                           costs end-to-end throughput in overload)
  --role-sessions          split layout: start each gateway process in a session of its own, as systemd starts each
                           service; Linux then weighs the processes' CPU as separate groups (autogroups), which
                           decides what SMSMESH_NICE can do between them
  --node-flags="<flags>"   Node/V8 flags for the gateway processes only, space-separated, after an = sign (for
                           example --node-flags="--max-semi-space-size=32"); given after the flags a
                           single-role process runs with (--single-threaded-gc, the split layout's processes), so
                           --node-flags=--no-single-threaded-gc measures V8's default there; default none
  --log-level <lvl>        gateway LOG_LEVEL (default info)
  --profile                run the gateway with --cpu-prof into <results>/profiles/ and print the top 25
                           self-time functions per process after the runs
  --perf                   sample the gateway processes' CPU with Linux perf over the runs (cpu-clock, call graphs,
                           node with --perf-basic-prof) into <results>/perf/, and print per process where its CPU
                           went, by part of the code and by function. Unlike --profile, a wait for a core does not
                           count. Needs perf (Debian: linux-perf); not with --profile

Kannel:
  --kannel <auto|on|off>   auto: when bearerbox/smsbox are installed (default auto); on: fail without them
  --kannel-binds <n>       SMPP sessions (default 1)
  --kannel-window <n>      max-pending-submits per session (default 100)
  --kannel-store <s>       spool, file or none: Kannel's message store (default spool, durable like JetStream)
  --kannel-dlr <s>         pgsql or internal: where Kannel keeps pending DLRs (default pgsql; internal is in memory,
                           lost on a restart, not durable like smsmesh's store: Kannel's fastest setting)
  --kannel-db-connections <n>  DLR store connections (default 1)
  --kannel-log-level <n>   0 debug … 4 panic (default 2, warnings)

Load generator:
  --batch-size <n>         send through POST /v1/messages/batch, n messages per request (rates stay messages/s;
                           default 1 = single sends)
  --nats-api               send through the NATS API (sms.api.v1.send, or .batch with --batch-size) instead of HTTP:
                           --requesters closed-loop requesters for each run's duration (the rate only sets the duration;
                           the verdict's rate checks do not apply)
  --requesters <n>         NATS API requesters (default 50)
  --no-idempotency-keys    send no Idempotency-Key: the unkeyed accept path (one JetStream write per message, not three)
  --workers <n>            generator processes (default 1)
  --sockets <n>            keep-alive sockets per target, all workers (default 256)
  --max-in-flight <n>      outstanding requests before arrivals are dropped and counted (default 2000)
  --mix <g,u,l>            shares of 1-segment GSM, UCS-2, 3-segment GSM (default 80,10,10)
  --timeout-ms <n>         per-request timeout (default 10000)
  --warmup <s>             unmeasured warm-up before the runs, at the first rate up to 1000/s (default 5; 0 = none)

Measurement:
  --p99-limit-ms <ms>      p99 accept latency a rate must stay within to hold (default 50)
  --drain-timeout <s>      after a run, wait this long for every accepted message to be persisted (default 60)
  --db-poll-ms <ms>        how often persisted final states are counted during the load (default 1000; 10000
                           with --soak; every second during drains)
  --pg-url <url>           PostgreSQL server to create the bench database on (default $BENCH_DATABASE_URL,
                           $TEST_DATABASE_URL or ${DEFAULT_ADMIN_URL})
  --results-dir <dir>      where results go (default bench-results)
  --keep                   keep the temporary directory (NATS store, configs, id lists) and the database
  -h, --help               print this help
`;

export interface BenchOptions {
  layouts: Layout[];
  edges: number;
  binds: number;
  window: number;
  tps: number;
  rates: number[];
  ratesGiven: boolean;
  durationS: number;
  quick: boolean;
  findMax: boolean;
  startRate: number;
  step: number;
  maxRate: number;
  soakMinutes: number | undefined;
  rate: number;
  backlog: number | undefined;
  kannel: 'auto' | 'on' | 'off';
  kannelBinds: number;
  kannelWindow: number;
  kannelStore: 'spool' | 'file' | 'none';
  kannelDlr: 'pgsql' | 'internal';
  kannelDbConnections: number;
  kannelLogLevel: number;
  batchSize: number;
  natsApi: boolean;
  requesters: number;
  keys: boolean;
  workers: number;
  sockets: number;
  maxInFlight: number;
  mix: MixWeights;
  timeoutMs: number;
  warmupS: number;
  receiptDelayMs: number;
  /** SMPP windows at which one bind's submit_sm/s is measured after the rate runs (none: empty). */
  bindWindows: number[];
  /** The bench client gets a callbackUrl: every final state is POSTed to a receiver in the bench process. */
  callbacks: boolean;
  /** SMSMESH_NICE of connector and status-writer in the split layout. */
  backgroundNice: number;
  /** Their SMSMESH_NICE_BACKLOG; undefined leaves the gateway's default. */
  backgroundNiceBacklog?: number;
  /** Each gateway process of the split layout in a session (and so a scheduler autogroup) of its own. */
  roleSessions: boolean;
  /** Extra node flags of the gateway processes (not of the generator, simulator or bench). */
  nodeFlags: string[];
  logLevel: string;
  profile: boolean;
  /** Sample the gateway's CPU with Linux perf over the runs. */
  perf: boolean;
  p99LimitMs: number;
  drainTimeoutS: number;
  dbPollMs: number;
  pgUrl: string;
  resultsDir: string;
  keep: boolean;
}

export const BENCH_OPTIONS = {
  rates: { type: 'string' },
  duration: { type: 'string' },
  quick: { type: 'boolean' },
  'find-max': { type: 'boolean' },
  'start-rate': { type: 'string' },
  step: { type: 'string' },
  'max-rate': { type: 'string' },
  soak: { type: 'string' },
  rate: { type: 'string' },
  backlog: { type: 'string' },
  layout: { type: 'string' },
  edges: { type: 'string' },
  binds: { type: 'string' },
  window: { type: 'string' },
  tps: { type: 'string' },
  'receipt-delay-ms': { type: 'string' },
  'bind-windows': { type: 'string' },
  callbacks: { type: 'boolean' },
  'background-nice': { type: 'string' },
  'background-nice-backlog': { type: 'string' },
  'role-sessions': { type: 'boolean' },
  'node-flags': { type: 'string' },
  'log-level': { type: 'string' },
  profile: { type: 'boolean' },
  perf: { type: 'boolean' },
  kannel: { type: 'string' },
  'kannel-binds': { type: 'string' },
  'kannel-window': { type: 'string' },
  'kannel-store': { type: 'string' },
  'kannel-dlr': { type: 'string' },
  'kannel-db-connections': { type: 'string' },
  'kannel-log-level': { type: 'string' },
  workers: { type: 'string' },
  'batch-size': { type: 'string' },
  'nats-api': { type: 'boolean' },
  requesters: { type: 'string' },
  'no-idempotency-keys': { type: 'boolean' },
  sockets: { type: 'string' },
  'max-in-flight': { type: 'string' },
  mix: { type: 'string' },
  'timeout-ms': { type: 'string' },
  warmup: { type: 'string' },
  'p99-limit-ms': { type: 'string' },
  'drain-timeout': { type: 'string' },
  'db-poll-ms': { type: 'string' },
  'pg-url': { type: 'string' },
  'results-dir': { type: 'string' },
  keep: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export type BenchArgs = { kind: 'help' } | { kind: 'run'; options: BenchOptions } | { kind: 'error'; message: string };

export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchArgs {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: BENCH_OPTIONS,
    });
    if (values.help) return { kind: 'help' };
    const quick = values.quick === true;

    const rates = rateListFlag('rates', values.rates) ?? (quick ? [500] : [500, 1000, 2000]);
    const layouts = (values.layout ?? 'all').split(',').map((s) => s.trim());
    for (const l of layouts) if (l !== 'all' && l !== 'split') throw new FlagError(`--layout takes all, split or all,split, got '${values.layout}'`);
    const kannel = values.kannel ?? 'auto';
    if (kannel !== 'auto' && kannel !== 'on' && kannel !== 'off') throw new FlagError(`--kannel must be auto, on or off, got '${kannel}'`);
    const kannelDlr = values['kannel-dlr'] ?? 'pgsql';
    if (kannelDlr !== 'pgsql' && kannelDlr !== 'internal') throw new FlagError(`--kannel-dlr must be pgsql or internal, got '${kannelDlr}'`);
    const kannelStore = values['kannel-store'] ?? 'spool';
    if (kannelStore !== 'spool' && kannelStore !== 'file' && kannelStore !== 'none') {
      throw new FlagError(`--kannel-store must be spool, file or none, got '${kannelStore}'`);
    }
    let mix = DEFAULT_MIX;
    if (values.mix !== undefined) {
      try {
        mix = parseMix(values.mix);
      } catch (err) {
        throw new FlagError(`--mix: ${(err as Error).message}`);
      }
    }
    const logLevel = values['log-level'] ?? 'info';
    if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) {
      throw new FlagError(`--log-level must be trace, debug, info, warn, error, fatal or silent, got '${logLevel}'`);
    }
    const soakMinutes = values.soak === undefined ? undefined : numberFlag('soak', values.soak, 0, isPositive, 'a positive number of minutes');
    const backlog = values.backlog === undefined ? undefined : numberFlag('backlog', values.backlog, 0, isPositiveInteger, 'a positive integer');
    const pgUrl = values['pg-url'] ?? env.BENCH_DATABASE_URL ?? env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
    if (!/^postgres(ql)?:\/\//.test(pgUrl)) throw new FlagError(`--pg-url must be a postgres:// URL, got '${pgUrl}'`);
    const options: BenchOptions = {
      layouts: [...new Set(layouts)] as Layout[],
      edges: numberFlag('edges', values.edges, 2, isPositiveInteger, 'a positive integer'),
      binds: numberFlag('binds', values.binds, 4, (n) => isPositiveInteger(n) && n <= 64, 'an integer from 1 to 64'),
      window: numberFlag('window', values.window, 100, (n) => isPositiveInteger(n) && n <= 1000, 'an integer from 1 to 1000'),
      tps: numberFlag('tps', values.tps, 5000, (n) => n > 0 && n <= 100_000, 'a number from 1 to 100000'),
      rates,
      ratesGiven: values.rates !== undefined,
      durationS: numberFlag('duration', values.duration, quick ? 10 : 30, isPositive, 'a positive number of seconds'),
      quick,
      findMax: values['find-max'] === true,
      startRate: numberFlag('start-rate', values['start-rate'], 500, isPositive, 'a positive number'),
      step: numberFlag('step', values.step, 500, isPositive, 'a positive number'),
      maxRate: numberFlag('max-rate', values['max-rate'], 20_000, isPositive, 'a positive number'),
      soakMinutes,
      rate: numberFlag('rate', values.rate, 1000, isPositive, 'a positive number'),
      backlog,
      kannel,
      kannelBinds: numberFlag('kannel-binds', values['kannel-binds'], 1, isPositiveInteger, 'a positive integer'),
      kannelWindow: numberFlag('kannel-window', values['kannel-window'], 100, isPositiveInteger, 'a positive integer'),
      kannelStore,
      kannelDlr,
      kannelDbConnections: numberFlag('kannel-db-connections', values['kannel-db-connections'], 1, isPositiveInteger, 'a positive integer'),
      kannelLogLevel: numberFlag('kannel-log-level', values['kannel-log-level'], 2, (n) => Number.isInteger(n) && n >= 0 && n <= 4, 'an integer from 0 to 4'),
      workers: numberFlag('workers', values.workers, 1, isPositiveInteger, 'a positive integer'),
      batchSize: numberFlag('batch-size', values['batch-size'], 1, isPositiveInteger, 'a positive integer'),
      natsApi: values['nats-api'] === true,
      requesters: numberFlag('requesters', values.requesters, 50, isPositiveInteger, 'a positive integer'),
      keys: values['no-idempotency-keys'] !== true,
      sockets: numberFlag('sockets', values.sockets, 256, isPositiveInteger, 'a positive integer'),
      maxInFlight: numberFlag('max-in-flight', values['max-in-flight'], 2000, isPositiveInteger, 'a positive integer'),
      mix,
      timeoutMs: numberFlag('timeout-ms', values['timeout-ms'], 10_000, isPositiveInteger, 'a positive integer'),
      warmupS: numberFlag('warmup', values.warmup, quick ? 3 : 5, isNonNegative, 'a non-negative number of seconds'),
      receiptDelayMs: numberFlag('receipt-delay-ms', values['receipt-delay-ms'], 0, isNonNegative, 'a non-negative number'),
      bindWindows: bindWindowsOf(values['bind-windows']),
      callbacks: values.callbacks === true,
      backgroundNice: numberFlag('background-nice', values['background-nice'], 0, (n) => Number.isInteger(n) && n >= 0 && n <= 19, 'an integer from 0 to 19'),
      ...(values['background-nice-backlog'] === undefined
        ? {}
        : { backgroundNiceBacklog: numberFlag('background-nice-backlog', values['background-nice-backlog'], 0, (n) => Number.isInteger(n) && n >= 0, 'a whole number of messages') }),
      roleSessions: values['role-sessions'] === true,
      nodeFlags: nodeFlagsOf(values['node-flags']),
      logLevel,
      profile: values.profile === true,
      perf: values.perf === true,
      p99LimitMs: numberFlag('p99-limit-ms', values['p99-limit-ms'], 50, isPositive, 'a positive number'),
      drainTimeoutS: numberFlag('drain-timeout', values['drain-timeout'], quick ? 30 : 60, isPositive, 'a positive number of seconds'),
      dbPollMs: numberFlag('db-poll-ms', values['db-poll-ms'], soakMinutes !== undefined ? 10_000 : 1000, (n) => n >= 200, 'at least 200'),
      pgUrl,
      resultsDir: values['results-dir'] ?? 'bench-results',
      keep: values.keep === true,
    };
    if (options.findMax && options.startRate > options.maxRate) throw new FlagError('--start-rate is above --max-rate');
    // V8's profiler samples from a thread of its own: perf would count that thread's CPU as the gateway's.
    if (options.perf && options.profile) throw new FlagError('--perf and --profile measure the same processes two ways: give one of them');
    return { kind: 'run', options };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

function nodeFlagsOf(raw: string | undefined): string[] {
  const flags = (raw ?? '').split(/\s+/).filter(Boolean);
  const bad = flags.find((f) => !f.startsWith('--'));
  if (bad !== undefined) throw new FlagError(`--node-flags: "${bad}" is not a flag; give node flags such as "--max-semi-space-size=32"`);
  return flags;
}

function bindWindowsOf(raw: string | undefined): number[] {
  if (raw === 'none') return [];
  const windows = (raw ?? '1,10').split(',').map((w) => Number(w.trim()));
  if (windows.some((w) => !Number.isInteger(w) || w < 1 || w > 1000)) {
    throw new FlagError(`--bind-windows takes SMPP windows from 1 to 1000, comma-separated, or none; got '${raw}'`);
  }
  return [...new Set(windows)];
}
