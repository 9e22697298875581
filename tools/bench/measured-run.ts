/**
 * One measured run against a system under test (smsmesh or Kannel): open-model load at a fixed rate, a probe
 * once a second (SMSC submits, persisted final states, CPU and RSS of every process), a drain until every
 * accepted message is persisted (or a timeout), then the figures: rates, latency percentiles, CPU per 1,000
 * messages, peak RSS, backlog growth, and the loss check.
 */
import type { DlrLatency, LossCheck } from './bench-database.js';
import type { LatencySummaryMs } from '../loadgen/latency-histogram.js';
import type { FleetSecond, LoadFleet } from '../loadgen/load-fleet.js';
import type { LoadTarget } from '../loadgen/load-generator.js';
import type { MixWeights } from '../loadgen/message-mix.js';
import { machineBusySeconds, slope, type CpuMeter, type GroupSample } from './process-stats.js';
import { judge, type Limits, type Verdict } from './verdict.js';

export interface SystemUnderTest {
  name: 'smsmesh' | 'kannel';
  /** e.g. "smsmesh all" or "kannel 1.4.5". */
  label: string;
  target: LoadTarget;
  meter: CpuMeter;
  /** Meter groups that make up the system itself (gateway processes, broker, database). */
  stackGroups: string[];
  /** Meter groups of the gateway's own processes (no broker, no database, no SMSC, no generator). */
  gatewayGroups: string[];
  /** submit_sm answered OK by the SMSC so far (segments). */
  submits(): Promise<number>;
  /** Messages with a persisted final state so far. */
  persisted(): Promise<number>;
  dlrLatency(runTag: string): Promise<DlrLatency>;
  checkLoss(runTag: string, idsFiles: readonly string[]): Promise<LossCheck>;
  statusCounts(runTag: string): Promise<Record<string, number>>;
}

export interface RunSpec {
  label: string;
  rate: number;
  total: number;
  runTag: string;
  destinationBase: number;
  drainTimeoutS: number;
  /** How often persisted final states are counted (a count(*) over the table). */
  dbPollMs: number;
  maxInFlight: number;
  sockets: number;
  mix: MixWeights;
  requestTimeoutMs: number;
  idsDir: string;
  limits: Limits;
  /** Warm-up runs print nothing and skip the loss check. */
  warmup?: boolean;
}

export interface TimePoint {
  /** Seconds since the start of the run (end of the second this point covers). */
  t: number;
  phase: 'load' | 'drain';
  offered: number;
  accepted: number;
  errors: number;
  dropped: number;
  late: number;
  /** p99 accept latency of the requests answered in this second, ms. */
  p99Ms: number;
  submitsPerS: number;
  /** undefined when the database was not polled this second. */
  persistedPerS: number | undefined;
  backlog: number | undefined;
  /** Resident memory per process group, MB. */
  rssMb: Record<string, number>;
  /** CPU use per process group in this second, % of one core. */
  cpuPct: Record<string, number>;
}

export interface ProcessFigures {
  cpuS: number;
  cpuSPer1k: number;
  /** read- and write-family system calls per accepted message (process-stats.ts says which calls count); undefined when unreadable. */
  readsPerMsg?: number | undefined;
  writesPerMsg?: number | undefined;
  peakRssMb: number;
  hwmMb: number;
  /**
   * Share of the CPU spent off the processes' main threads, % (Node: V8's GC and compiler helper threads; Go: its
   * runtime's threads). Absent in results from before it was measured.
   */
  otherThreadsPct?: number | undefined;
}

export interface RunResult {
  system: string;
  label: string;
  rate: number;
  durationS: number;
  runTag: string;
  offered: number;
  sent: number;
  accepted: number;
  dropped: number;
  late: number;
  abandoned: number;
  errors: Record<string, number>;
  acceptedPerS: number;
  submitsPerS: number;
  persistedPerS: number;
  drainS: number;
  drained: boolean;
  accept: LatencySummaryMs;
  service: LatencySummaryMs;
  generatorMaxLagMs: number;
  dlr: DlrLatency;
  processes: Record<string, ProcessFigures>;
  /** CPU seconds per 1,000 messages accepted of the gateway's own processes, to three places (the processes' own are to two). */
  gatewayCpuSPer1k: number;
  stackCpuSPer1k: number;
  /**
   * Average CPU use during the run, % of one core: the whole machine, and what the measured processes do not
   * explain (kernel networking, PostgreSQL's background writers, and any other program on the machine).
   */
  machineCpuPct: number;
  otherCpuPct: number;
  backlogSlope: number;
  loss: LossCheck | undefined;
  statuses: Record<string, number>;
  verdict: Verdict;
  series: TimePoint[];
}

