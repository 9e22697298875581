/**
 * The bench: for each gateway layout (and Kannel when installed) start a fresh stack, warm it up, make the runs
 * the options ask for (rates, --find-max, --soak, --backlog), stop it, and report: tables on stdout,
 * results.json, summary.txt, SVG charts and CPU profile summaries under bench-results/<timestamp>/.
 * A run that loses a message makes the whole bench fail (exit code 1).
 */
import { execFileSync } from 'node:child_process';
import { cpus, tmpdir, totalmem } from 'node:os';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../core/paths.js';
import { findNatsServer } from '../devstack/nats-process.js';
import { totalArrivals } from './arrival-schedule.js';
import type { BenchOptions } from './bench-args.js';
import { createBenchDatabase, type BenchDatabase, type LossCheck } from './bench-database.js';
import { startDlrCounter } from './dlr-counter.js';
import { findKannel, KANNEL_INSTALL_HINT, startKannel, type KannelBinaries } from './kannel.js';
import { LoadFleet } from './load-fleet.js';
import { measuredRun, type RunResult, type RunSpec, type SystemUnderTest } from './measured-run.js';
import { meanSegments } from './message-mix.js';
import { CpuMeter, slope } from './process-stats.js';
import { findProfiles, formatProfileSummary, summarizeProfileFile, type ProfileSummary } from './profile-summary.js';
import {
  backlogTable,
  compareRuns,
  comparisonTable,
  errorsText,
  findMaxText,
  memoryChart,
  processTable,
  resultJson,
  runsTable,
  soakTable,
  throughputChart,
  type BacklogMemory,
  type ComparisonRow,
  type FindMaxStep,
  type MemorySlope,
} from './report.js';
import { startSimProcess } from './sim-process.js';
import { ensureNatsServerBin, startGatewayStack, type GatewayStack, type Layout } from './stack.js';
import { findMaxRates, highestHeld, type Limits } from './verdict.js';

export interface BenchOutcome {
  exitCode: number;
  resultsDir: string;
}

interface SystemReport {
  system: 'smsmesh' | 'kannel';
  label: string;
  key: string;
  config: Record<string, unknown>;
  stackGroups: string[];
  runs: RunResult[];
  findMax?: { steps: FindMaxStep[]; best: number | undefined; runs: RunResult[] };
  soak?: { run: RunResult; slopes: MemorySlope[] };
  backlog?: {
    n: number;
    accepted: number;
    errors: Record<string, number>;
    memory: BacklogMemory[];
    streams: { empty: unknown; withBacklog: unknown; drained: unknown };
    drainS: number;
    drained: boolean;
    loss: LossCheck;
  };
  profiles?: Array<{ process: string; summary: ProfileSummary }>;
}

interface Ctx {
  o: BenchOptions;
  out: (line: string) => void;
  fleet: LoadFleet;
  workDir: string;
  resultsDir: string;
  limits: Limits;
  tagSeq: number;
  destinationBase: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

function quiet(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 }).trim();
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
  }
}

function spec(ctx: Ctx, label: string, rate: number, durationS: number, warmup = false): RunSpec {
  const total = totalArrivals(rate, durationS);
  const s: RunSpec = {
    label,
    rate,
    total,
    runTag: warmup ? `w${String(++ctx.tagSeq).padStart(2, '0')}` : `r${String(++ctx.tagSeq).padStart(2, '0')}`,
    destinationBase: ctx.destinationBase,
    drainTimeoutS: ctx.o.drainTimeoutS,
    dbPollMs: ctx.o.dbPollMs,
    maxInFlight: ctx.o.maxInFlight,
    sockets: ctx.o.sockets,
    mix: ctx.o.mix,
    requestTimeoutMs: ctx.o.timeoutMs,
    idsDir: join(ctx.workDir, 'ids'),
    limits: ctx.limits,
    warmup,
  };
  ctx.destinationBase += total;
  return s;
}

