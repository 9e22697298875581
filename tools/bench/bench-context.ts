/** What the bench's runs share: the options, output, load fleet and directories, each system's report, and the next run's spec. */
import type { MessageWrites } from './bench-database.js';
import { join } from 'node:path';
import { totalArrivals } from '../loadgen/arrival-schedule.js';
import type { BenchOptions } from './bench-args.js';
import type { LossCheck } from './bench-database.js';
import type { BenchMeta } from './bench-meta.js';
import type { DrainCpu } from './drain-cpu.js';
import type { LoadFleet } from '../loadgen/load-fleet.js';
import type { RunResult, RunSpec } from './measured-run.js';
import type { PerfProcessSummary } from './perf-summary.js';
import type { ProfileSummary } from './profile-summary.js';
import type { BacklogMemory, FindMaxStep, MemorySlope } from './report.js';
import type { Limits } from './verdict.js';

export interface SystemReport {
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
    /** Each process's CPU over the drain (from the SMSC's return to the last final state). */
    drainCpu: DrainCpu;
    /** Seconds from the SMSC's return to the first submit_sm it answered (the binds' reconnect), to within a second. */
    firstSubmitS: number | undefined;
    loss: LossCheck;
  };
  profiles?: Array<{ process: string; summary: ProfileSummary }>;
  /** --perf: where each gateway process's CPU went, by Linux perf. */
  perf?: PerfProcessSummary[];
  /** Row writes on the messages table over the whole invocation (warm-up included). */
  messageWrites?: MessageWrites;
}

export interface BenchContext {
  o: BenchOptions;
  out: (line: string) => void;
  fleet: LoadFleet;
  workDir: string;
  resultsDir: string;
  limits: Limits;
  tagSeq: number;
  destinationBase: number;
}

/** What each system's bench needs from the whole bench besides the context. */
export interface SystemBenchDeps {
  meta: BenchMeta;
  registerCleanup: (fn: () => Promise<void>) => () => void;
  doRates: boolean;
  /** A system's report goes in before its runs start, so a Kannel side that fails still reports what it measured. */
  reports: SystemReport[];
}

/** The next run's spec; every run gets its own tag and its own destination numbers. */
export function spec(ctx: BenchContext, label: string, rate: number, durationS: number, warmup = false): RunSpec {
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