const MB = 1024 * 1024;
const r2 = (n: number) => Math.round(n * 100) / 100;
const r3 = (n: number) => Math.round(n * 1000) / 1000;

interface Probe {
  at: number;
  submits: number;
  persisted: number | undefined;
  groups: Record<string, GroupSample>;
}

function errorTotal(e: Record<string, number>): number {
  return Object.values(e).reduce((a, b) => a + b, 0);
}

export async function measuredRun(sut: SystemUnderTest, fleet: LoadFleet, spec: RunSpec, out: (line: string) => void): Promise<RunResult> {
  const loadS = spec.total / spec.rate;
  // Batches (HTTP or NATS): the spec counts messages, the generator requests of `per` messages.
  const per = sut.target.kind === 'kannel' ? 1 : (sut.target.batchSize ?? 1);
  const startAt = Date.now() + 300;
  await sut.meter.reset();
  const machineBase = machineBusySeconds();
  const base: Probe = { at: Date.now(), submits: await sut.submits(), persisted: await sut.persisted(), groups: await sut.meter.sample() };
  const persistedBase = base.persisted ?? 0;

  const seconds = new Map<number, FleetSecond>();
  const probes: Probe[] = [];
  let acceptedSoFar = 0;
  let fleetDone = false;
  let acceptedTotal = 0;
  let lastPersisted = persistedBase;
  let lastDbPoll = 0;
  let caughtUpAt: number | undefined;

  const probe = async (): Promise<Probe> => {
    const now = Date.now();
    let persisted: number | undefined;
    // During the drain, every second: the drain time is only as precise as the polls.
    if (fleetDone || now - lastDbPoll >= spec.dbPollMs - 50) {
      lastDbPoll = now;
      persisted = await sut.persisted();
      lastPersisted = persisted;
    }
    return { at: now, submits: await sut.submits(), persisted, groups: await sut.meter.sample() };
  };

  const line = (k: number, p: Probe, prev: Probe) => {
    const s = seconds.get(k);
    const dt = (p.at - prev.at) / 1000 || 1;
    const sub = Math.round((p.submits - prev.submits) / dt);
    const backlog = acceptedSoFar - (lastPersisted - persistedBase);
    const cpu = sut.stackGroups
      .map((g) => {
        const now = p.groups[g]?.cpuS ?? 0;
        const before = prev.groups[g]?.cpuS ?? 0;
        return `${g} ${Math.round(((now - before) / dt) * 100)}%`;
      })
      .join(' ');
    const fleetPart = s
      ? `offered ${s.offered * per}  accepted ${s.accepted}/s  p99 ${s.latency.percentileMs(99).toFixed(1)} ms  err ${errorTotal(s.errors)}  drop ${s.dropped}  late ${s.late}`
      : fleetDone
        ? 'draining'
        : 'load …';
    out(`[${spec.label}] t=${String(k + 1).padStart(3)}s  ${fleetPart}  submit_sm ${sub}/s  persisted ${lastPersisted - persistedBase}  backlog ${backlog}  cpu ${cpu}`);
  };

  // Probe once a second on the run's own grid, through the load and the drain.
  let k = 0;
  let stopProbing = false;
  const drainDeadline = () => startAt + loadS * 1000 + spec.drainTimeoutS * 1000;
  const probing = (async () => {
    let prev = base;
    for (;;) {
      // Probe on the second boundary, so counts line up with the generator's seconds; print once its
      // report for the second has come in (it is cut on the same boundary, then sent over IPC).
      const due = startAt + (k + 1) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      const p = await probe();
      probes[k] = p;
      for (let waited = 0; !seconds.has(k) && !fleetDone && waited < 300; waited += 10) await new Promise((r) => setTimeout(r, 10));
      if (!spec.warmup) line(k, p, prev);
      prev = p;
      k++;
      if (fleetDone && lastPersisted - persistedBase >= acceptedTotal) {
        caughtUpAt ??= p.at;
        break;
      }
      if (stopProbing || Date.now() > drainDeadline()) break;
    }
  })();

  const result = await fleet.run(
    {
      target: sut.target,
      rate: spec.rate / per,
      total: Math.ceil(spec.total / per),
      maxInFlight: spec.maxInFlight,
      sockets: spec.sockets,
      mix: spec.mix,
      runTag: spec.runTag,
      destinationBase: spec.destinationBase,
      requestTimeoutMs: spec.requestTimeoutMs,
      idsDir: spec.idsDir,
      startAtEpochMs: startAt,
    },
    (s) => {
      seconds.set(s.second, s);
      acceptedSoFar += s.accepted;
    },
  );
  acceptedTotal = result.accepted;
  fleetDone = true;
  await probing.catch((err: unknown) => {
    stopProbing = true;
    throw err;
  });
  // One last reading, so persisted and CPU include everything up to now.
  const last = { at: Date.now(), submits: await sut.submits(), persisted: await sut.persisted(), groups: await sut.meter.sample() };
  if (caughtUpAt === undefined && (last.persisted ?? 0) - persistedBase >= acceptedTotal) caughtUpAt = last.at;

  // ---- the time series ----
  const series: TimePoint[] = [];
  let cumAccepted = 0;
  let prev = base;
  let prevPersisted = { at: base.at, n: persistedBase };
  for (let i = 0; i < probes.length; i++) {
    const p = probes[i];
    if (!p) continue;
    const s = seconds.get(i);
    cumAccepted += s?.accepted ?? 0;
    const dt = (p.at - prev.at) / 1000 || 1;
    let persistedPerS: number | undefined;
    let backlog: number | undefined;
    if (p.persisted !== undefined) {
      persistedPerS = Math.round((p.persisted - prevPersisted.n) / ((p.at - prevPersisted.at) / 1000 || 1));
      backlog = cumAccepted - (p.persisted - persistedBase);
      prevPersisted = { at: p.at, n: p.persisted };
    }
    const rssMb: Record<string, number> = {};
    const cpuPct: Record<string, number> = {};
    for (const [g, v] of Object.entries(p.groups)) {
      rssMb[g] = r2(v.rss / MB);
      cpuPct[g] = Math.round(((v.cpuS - (prev.groups[g]?.cpuS ?? 0)) / dt) * 100);
    }
    series.push({
      t: i + 1,
      phase: i + 1 <= Math.ceil(loadS) ? 'load' : 'drain',
      offered: (s?.offered ?? 0) * per,
      accepted: s?.accepted ?? 0,
      errors: s ? errorTotal(s.errors) : 0,
      dropped: s?.dropped ?? 0,
      late: s?.late ?? 0,
      p99Ms: s ? r2(s.latency.percentileMs(99)) : 0,
      submitsPerS: Math.round((p.submits - prev.submits) / dt),
      persistedPerS,
      backlog,
      rssMb,
      cpuPct,
    });
    prev = p;
  }

  // ---- figures over the load window ----
  const loadEnd = startAt + loadS * 1000;
  const atLoadEnd = probes.find((p) => p && p.at >= loadEnd) ?? last;
  const persistedAtLoadEnd = [...probes, last].find((p) => p && p.at >= loadEnd && p.persisted !== undefined)?.persisted ?? last.persisted ?? 0;
  const windowS = Math.max(0.001, (atLoadEnd.at - startAt) / 1000);
  const half = series.filter((p) => p.phase === 'load' && p.t > loadS / 2 && p.backlog !== undefined);
  const backlogSlope = slope(half.map((p) => ({ x: p.t, y: p.backlog! })));
  let drained = caughtUpAt !== undefined;
  let drainS = drained ? Math.max(0, r2((caughtUpAt! - loadEnd) / 1000)) : spec.drainTimeoutS;

  const machineEnd = machineBusySeconds();
  const runS = Math.max(0.001, (last.at - base.at) / 1000);
  const machineCpuPct = machineBase !== undefined && machineEnd !== undefined ? Math.round(((machineEnd - machineBase) / runS) * 100) : 0;
  const measuredCpuS = Object.values(last.groups).reduce((a, g) => a + g.cpuS, 0);
  const otherCpuPct = Math.max(0, machineCpuPct - Math.round((measuredCpuS / runS) * 100));
  const processes: Record<string, ProcessFigures> = {};
  let stackCpu = 0;
  let gatewayCpu = 0;
  const per1k = (cpuS: number, round = r2) => (result.accepted > 0 ? round(cpuS / (result.accepted / 1000)) : 0);
  for (const [g, v] of Object.entries(last.groups)) {
    const perMsg = (calls: number | undefined) => (calls === undefined ? undefined : result.accepted > 0 ? r2(calls / result.accepted) : 0);
    processes[g] = {
      cpuS: r2(v.cpuS),
      cpuSPer1k: per1k(v.cpuS),
      readsPerMsg: perMsg(v.readCalls),
      writesPerMsg: perMsg(v.writeCalls),
      peakRssMb: r2(v.peakRss / MB),
      hwmMb: r2(v.hwm / MB),
      otherThreadsPct: v.cpuS > 0 ? Math.round((100 * (v.cpuS - v.mainCpuS)) / v.cpuS) : 0,
    };
    if (sut.stackGroups.includes(g)) stackCpu += v.cpuS;
    if (sut.gatewayGroups.includes(g)) gatewayCpu += v.cpuS;
  }

  let loss = spec.warmup ? undefined : await sut.checkLoss(spec.runTag, result.idsFiles);
  // Requests the generator gave up on (timeouts) may still have been accepted by the gateway: their final states
  // count as persisted, so "persisted >= accepted" can come before every message the generator saw accepted is
  // final. Then keep draining on the ids themselves until none is missing or the drain deadline passes.
  let lossResolvedAt: number | undefined;
  while (loss && loss.missing > 0 && Date.now() < drainDeadline()) {
    out(`[${spec.label}] draining: ${loss.missing} accepted messages not final yet`);
    await new Promise((r) => setTimeout(r, 1000));
    loss = await sut.checkLoss(spec.runTag, result.idsFiles);
    if (loss.missing === 0) lossResolvedAt = Date.now();
  }
  if (lossResolvedAt !== undefined) {
    drained = true;
    drainS = Math.max(0, r2((lossResolvedAt - loadEnd) / 1000));
  }
  const dlr = spec.warmup ? { count: 0, p50: 0, p95: 0, p99: 0, max: 0 } : await sut.dlrLatency(spec.runTag);
  const statuses = spec.warmup ? {} : await sut.statusCounts(spec.runTag);
  const accept = result.latency.summaryMs();
  const errors = errorTotal(result.errors) + result.abandoned;
  const verdict = judge(
    {
      rate: spec.rate,
      offered: result.offered * per,
      accepted: result.accepted,
      errors,
      dropped: result.dropped,
      p99Ms: accept.p99,
      backlogSlope,
      lastBacklog: half.at(-1)?.backlog ?? 0,
      drainS,
      lost: loss?.missing ?? 0,
    },
    spec.limits,
  );
  return {
    system: sut.name,
    label: spec.label,
    rate: spec.rate,
    durationS: r2(loadS),
    runTag: spec.runTag,
    offered: result.offered * per,
    sent: result.sent * per,
    accepted: result.accepted,
    dropped: result.dropped,
    late: result.late,
    abandoned: result.abandoned,
    errors: result.errors,
    acceptedPerS: Math.round(result.accepted / loadS),
    submitsPerS: Math.round((atLoadEnd.submits - base.submits) / windowS),
    persistedPerS: Math.round((persistedAtLoadEnd - persistedBase) / windowS),
    drainS,
    drained,
    accept,
    service: result.service.summaryMs(),
    generatorMaxLagMs: result.maxLagMs,
    dlr,
    processes,
    gatewayCpuSPer1k: per1k(gatewayCpu, r3),
    stackCpuSPer1k: per1k(stackCpu),
    machineCpuPct,
    otherCpuPct,
    backlogSlope: r2(backlogSlope),
    loss,
    statuses,
    verdict,
    series,
  };
}
