/**
 * The load generator as 1..N processes: forks load-worker.js, splits a run's rate, in-flight cap and sockets
 * over the workers (each takes every n-th arrival of the global schedule), and merges their per-second reports
 * and summaries. The workers live across runs, so later runs find them warm.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitEvenly } from './arrival-schedule.js';
import { killOnExit } from '../shared/exit-guard.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { LoadOptions, LoadSummary, LoadTarget, SecondReport } from './load-generator.js';
import type { MixWeights } from './message-mix.js';

export interface FleetRunOptions {
  target: LoadTarget;
  rate: number;
  total: number;
  /** Whole-fleet cap on outstanding requests. */
  maxInFlight: number;
  /** Whole-fleet keep-alive sockets per target URL. */
  sockets: number;
  mix?: MixWeights;
  runTag: string;
  destinationBase?: number;
  requestTimeoutMs?: number;
  /** When set, each worker appends accepted ids (or Kannel keys) to <idsDir>/<runTag>-w<k>.ids. */
  idsDir?: string;
  /** Common start (epoch ms); default 300 ms from now, so every worker has the run in hand. */
  startAtEpochMs?: number;
  lateThresholdMs?: number;
}

export interface FleetSecond {
  second: number;
  offered: number;
  sent: number;
  accepted: number;
  errors: Record<string, number>;
  dropped: number;
  late: number;
  inFlight: number;
  maxLagMs: number;
  latency: LatencyHistogram;
}

export interface FleetResult {
  offered: number;
  sent: number;
  accepted: number;
  dropped: number;
  late: number;
  abandoned: number;
  errors: Record<string, number>;
  latency: LatencyHistogram;
  service: LatencyHistogram;
  maxLagMs: number;
  maxInFlight: number;
  elapsedMs: number;
  startAtEpochMs: number;
  idsFiles: string[];
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'second'; runId: number; report: SecondReport }
  | { type: 'done'; runId: number; summary: LoadSummary }
  | { type: 'failed'; runId: number; error: string };

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'load-worker.js');

function addErrors(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

export class LoadFleet {
  private runSeq = 0;
  private constructor(private readonly children: ChildProcess[]) {}

  static async start(workers: number): Promise<LoadFleet> {
    const children = await Promise.all(
      Array.from({ length: workers }, () => {
        // No inherited --cpu-prof or inspector flags: the generator is not what we profile.
        const child = fork(WORKER, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        killOnExit(child);
        return new Promise<ChildProcess>((resolve, reject) => {
          const onMsg = (m: WorkerMessage) => {
            if (m.type === 'ready') {
              child.off('message', onMsg);
              resolve(child);
            }
          };
          child.on('message', onMsg);
          child.once('error', reject);
          child.once('exit', (code) => reject(new Error(`load worker exited with ${code} before it was ready`)));
        });
      }),
    );
    return new LoadFleet(children);
  }

  get size(): number {
    return this.children.length;
  }

  pids(): number[] {
    return this.children.map((c) => c.pid ?? 0).filter((p) => p > 0);
  }

  async run(o: FleetRunOptions, onSecond: (s: FleetSecond) => void = () => {}): Promise<FleetResult> {
    const runId = ++this.runSeq;
    const n = this.children.length;
    const caps = splitEvenly(o.maxInFlight, n);
    const sockets = splitEvenly(o.sockets, n);
    const requesters = o.target.kind === 'nats' ? splitEvenly(o.target.requesters, n) : [];
    const startAtEpochMs = o.startAtEpochMs ?? Date.now() + 300;
    const idsFiles = o.idsDir ? this.children.map((_, w) => join(o.idsDir!, `${o.runTag}-w${w}.ids`)) : [];

    // second → reports received so far
    const pending = new Map<number, { count: number; agg: FleetSecond }>();
    let nextToEmit = 0;
    const finished = new Set<number>();
    const emitReady = (force: boolean) => {
      for (;;) {
        const p = pending.get(nextToEmit);
        const have = p?.count ?? 0;
        // A worker that finished sends no more seconds; the others' reports are then complete.
        if (!p || (!force && have < n - finished.size)) return;
        pending.delete(nextToEmit);
        onSecond(p.agg);
        nextToEmit++;
      }
    };
    const onReport = (r: SecondReport) => {
      let p = pending.get(r.second);
      if (!p) {
        p = {
          count: 0,
          agg: { second: r.second, offered: 0, sent: 0, accepted: 0, errors: {}, dropped: 0, late: 0, inFlight: 0, maxLagMs: 0, latency: new LatencyHistogram() },
        };
        pending.set(r.second, p);
      }
      const a = p.agg;
      p.count++;
      a.offered += r.offered;
      a.sent += r.sent;
      a.accepted += r.accepted;
      a.dropped += r.dropped;
      a.late += r.late;
      a.inFlight += r.inFlight;
      a.maxLagMs = Math.max(a.maxLagMs, r.maxLagMs);
      addErrors(a.errors, r.errors);
      a.latency.merge(r.latency);
      emitReady(false);
    };

    const summaries = await Promise.all(
      this.children.map(
        (child, w) =>
          new Promise<LoadSummary>((resolve, reject) => {
            const options: LoadOptions = {
              target: o.target.kind === 'nats' ? { ...o.target, requesters: requesters[w]! } : o.target,
              rate: o.rate,
              total: o.total,
              worker: w,
              workers: n,
              maxInFlight: caps[w]!,
              sockets: sockets[w]!,
              mix: o.mix,
              runTag: o.runTag,
              destinationBase: o.destinationBase,
              requestTimeoutMs: o.requestTimeoutMs,
              idsFile: idsFiles[w],
              startAtEpochMs,
              lateThresholdMs: o.lateThresholdMs,
            };
            const onExit = (code: number | null) => reject(new Error(`load worker ${w} exited with ${code} during a run`));
            const onMsg = (m: WorkerMessage) => {
              if (m.type === 'ready' || m.runId !== runId) return;
              if (m.type === 'second') onReport(m.report);
              else {
                child.off('message', onMsg);
                child.off('exit', onExit);
                if (m.type === 'done') {
                  finished.add(w);
                  resolve(m.summary);
                } else reject(new Error(`load worker ${w}: ${m.error}`));
              }
            };
            child.on('message', onMsg);
            child.once('exit', onExit);
            child.send({ type: 'run', runId, options });
          }),
      ),
    );
    emitReady(true);

    const latency = new LatencyHistogram();
    const service = new LatencyHistogram();
    const errors: Record<string, number> = {};
    let maxLagMs = 0;
    for (const s of summaries) {
      latency.merge(s.latency);
      service.merge(s.service);
      addErrors(errors, s.errors);
      maxLagMs = Math.max(maxLagMs, s.maxLagMs);
    }
    const sum = (f: (s: LoadSummary) => number) => summaries.reduce((a, s) => a + f(s), 0);
    return {
      offered: sum((s) => s.offered),
      sent: sum((s) => s.sent),
      accepted: sum((s) => s.accepted),
      dropped: sum((s) => s.dropped),
      late: sum((s) => s.late),
      abandoned: sum((s) => s.abandoned),
      errors,
      latency,
      service,
      maxLagMs,
      maxInFlight: sum((s) => s.maxInFlight),
      elapsedMs: Math.max(...summaries.map((s) => s.elapsedMs)),
      startAtEpochMs,
      idsFiles,
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.send({ type: 'exit' });
            setTimeout(() => {
              if (c.exitCode === null) c.kill('SIGKILL');
            }, 3000).unref();
          }),
      ),
    );
  }
}
