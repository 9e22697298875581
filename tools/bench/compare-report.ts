/**
 * The report of `make bench-compare`: the runs of two builds, interleaved on one machine, side by side per system
 * and rate, each with the machine-speed readings taken around it, then each build's range. Reads only what every
 * bench's results.json has held since the bench recorded machine speed, and says "–" for what an older one lacks.
 */
import { table } from './report.js';

/** The parts of a bench's results.json this report reads. */
export interface BenchResults {
  meta: { git?: string; speedBefore?: Speed; speedAfter?: Speed };
  systems: { key: string; label: string; runs: RunFigures[]; messageWrites?: Writes }[];
  failed?: boolean;
}

/** PostgreSQL's row writes over all of a layout's runs (benches before message_parts was counted lack its two). */
interface Writes {
  rows: number;
  inserts: number;
  updates: number;
  partInserts?: number;
  partUpdates?: number;
}

interface Speed {
  oneCoreMs: number;
  allCoresMs: number;
}

interface RunFigures {
  rate: number;
  acceptedPerS: number;
  persistedPerS: number;
  dropped: number;
  accept: { p50: number; p99: number; p999?: number };
  processes: Record<string, { cpuSPer1k: number }>;
  /** Benches since this figure was recorded: to three places. */
  gatewayCpuSPer1k?: number;
  stackCpuSPer1k: number;
  loss: { missing: number };
}

export interface CompareRun {
  /** 'A' (the base) or 'B' (this build). */
  build: 'A' | 'B';
  /** 1-based position in the series. */
  order: number;
  results: BenchResults;
}

/** Processes of a bench run that are not the gateway: the peers, the generator and Kannel. */
const NOT_GATEWAY = new Set(['nats-server', 'postgres', 'smsc-sim', 'loadgen', 'bearerbox', 'smsbox', 'kannel']);

/** CPU seconds per 1,000 messages of the gateway's own processes (the all-in-one process, or edges + connector + status writer). */
export function gatewayCpu(processes: Record<string, { cpuSPer1k: number }>): number {
  let sum = 0;
  for (const [name, p] of Object.entries(processes)) if (!NOT_GATEWAY.has(name)) sum += p.cpuSPer1k;
  return sum;
}

/** A reading slower than the series' fastest by more than this share marks its run: the host held the machine back. */
export const SLOW_MACHINE_SHARE = 0.2;

/** The slowest of a run's readings (one core and all cores, before and after), or undefined when it has none. */
function slowest(r: BenchResults): number | undefined {
  const xs = [r.meta.speedBefore, r.meta.speedAfter].flatMap((s) => (s ? [s.oneCoreMs, s.allCoresMs] : []));
  return xs.length ? Math.max(...xs) : undefined;
}

function fastest(r: BenchResults): number | undefined {
  const xs = [r.meta.speedBefore, r.meta.speedAfter].flatMap((s) => (s ? [s.oneCoreMs, s.allCoresMs] : []));
  return xs.length ? Math.min(...xs) : undefined;
}

const speedText = (s: Speed | undefined) => (s ? `${s.oneCoreMs}/${s.allCoresMs}` : '–');
const f0 = (n: number) => String(Math.round(n));
const f1 = (n: number) => (Math.round(n * 10) / 10).toFixed(1);
const f2 = (n: number) => (Math.round(n * 100) / 100).toFixed(2);
const f3 = (n: number) => (Math.round(n * 1000) / 1000).toFixed(3);

/**
 * The gateway's CPU per 1,000 messages of some runs: to three places where every bench recorded it, else summed from
 * the processes' two-place figures (an older build's bench) and shown to two.
 */
function gatewayText(xs: readonly RunFigures[]): string {
  return xs.every((x) => x.gatewayCpuSPer1k !== undefined)
    ? range(xs.map((x) => x.gatewayCpuSPer1k!), f3)
    : range(xs.map((x) => gatewayCpu(x.processes)), f2);
}

