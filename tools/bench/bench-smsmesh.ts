/** One smsmesh layout under test: start its stack (nats-server, database, SMSC simulator, gateway), make the runs, stop it, read its CPU profiles. */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../internal/core/paths.js';
import { backlog } from './backlog-run.js';
import type { BenchContext, SystemBenchDeps, SystemReport } from './bench-context.js';
import { createBenchDatabase, type MessageWrites } from './bench-database.js';
import type { SystemUnderTest } from './measured-run.js';
import { clockTicksPerSecond, CpuMeter, mainThreadTicks } from './process-stats.js';
import { perfUnavailable, startPerfRecord, summarizePerfRecording, type PerfRecording } from './perf-record.js';
import { findProfiles, summarizeProfileFile, type ProfileSummary } from './profile-summary.js';
import { exercise } from './rate-runs.js';
import { soak } from './soak-run.js';
import { startCallbackCounter } from './callback-counter.js';
import { startGatewayStack, type Layout } from './stack.js';

/** Per message, how many row versions PostgreSQL wrote: 1 would be one insert and nothing else. */
export function describeMessageWrites(w: MessageWrites): string {
  if (w.rows === 0) return 'messages table: no rows';
  const per = (n: number) => (n / w.rows).toFixed(2);
  const hot = w.updates > 0 ? Math.round((100 * w.hotUpdates) / w.updates) : 0;
  return (
    `messages table: ${w.rows} rows; per message ${per(w.inserts)} inserts, ${per(w.updates)} updates (${hot} % heap-only), ${per(w.inserts + w.updates)} row writes; ` +
    `message_parts (multi-part messages' parts): per message ${per(w.partInserts)} inserts, ${per(w.partUpdates)} updates`
  );
}

function summarizeProfiles(
  dir: string,
  cpuMs: ReadonlyMap<string, number>,
  out: (l: string) => void,
): Array<{ process: string; summary: ProfileSummary }> {
  const found = findProfiles(dir);
  if (found.length === 0) out(`no .cpuprofile files under ${dir} (did the processes exit cleanly?)`);
  return found.map(({ process, file }) => {
    const summary = summarizeProfileFile(file, { top: 25, root: packageRoot() });
    const cpu = cpuMs.get(process);
    return { process, summary: cpu === undefined ? summary : { ...summary, mainCpuMs: cpu } };
  });
}

/**
 * Each gateway process's main-thread CPU time so far (what a V8 profile samples; helper threads are not in it), read
 * just before the stop signal (the profile ends at exit, a moment later).
 */
function lifetimeCpuMs(gateway: ReadonlyArray<{ name: string; pid: number }>): Map<string, number> {
  const perTick = 1000 / clockTicksPerSecond();
  const m = new Map<string, number>();
  for (const g of gateway) {
    const t = mainThreadTicks(g.pid);
    if (t !== undefined) m.set(g.name, t * perTick);
  }
  return m;
}

