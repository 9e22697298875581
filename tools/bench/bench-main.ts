/**
 * The bench: for each gateway layout (and Kannel when installed) start a fresh stack, warm it up, make the runs
 * the options ask for (rates, --find-max, --soak, --backlog), stop it; after rate runs, one connector bind at small
 * windows (as make bench-bind); and report: tables on stdout,
 * results.json, summary.txt, SVG charts and CPU profile summaries under bench-results/<timestamp>/.
 * A run that loses a message makes the whole bench fail (exit code 1).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../internal/core/paths.js';
import { findNatsServer } from '../devstack/nats-process.js';
import type { BenchOptions } from './bench-args.js';
import type { BenchContext, SystemBenchDeps, SystemReport } from './bench-context.js';
import { runKannelSide } from './bench-kannel.js';
import { measureBindThroughput } from './bind-throughput.js';
import { collectMeta, quiet } from './bench-meta.js';
import { formatMachineSpeed, measureMachineSpeed } from './machine-speed.js';
import { benchSmsmeshLayout } from './bench-smsmesh.js';
import { writeSummary } from './bench-summary.js';
import { findKannel, KANNEL_INSTALL_HINT } from './kannel.js';
import { LoadFleet } from '../loadgen/load-fleet.js';
import { ensureNatsServerBin } from './stack.js';

/** Messages per window of the one-bind check: five to ten seconds at window 1 on a 2-core machine, most of it past the warm-up. */
const BIND_CHECK_MESSAGES = 10_000;

export interface BenchOutcome {
  exitCode: number;
  resultsDir: string;
}

export async function runBench(o: BenchOptions, out: (line: string) => void, registerCleanup: (fn: () => Promise<void>) => () => void): Promise<BenchOutcome> {
  const root = packageRoot();
  for (const entry of ['smsmesh', 'edge', 'connector', 'status-writer']) {
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
  const ctx: BenchContext = {
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
  const meta = collectMeta(o, root, natsVersion, kannelBin);
  out(
    `smsmesh bench — ${meta.cpus} × ${meta.cpuModel}, ${meta.memoryGb} GB, Node ${meta.node}, ${natsVersion}, Kannel ${meta.kannel}, git ${meta.git}\n` +
      `mix ${o.mix.gsm1}/${o.mix.ucs2}/${o.mix.gsm3} (1-seg GSM / UCS-2 / 3-seg GSM: ${meta.meanSegmentsPerMessage} segments per message); ` +
      `load generator: ${o.workers} process(es), ${o.sockets} sockets, in-flight cap ${o.maxInFlight}\nresults: ${resultsDir}`,
  );
  meta.speedBefore = await measureMachineSpeed();
  out(`before the runs, ${formatMachineSpeed(meta.speedBefore)}`);

  const reports: SystemReport[] = [];
  let failed = false;
  const deps: SystemBenchDeps = { meta, registerCleanup, doRates, reports };

  // ---------------- smsmesh, per layout ----------------
  for (const layout of o.layouts) await benchSmsmeshLayout(ctx, layout, deps);

  // ---------------- one bind at small windows ----------------
  // The rate runs' window 100 hides a bind whose pace is set by round trips; at window 1 each one shows.
  if (doRates) {
    for (const window of o.bindWindows) {
      try {
        meta.bindWindows.push(await measureBindThroughput({ window, messages: BIND_CHECK_MESSAGES, log: (line) => out(`[one bind] ${line}`) }));
      } catch (err) {
        out(`[one bind] window ${window} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  // ---------------- Kannel ----------------
  const kannelWanted = (doRates || o.findMax) && o.kannel !== 'off';
  if (kannelWanted && !kannelBin) out(`\nKannel side by side skipped. ${KANNEL_INSTALL_HINT}`);
  let kannelError: string | undefined;
  if (kannelWanted && kannelBin) {
    try {
      await runKannelSide(ctx, kannelBin, deps);
    } catch (err) {
      // smsmesh's results stand on their own: report Kannel's failure instead of losing them.
      kannelError = err instanceof Error ? err.message : String(err);
      out(`\nKannel side by side failed: ${kannelError}`);
      if (o.kannel === 'on') failed = true;
    }
  }

  await fleet.close();
  unregisterFleet();
  meta.speedAfter = await measureMachineSpeed();

  // ---------------- report ----------------
  failed = writeSummary({ o, out, resultsDir, meta, reports, kannelError, failed });
  if (!o.keep) rmSync(workDir, { recursive: true, force: true });
  else out(`kept ${workDir}`);
  return { exitCode: failed ? 1 : 0, resultsDir };
}