function runLine(r: RunResult): string {
  const lost = r.loss ? `lost ${r.loss.missing}/${r.loss.checked}` : '';
  return (
    `  → ${r.label} @${r.rate}/s: accepted ${r.acceptedPerS}/s, submit_sm ${r.submitsPerS}/s, persisted ${r.persistedPerS}/s, machine CPU ${r.machineCpuPct} % (other ${r.otherCpuPct} %), ` +
    `accept p99 ${r.accept.p99} ms, DLR p99 ${r.dlr.p99} ms, drain ${r.drained ? `${r.drainS} s` : 'timed out'}, errors ${errorsText(r.errors)}, ` +
    `dropped ${r.dropped}, ${lost} — ${r.verdict.held ? 'held' : `did not hold (${r.verdict.reasons.join('; ')})`}`
  );
}

/** Warm-up, then the rate runs and/or --find-max. */
async function exercise(ctx: Ctx, sut: SystemUnderTest, report: SystemReport, doRates: boolean): Promise<void> {
  const { o, out } = ctx;
  if (o.warmupS > 0) {
    // At the first measured rate (capped): JIT, pools and sockets are then warm for what follows.
    const first = doRates ? o.rates[0]! : o.findMax ? o.startRate : o.rate;
    const rate = Math.min(1000, first);
    out(`[${sut.label}] warm-up: ${o.warmupS} s at ${rate}/s (not measured)`);
    const w = await measuredRun(sut, ctx.fleet, spec(ctx, sut.label, rate, o.warmupS, true), out);
    if (!w.drained) out(`[${sut.label}] warning: the warm-up did not drain within ${o.drainTimeoutS} s`);
  }
  if (doRates) {
    for (const rate of o.rates) {
      const r = await measuredRun(sut, ctx.fleet, spec(ctx, sut.label, rate, o.durationS), out);
      report.runs.push(r);
      out(runLine(r));
    }
  }
  if (o.findMax) {
    const steps: FindMaxStep[] = [];
    const runs: RunResult[] = [];
    for (const rate of findMaxRates(o.startRate, o.step, o.maxRate)) {
      out(`[${sut.label}] find-max step ${rate}/s`);
      const r = await measuredRun(sut, ctx.fleet, spec(ctx, sut.label, rate, o.durationS), out);
      runs.push(r);
      steps.push({ rate, held: r.verdict.held, reasons: r.verdict.reasons });
      out(runLine(r));
      if (!r.verdict.held) break;
    }
    report.findMax = { steps, best: highestHeld(steps), runs };
  }
}

async function soak(ctx: Ctx, sut: SystemUnderTest, report: SystemReport): Promise<void> {
  const minutes = ctx.o.soakMinutes!;
  ctx.out(`[${sut.label}] soak: ${minutes} min at ${ctx.o.rate}/s`);
  const run = await measuredRun(sut, ctx.fleet, spec(ctx, `${sut.label} soak`, ctx.o.rate, minutes * 60), ctx.out);
  const warm = Math.min(60, run.durationS * 0.2);
  const pts = run.series.filter((p) => p.phase === 'load' && p.t > warm);
  const slopes: MemorySlope[] = sut.meter.names().map((g) => {
    const ys = pts.filter((p) => p.rssMb[g] !== undefined).map((p) => ({ x: p.t / 60, y: p.rssMb[g]! }));
    return {
      process: g,
      startMb: ys[0]?.y ?? 0,
      endMb: ys.at(-1)?.y ?? 0,
      peakMb: Math.max(0, ...ys.map((p) => p.y)),
      slopeMbPerMin: Math.round(slope(ys) * 1000) / 1000,
    };
  });
  report.soak = { run, slopes };
  ctx.out(runLine(run));
}