function range(xs: number[], fmt: (n: number) => string): string {
  if (xs.length === 0) return '–';
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return fmt(lo) === fmt(hi) ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`;
}

export interface CompareReport {
  text: string;
  /** Runs that lost a message or failed their bench. */
  failedRuns: number[];
  /** Runs whose machine readings were more than SLOW_MACHINE_SHARE slower than the series' fastest. */
  slowRuns: number[];
}

export function compareReport(runs: readonly CompareRun[]): CompareReport {
  const best = Math.min(...runs.map((r) => fastest(r.results) ?? Infinity));
  const slowRuns = runs.filter((r) => {
    const s = slowest(r.results);
    return s !== undefined && Number.isFinite(best) && s > best * (1 + SLOW_MACHINE_SHARE);
  }).map((r) => r.order);
  const failedRuns = runs.filter((r) => r.results.failed || r.results.systems.some((s) => s.runs.some((x) => x.loss.missing > 0))).map((r) => r.order);

  const out: string[] = [];
  const keys = [...new Set(runs.flatMap((r) => r.results.systems.map((s) => s.key)))];
  for (const key of keys) {
    const rates = [...new Set(runs.flatMap((r) => r.results.systems.find((s) => s.key === key)?.runs.map((x) => x.rate) ?? []))].sort((a, b) => a - b);
    const label = runs.flatMap((r) => r.results.systems.filter((s) => s.key === key).map((s) => s.label))[0] ?? key;
    for (const rate of rates) {
      const rows: string[][] = [];
      const byBuild: Record<'A' | 'B', RunFigures[]> = { A: [], B: [] };
      for (const r of runs) {
        const x = r.results.systems.find((s) => s.key === key)?.runs.find((y) => y.rate === rate);
        if (!x) continue;
        byBuild[r.build].push(x);
        rows.push([
          String(r.order),
          r.build,
          r.results.meta.git ?? '–',
          `${speedText(r.results.meta.speedBefore)} → ${speedText(r.results.meta.speedAfter)}${slowRuns.includes(r.order) ? ' !' : ''}`,
          f0(x.acceptedPerS),
          f0(x.persistedPerS),
          f0(x.dropped),
          `${f1(x.accept.p50)} / ${f1(x.accept.p99)} / ${x.accept.p999 === undefined ? '–' : f1(x.accept.p999)}`,
          gatewayText([x]),
          f2(x.stackCpuSPer1k),
          f0(x.loss.missing),
        ]);
      }
      out.push(`${label} @${rate}/s`);
      out.push(
        table(
          ['run', 'build', 'git', 'machine ms before → after (1 core/all)', 'accepted/s', 'persisted/s', 'dropped', 'accept p50 / p99 / p99.9 ms', 'gateway CPU-s/1k', 'stack', 'lost'],
          rows,
        ),
      );
      for (const build of ['A', 'B'] as const) {
        const xs = byBuild[build];
        if (xs.length === 0) continue;
        out.push(
          `  ${build}, ${xs.length} run${xs.length === 1 ? '' : 's'}: persisted/s ${range(xs.map((x) => x.persistedPerS), f0)}; accept p50 ${range(xs.map((x) => x.accept.p50), f1)} ms, ` +
            `p99 ${range(xs.map((x) => x.accept.p99), f1)} ms; gateway ${gatewayText(xs)} CPU-s/1k, stack ${range(xs.map((x) => x.stackCpuSPer1k), f2)}`,
        );
      }
      out.push('');
    }
    const writes = runs.flatMap((r) => {
      const w = r.results.systems.find((s) => s.key === key)?.messageWrites;
      return w && w.rows > 0 ? [{ r, w }] : [];
    });
    if (writes.length > 0) {
      const per = (n: number | undefined, rows: number) => (n === undefined ? '–' : (n / rows).toFixed(2));
      out.push(`${label}: PostgreSQL row writes per message, all rates of each run`);
      out.push(
        table(
          ['run', 'build', 'messages inserts', 'updates', 'message_parts inserts', 'updates'],
          writes.map(({ r, w }) => [String(r.order), r.build, per(w.inserts, w.rows), per(w.updates, w.rows), per(w.partInserts, w.rows), per(w.partUpdates, w.rows)]),
        ),
      );
      out.push('');
    }
  }
  if (slowRuns.length > 0) {
    out.push(
      `! runs ${slowRuns.join(', ')}: a machine-speed reading more than ${SLOW_MACHINE_SHARE * 100} % slower than the series' fastest (${best} ms): ` +
        'the host held the machine back then; weigh those runs less, or run the series again.',
    );
  }
  if (failedRuns.length > 0) out.push(`runs ${failedRuns.join(', ')}: a message was lost or the bench failed (see their logs).`);
  return { text: out.join('\n'), failedRuns, slowRuns };
}