export async function benchSmsmeshLayout(ctx: BenchContext, layout: Layout, deps: SystemBenchDeps): Promise<void> {
  const { o, out, fleet, workDir, resultsDir } = ctx;
  const { meta, registerCleanup, doRates, reports } = deps;
  const label = `smsmesh ${layout}`;
  const db = await createBenchDatabase(o.pgUrl);
  const unregisterDb = registerCleanup(() => (o.keep ? Promise.resolve() : db.drop()));
  if (!meta.postgres) meta.postgres = String((await db.sql`select version() as v`)[0]?.v ?? '').split(' on ')[0] ?? '';
  out(`\n[${label}] starting nats-server, PostgreSQL database ${db.name}, SMSC simulator, gateway (layout ${layout})…`);
  const profileDir = o.profile ? join(resultsDir, 'profiles', `smsmesh-${layout}`) : undefined;
  const perfDir = o.perf ? join(resultsDir, 'perf', `smsmesh-${layout}`) : undefined;
  if (perfDir) {
    const why = perfUnavailable();
    if (why) throw new Error(`--perf: ${why}`);
    mkdirSync(perfDir, { recursive: true });
  }
  const counter = o.callbacks ? await startCallbackCounter() : undefined;
  const unregisterCounter = registerCleanup(() => counter?.close() ?? Promise.resolve());
  const stack = await startGatewayStack({
    layout,
    edges: o.edges,
    binds: o.binds,
    window: o.window,
    tps: o.tps,
    receiptDelayMs: o.receiptDelayMs,
    db,
    workDir: join(workDir, `smsmesh-${layout}`),
    logDir: join(resultsDir, 'logs', `smsmesh-${layout}`),
    profileDir,
    perfDir,
    logLevel: o.logLevel,
    backgroundNice: o.backgroundNice,
    backgroundNiceBacklog: o.backgroundNiceBacklog,
    roleSessions: layout === 'split' && o.roleSessions,
    nodeFlags: o.nodeFlags,
    callbackUrl: counter?.url,
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
    target: o.natsApi
      ? { kind: 'nats', urls: [stack.nats.url], apiKey: stack.apiKey, batchSize: o.batchSize, requesters: o.requesters, keys: o.keys }
      : { kind: 'smsmesh', urls: stack.edgeUrls, apiKey: stack.apiKey, batchSize: o.batchSize, keys: o.keys },
    meter,
    stackGroups,
    gatewayGroups: stack.gateway.map((g) => g.name),
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
    config: {
      layout,
      edges: layout === 'split' ? o.edges : 1,
      binds: o.binds,
      window: o.window,
      tps: o.tps,
      front: o.natsApi ? `NATS API, ${o.requesters} requesters` : 'HTTP',
      ...(o.batchSize > 1 ? { 'batch size': o.batchSize } : {}),
      ...(o.keys ? {} : { 'idempotency keys': 'off' }),
      ...(layout === 'split' ? { 'background nice': o.backgroundNice } : {}),
      ...(layout === 'split' && o.backgroundNice !== 0 ? { 'back to normal priority at': o.backgroundNiceBacklog === 0 ? 'never' : `${o.backgroundNiceBacklog ?? 'the default'} waiting` } : {}),
      ...(layout === 'split' && o.roleSessions ? { 'role sessions': 'each process in a session of its own' } : {}),
      'node flags': [...new Set(stack.gateway.flatMap((g) => g.nodeFlags))].join(' ') || 'none',
      ...(o.callbacks ? { callbacks: 'on (every final state POSTed to a receiver in the bench process)' } : {}),
      processes: stack.gateway.map((g) => g.name),
    },
    stackGroups,
    runs: [],
  };
  reports.push(report);
  let profiledCpuMs = new Map<string, number>();
  // From the first run's warm-up to the end of the last run: start-up is not in it.
  const recording: PerfRecording | undefined = perfDir ? startPerfRecord(stack.gateway.map((g) => g.pid), join(perfDir, 'perf.data'), out) : undefined;
  try {
    await exercise(ctx, sut, report, doRates);
    if (o.soakMinutes !== undefined) await soak(ctx, sut, report);
    if (o.backlog !== undefined) await backlog(ctx, sut, stack, db, report);
  } finally {
    if (counter) {
      // Waits briefly for callbacks still on their way after the last drain.
      await new Promise((r) => setTimeout(r, 3000));
      out(`[${label}] callbacks: ${counter.summary()}`);
      await counter.close();
      unregisterCounter();
    }
    await recording?.stop();
    out(`[${label}] stopping…`);
    if (profileDir) profiledCpuMs = lifetimeCpuMs(stack.gateway);
    await stack.stop();
    unregisterStack();
    try {
      const w = await db.messageWrites();
      report.messageWrites = w;
      out(`[${label}] ${describeMessageWrites(w)}`);
    } catch (err) {
      out(`[${label}] could not read PostgreSQL's write counters: ${String(err)}`);
    }
    if (!o.keep) await db.drop();
    unregisterDb();
  }
  if (profileDir) report.profiles = summarizeProfiles(profileDir, profiledCpuMs, out);
  if (recording) {
    out(`[${label}] reading perf's samples…`);
    report.perf = await summarizePerfRecording(recording.file, new Map(stack.gateway.map((g) => [g.pid, g.name] as const)), packageRoot());
  }
}
