/** Kannel side by side: its own database, SMSC simulator, DLR counter, bearerbox and smsbox, the same runs, then everything stopped. */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, SystemBenchDeps, SystemReport } from './bench-context.js';
import { createBenchDatabase } from './bench-database.js';
import { startDlrCounter } from './dlr-counter.js';
import { startKannel, type KannelBinaries } from './kannel.js';
import type { SystemUnderTest } from './measured-run.js';
import { CpuMeter } from './process-stats.js';
import { exercise } from './rate-runs.js';
import { startSimProcess } from './sim-process.js';

export async function runKannelSide(ctx: BenchContext, bin: KannelBinaries, deps: SystemBenchDeps): Promise<void> {
  const { o, out, fleet, workDir, resultsDir } = ctx;
  const { meta, registerCleanup, doRates, reports } = deps;
  const label = `kannel ${meta.kannel}${o.kannelDlr === 'internal' ? ' (DLRs in memory)' : ''}`;
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
      dlrStorage: o.kannelDlr,
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
      gatewayGroups: kannel.processes.map((p) => p.name),
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
      dlrStorage: o.kannelDlr,
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