async function backlog(ctx: Ctx, sut: SystemUnderTest, stack: GatewayStack, db: BenchDatabase, report: SystemReport): Promise<void> {
  const { o, out } = ctx;
  const n = o.backlog!;
  const groups = [...stack.gateway.map((g) => g.name), 'nats-server'];
  const rssOf = async () => {
    const s = await sut.meter.sample();
    return Object.fromEntries(groups.map((g) => [g, (s[g]?.rss ?? 0) / MB]));
  };
  await sleep(2000);
  const empty = await rssOf();
  const streamsEmpty = await stack.streams();
  out(`[${sut.label}] backlog: SMSC down, accepting ${n} messages at ${o.rate}/s`);
  await stack.sim.down();
  const base = await db.finalCount();
  const s = spec(ctx, `${sut.label} backlog`, o.rate, n / o.rate);
  s.total = n;
  const res = await ctx.fleet.run(
    {
      target: sut.target,
      rate: o.rate,
      total: n,
      maxInFlight: o.maxInFlight,
      sockets: o.sockets,
      mix: o.mix,
      runTag: s.runTag,
      destinationBase: s.destinationBase,
      requestTimeoutMs: o.timeoutMs,
      idsDir: s.idsDir,
    },
    (sec) => out(`[${sut.label} backlog] t=${String(sec.second + 1).padStart(3)}s  accepted ${sec.accepted}/s  p99 ${sec.latency.percentileMs(99).toFixed(1)} ms  errors ${errorsText(sec.errors)}`),
  );
  await sleep(3000);
  const withBacklog = await rssOf();
  const streamsWith = await stack.streams();
  out(`[${sut.label}] backlog: ${res.accepted} accepted and queued (${JSON.stringify(streamsWith.SMS_MT ?? {})}); SMSC back up, draining`);
  await stack.sim.up();
  const started = Date.now();
  const timeoutS = Math.max(120, n / 200);
  let done = false;
  while (Date.now() - started < timeoutS * 1000) {
    const persisted = (await db.finalCount()) - base;
    if (persisted >= res.accepted) {
      done = true;
      break;
    }
    if (Math.round((Date.now() - started) / 1000) % 5 === 0) out(`[${sut.label} backlog] draining: ${persisted}/${res.accepted} persisted`);
    await sleep(1000);
  }
  const drainS = Math.round((Date.now() - started) / 100) / 10;
  await sleep(2000);
  const drained = await rssOf();
  const streamsDrained = await stack.streams();
  const loss = await db.checkLoss(res.idsFiles);
  report.backlog = {
    n,
    accepted: res.accepted,
    errors: res.errors,
    memory: groups.map((g) => ({ process: g, emptyMb: empty[g] ?? 0, backlogMb: withBacklog[g] ?? 0, drainedMb: drained[g] ?? 0 })),
    streams: { empty: streamsEmpty, withBacklog: streamsWith, drained: streamsDrained },
    drainS,
    drained: done,
    loss,
  };
  out(`[${sut.label}] backlog drained in ${drainS} s; lost ${loss.missing} of ${loss.checked}`);
}

function summarizeProfiles(dir: string, out: (l: string) => void): Array<{ process: string; summary: ProfileSummary }> {
  const found = findProfiles(dir);
  if (found.length === 0) out(`no .cpuprofile files under ${dir} (did the processes exit cleanly?)`);
  return found.map(({ process, file }) => ({ process, summary: summarizeProfileFile(file, { top: 25, root: packageRoot() }) }));
}

export async function runBench(o: BenchOptions, out: (line: string) => void, registerCleanup: (fn: () => Promise<void>) => () => void): Promise<BenchOutcome> {
  const root = packageRoot();
  for (const entry of ['smsmesh', 'edge', 'connector', 'dlr-writer']) {
    if (!existsSync(join(root, 'dist', 'cmd', `${entry}.js`))) throw new Error(`dist/cmd/${entry}.js is missing: run \`npm run build\` first`);
  }
  ensureNatsServerBin();
  const natsVersion = quiet(findNatsServer(), ['--version']);
  if (!natsVersion.includes('nats-server')) throw new Error(`nats-server not found (${natsVersion || 'no output'}); install it (make deps) or set NATS_SERVER_BIN`);

  const kannelBin = o.kannel === 'off' ? undefined : findKannel();
  if (o.kannel === 'on' && !kannelBin) throw new Error(KANNEL_INSTALL_HINT);

  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..+$/, '');
  const resultsDir = resolve(o.resultsDir, stamp);
  mkdirSync(resultsDir, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), 'smsmesh-bench-'));
  mkdirSync(join(workDir, 'ids'), { recursive: true });
  const fleet = await LoadFleet.start(o.workers);
  const unregisterFleet = registerCleanup(() => fleet.close());
  const ctx: Ctx = {
    o,
    out,
    fleet,
    workDir,
    resultsDir,
    limits: { p99Ms: o.p99LimitMs, backlogGrowthShare: 0.05, drainS: 10 },
    tagSeq: 0,
    destinationBase: 0,
  };
  // --find-max, --soak and --backlog replace the default rate runs; --rates (or --quick) asks for them explicitly.
  const doRates = o.ratesGiven || o.quick || (!o.findMax && o.soakMinutes === undefined && o.backlog === undefined);
  const cpu = cpus();
  const meta = {
    startedAt: new Date().toISOString(),
    node: process.version,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    natsServer: natsVersion,
    kannel: kannelBin ? (/version `([^']+)'/.exec(quiet(kannelBin.bearerbox, ['--version']))?.[1] ?? 'unknown') : 'not installed',
    postgres: '',
    git: `${quiet('git', ['-C', root, 'rev-parse', '--short', 'HEAD']) || 'unknown'}${quiet('git', ['-C', root, 'status', '--porcelain']) ? ' (modified)' : ''}`,
    mix: o.mix,
    meanSegmentsPerMessage: meanSegments(o.mix),
    // A password in the server URL stays out of the results.
    options: { ...o, pgUrl: o.pgUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') },
  };
  out(
    `smsmesh bench — ${meta.cpus} × ${meta.cpuModel}, ${meta.memoryGb} GB, Node ${meta.node}, ${natsVersion}, Kannel ${meta.kannel}, git ${meta.git}\n` +
      `mix ${o.mix.gsm1}/${o.mix.ucs2}/${o.mix.gsm3} (1-seg GSM / UCS-2 / 3-seg GSM: ${meta.meanSegmentsPerMessage} segments per message); ` +
      `load generator: ${o.workers} process(es), ${o.sockets} sockets, in-flight cap ${o.maxInFlight}\nresults: ${resultsDir}`,
  );

  const reports: SystemReport[] = [];
  let failed = false;

  // ---------------- smsmesh, per layout ----------------
  for (const layout of o.layouts) {
    const label = `smsmesh ${layout}`;
    const db = await createBenchDatabase(o.pgUrl);
    const unregisterDb = registerCleanup(() => (o.keep ? Promise.resolve() : db.drop()));
    if (!meta.postgres) meta.postgres = String((await db.sql`select version() as v`)[0]?.v ?? '').split(' on ')[0] ?? '';
    out(`\n[${label}] starting nats-server, PostgreSQL database ${db.name}, SMSC simulator, gateway (layout ${layout})…`);
    const profileDir = o.profile ? join(resultsDir, 'profiles', `smsmesh-${layout}`) : undefined;
    const stack = await startGatewayStack({
      layout: layout as Layout,
      edges: o.edges,
      binds: o.binds,
      window: o.window,
      tps: o.tps,
      receiptDelayMs: o.receiptDelayMs,
      db,
      workDir: join(workDir, `smsmesh-${layout}`),
      logDir: join(resultsDir, 'logs', `smsmesh-${layout}`),
      profileDir,
      logLevel: o.logLevel,
    });
    const unregisterStack = registerCleanup(() => stack.stop());
    copyFileSync(join(workDir, `smsmesh-${layout}`, 'smsmesh.json'), join(resultsDir, 'logs', `smsmesh-${layout}`, 'smsmesh.json'));
    out(`[${label}] up: ${stack.gateway.map((g) => `${g.name} (pid ${g.pid})`).join(', ')}; edges ${stack.edgeUrls.join(' ')}`);
    const meter = new CpuMeter();
    for (const g of stack.gateway) meter.add(g.name, () => [g.pid]);
    meter.add('nats-server', () => (stack.nats.child.pid ? [stack.nats.child.pid] : []));
    meter.add('postgres', () => db.backendPids());
    meter.add('smsc-sim', () => [stack.sim.pid]);
    meter.add('loadgen', () => fleet.pids());
    const stackGroups = [...stack.gateway.map((g) => g.name), 'nats-server', 'postgres'];
    const sut: SystemUnderTest = {
      name: 'smsmesh',
      label,
      target: { kind: 'smsmesh', urls: stack.edgeUrls, apiKey: stack.apiKey },
      meter,
      stackGroups,
      submits: async () => (await stack.sim.stats()).submits,
      persisted: () => db.finalCount(),
      dlrLatency: (tag) => db.dlrLatency(tag),
      checkLoss: (_tag, files) => db.checkLoss(files),
      statusCounts: (tag) => db.statusCounts(tag),
    };
    const report: SystemReport = {
      system: 'smsmesh',
      label,
      key: `smsmesh-${layout}`,
      config: { layout, edges: layout === 'split' ? o.edges : 1, binds: o.binds, window: o.window, tps: o.tps, processes: stack.gateway.map((g) => g.name) },
      stackGroups,
      runs: [],
    };
    reports.push(report);
    try {
      await exercise(ctx, sut, report, doRates);
      if (o.soakMinutes !== undefined) await soak(ctx, sut, report);
      if (o.backlog !== undefined) await backlog(ctx, sut, stack, db, report);
    } finally {
      out(`[${label}] stopping…`);
      await stack.stop();
      unregisterStack();
      if (!o.keep) await db.drop();
      unregisterDb();
    }
    if (profileDir) report.profiles = summarizeProfiles(profileDir, out);
  }

  // ---------------- Kannel ----------------
  const kannelWanted = (doRates || o.findMax) && o.kannel !== 'off';
  if (kannelWanted && !kannelBin) out(`\nKannel side by side skipped. ${KANNEL_INSTALL_HINT}`);
  let kannelError: string | undefined;
  if (kannelWanted && kannelBin) {
    try {
      await runKannelSide(kannelBin);
    } catch (err) {
      // smsmesh's results stand on their own: report Kannel's failure instead of losing them.
      kannelError = err instanceof Error ? err.message : String(err);
      out(`\nKannel side by side failed: ${kannelError}`);
      if (o.kannel === 'on') failed = true;
    }
  }
  async function runKannelSide(bin: KannelBinaries): Promise<void> {
    const label = `kannel ${meta.kannel}`;
    out(`\n[${label}] starting PostgreSQL database, SMSC simulator, bearerbox, smsbox…`);
    // Everything started is stopped in reverse order, whether the runs finish or something fails on the way.
    const stops: Array<() => Promise<void>> = [];
    const started = (fn: () => Promise<void>) => {
      stops.push(fn);
      return registerCleanup(fn);
    };
    const unregisters: Array<() => void> = [];
    try {
      const db = await createBenchDatabase(o.pgUrl);
      unregisters.push(started(() => (o.keep ? Promise.resolve() : db.drop())));
      const sim = await startSimProcess({ host: '127.0.0.1', port: 0, systemId: 'kannel', password: 'secret', receipts: true, receiptDelayMs: o.receiptDelayMs });
      unregisters.push(started(() => sim.stop()));
      const counter = await startDlrCounter();
      unregisters.push(started(() => counter.close()));
      const kannel = await startKannel({
        bin,
        workDir: join(workDir, 'kannel'),
        logDir: join(resultsDir, 'logs', 'kannel'),
        db,
        smscPort: sim.port,
        binds: o.kannelBinds,
        window: o.kannelWindow,
        store: o.kannelStore,
        logLevel: o.kannelLogLevel,
        dbConnections: o.kannelDbConnections,
      });
      unregisters.push(started(() => kannel.stop()));
      copyFileSync(kannel.configPath, join(resultsDir, 'logs', 'kannel', 'kannel.conf'));
      const meter = new CpuMeter();
      for (const p of kannel.processes) meter.add(p.name, () => [p.pid]);
      meter.add('postgres', () => db.backendPids());
      meter.add('smsc-sim', () => [sim.pid]);
      meter.add('loadgen', () => fleet.pids());
      const stackGroups = [...kannel.processes.map((p) => p.name), 'postgres'];
      const sut: SystemUnderTest = {
        name: 'kannel',
        label,
        target: { kind: 'kannel', urls: [kannel.sendsmsUrl], username: kannel.username, password: kannel.password, dlrUrl: counter.url, dlrMask: 19 },
        meter,
        stackGroups,
        submits: async () => (await sim.stats()).submits,
        persisted: async () => counter.finalMessages(),
        dlrLatency: async (tag) => counter.latency(tag),
        checkLoss: (_tag, files) => counter.checkLoss(files),
        statusCounts: async (tag) => counter.statusCounts(tag),
      };
      const config: Record<string, unknown> = {
        binds: o.kannelBinds,
        window: o.kannelWindow,
        store: o.kannelStore,
        dlrStorage: 'pgsql',
        dbConnections: o.kannelDbConnections,
      };
      const report: SystemReport = { system: 'kannel', label, key: 'kannel', config, stackGroups, runs: [] };
      reports.push(report);
      await exercise(ctx, sut, report, doRates);
      config.dlrRowsLeft = await kannel.pendingDlrRows();
      config.callbacks = counter.callbacks();
    } finally {
      out(`[${label}] stopping…`);
      for (const fn of stops.reverse()) await fn().catch(() => {});
      for (const u of unregisters) u();
    }
  }

  await fleet.close();
  unregisterFleet();

  // ---------------- report ----------------
  const text: string[] = [];
  const comparisons: Array<{ layout: string; rate: number; rows: ComparisonRow[] }> = [];
  const kannelReport = reports.find((r) => r.system === 'kannel');
  for (const r of reports) {
    const allRuns = [...r.runs, ...(r.findMax?.runs ?? [])];
    text.push('');
    text.push(`== ${r.label} — ${Object.entries(r.config).filter(([k]) => k !== 'callbacks').map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('+') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')}`);
    if (allRuns.length > 0) {
      text.push(runsTable(allRuns));
      text.push('');
      text.push(processTable(allRuns));
      const statuses = allRuns.map((x) => `@${x.rate}/s ${Object.entries(x.statuses).map(([k, v]) => `${k} ${v}`).join(', ') || '–'}`);
      text.push(`final states: ${statuses.join(' | ')}`);
      for (const x of allRuns.filter((y) => y.late > 0.01 * y.sent)) {
        text.push(
          `note @${x.rate}/s: ${x.late} requests (${((100 * x.late) / Math.max(1, x.sent)).toFixed(1)} %) started > 10 ms late (generator max lag ${x.generatorMaxLagMs} ms): ` +
            'the machine was short of CPU or the generator cold; accept latency counts from the intended start, so it includes that wait.',
        );
      }
      for (const x of allRuns.filter((y) => y.otherCpuPct > 25)) {
        text.push(
          `note @${x.rate}/s: the machine was ${x.machineCpuPct} % busy (of ${meta.cpus * 100} %), ${x.otherCpuPct} % of it outside the measured processes ` +
            '(kernel networking, PostgreSQL background writers, or other programs): if other work was running, repeat on an idle machine.',
        );
      }
      const lossy = allRuns.filter((x) => (x.loss?.missing ?? 0) > 0);
      for (const x of lossy) text.push(`LOSS @${x.rate}/s: ${x.loss!.missing} of ${x.loss!.checked} accepted messages have no final state, e.g. ${x.loss!.examples.slice(0, 5).join(', ')}`);
      if (r.system === 'smsmesh' && lossy.length > 0) failed = true;
      writeFileSync(join(resultsDir, `chart-${r.key}.svg`), throughputChart(`${r.label}: throughput and p99 accept latency`, allRuns, o.p99LimitMs));
    }
    if (r.findMax) text.push(findMaxText(r.label, r.findMax.steps, r.findMax.best));
    if (r.soak) {
      text.push(`soak ${o.soakMinutes} min @${o.rate}/s — RSS per process (least-squares slope after warm-up):`);
      text.push(soakTable(r.soak.slopes));
      text.push(runsTable([r.soak.run]));
      writeFileSync(join(resultsDir, `memory-soak-${r.key}.svg`), memoryChart(`${r.label}: RSS during a ${o.soakMinutes}-minute soak at ${o.rate}/s`, r.soak.run.series, r.soak.slopes.map((s) => s.process)));
      writeFileSync(join(resultsDir, `chart-soak-${r.key}.svg`), throughputChart(`${r.label}: soak throughput and p99`, [r.soak.run], o.p99LimitMs));
      if ((r.soak.run.loss?.missing ?? 0) > 0) failed = true;
    }
    if (r.backlog) {
      const b = r.backlog;
      text.push(`backlog: SMSC down, ${b.accepted} of ${b.n} accepted (errors ${errorsText(b.errors)}); JetStream SMS_MT held ${JSON.stringify((b.streams.withBacklog as Record<string, unknown>).SMS_MT ?? {})}`);
      text.push(backlogTable(b.accepted, b.memory));
      text.push(`drain after the SMSC came back: ${b.drained ? `${b.drainS} s` : `not finished after ${b.drainS} s`}; lost ${b.loss.missing} of ${b.loss.checked}`);
      if (b.loss.missing > 0 || !b.drained) failed = true;
    }
    if (r.system === 'smsmesh' && kannelReport) {
      const kannelRuns = [...kannelReport.runs, ...(kannelReport.findMax?.runs ?? [])];
      for (const sRun of allRuns) {
        const kRun = kannelRuns.find((k) => k.rate === sRun.rate);
        if (!kRun) continue;
        const rows = compareRuns(sRun, kRun, r.stackGroups, kannelReport.stackGroups);
        comparisons.push({ layout: r.label, rate: sRun.rate, rows });
        text.push(`${r.label} vs ${kannelReport.label}:`);
        text.push(comparisonTable(sRun.rate, rows));
      }
      if (r.findMax && kannelReport.findMax) {
        const a = r.findMax.best ?? 0;
        const k = kannelReport.findMax.best ?? 0;
        text.push(`highest rate that held: ${r.label} ${a}/s, ${kannelReport.label} ${k}/s, ratio ${k > 0 ? (a / k).toFixed(2) : '∞'}`);
      }
    }
  }
  const profiles = reports.filter((r) => r.profiles && r.profiles.length > 0);
  if (profiles.length > 0) {
    const ptext: string[] = [];
    for (const r of profiles) for (const p of r.profiles!) ptext.push(formatProfileSummary(`${r.label} / ${p.process}`, p.summary), '');
    writeFileSync(join(resultsDir, 'profiles', 'summary.txt'), ptext.join('\n'));
    text.push('', 'CPU profiles (self time, top 25 per process):', ...ptext);
  }
  if (kannelError) text.push('', `Kannel side by side failed: ${kannelError}`);
  text.push('', failed ? 'RESULT: FAILED — messages were lost or a backlog did not drain (see above)' : 'RESULT: no message lost', `results in ${resultsDir}`);
  const summary = text.join('\n');
  out(summary);
  writeFileSync(join(resultsDir, 'summary.txt'), `${summary}\n`);
  writeFileSync(join(resultsDir, 'results.json'), resultJson({ meta, systems: reports, comparisons, kannelError, failed }));
  if (!o.keep) rmSync(workDir, { recursive: true, force: true });
  else out(`kept ${workDir}`);
  return { exitCode: failed ? 1 : 0, resultsDir };
}
