/**
 * What a bench prints and writes: plain-text tables of runs, per-process CPU and memory, the smsmesh / Kannel
 * ratios, find-max steps, soak and backlog memory figures, and the charts (SVG) of throughput and p99 over time.
 */
import type { DrainCpu } from './drain-cpu.js';
import type { ProcessFigures, RunResult, TimePoint } from './measured-run.js';
import { lineChart, type Series } from './svg-chart.js';

/** A plain-text table; numbers (and values starting with a digit) are right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.]/.test(r[i] ?? '') || (r[i] ?? '') === '' || r[i] === '–'));
  const fmtRow = (r: string[]) =>
    r.map((c, i) => (numeric[i] ? (c ?? '').padStart(widths[i]!) : (c ?? '').padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmtRow(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmtRow)].join('\n');
}

const n0 = (n: number) => String(Math.round(n));
const n1 = (n: number) => (Math.round(n * 10) / 10).toFixed(1);
const n2 = (n: number) => (Math.round(n * 100) / 100).toFixed(2);
const n3 = (n: number) => (Math.round(n * 1000) / 1000).toFixed(3);
const lat = (a: { p50: number; p95: number; p99: number }) => `${n1(a.p50)} / ${n1(a.p95)} / ${n1(a.p99)}`;
const acceptLat = (a: { p50: number; p95: number; p99: number; p999?: number }) => `${lat(a)} / ${a.p999 === undefined ? '–' : n1(a.p999)}`;
const errCount = (e: Record<string, number>) => Object.values(e).reduce((a, b) => a + b, 0);

export function errorsText(e: Record<string, number>): string {
  const parts = Object.entries(e)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}×${v}`);
  return parts.length ? parts.join(' ') : '0';
}

export function runsTable(runs: readonly RunResult[]): string {
  return table(
    [
      'offered/s',
      'accepted/s',
      'submit_sm/s',
      'persisted/s',
      'drain s',
      'accept p50/p95/p99/p99.9 ms',
      'accept→DLR p50/p95/p99 ms',
      'errors',
      'dropped',
      'late',
      'lost',
      'gateway CPU s/1k',
      'stack CPU s/1k',
      'verdict',
    ],
    runs.map((r) => [
      n0(r.rate),
      n0(r.acceptedPerS),
      n0(r.submitsPerS),
      n0(r.persistedPerS),
      r.drained ? n1(r.drainS) : `>${n0(r.drainS)}`,
      acceptLat(r.accept),
      lat(r.dlr),
      String(errCount(r.errors) + r.abandoned),
      String(r.dropped),
      String(r.late),
      r.loss ? String(r.loss.missing) : '–',
      n3(r.gatewayCpuSPer1k),
      n2(r.stackCpuSPer1k),
      r.verdict.held ? 'held' : `FAILED: ${r.verdict.reasons.join('; ')}`,
    ]),
  );
}

/**
 * Rows: processes; columns per run: CPU s per 1,000 messages, the share of it off the main thread (helper threads
 * that wait for a core when every core is busy), read/write system calls per message (each a wake-up or a handover
 * between processes: what coalescing saves), then peak RSS (VmHWM).
 */
export function processTable(runs: readonly RunResult[]): string {
  const groups = [...new Set(runs.flatMap((r) => Object.keys(r.processes)))];
  const headers = [
    'process',
    ...runs.flatMap((r) => [`CPU s/1k @${n0(r.rate)}/s`, `other threads % @${n0(r.rate)}/s`, `reads/writes per msg @${n0(r.rate)}/s`]),
    'peak RSS MB (VmHWM)',
  ];
  const rows = groups.map((g) => {
    const figs = runs.map((r) => r.processes[g]).filter((f): f is ProcessFigures => f !== undefined);
    const perRun = runs.flatMap((r) => {
      const f = r.processes[g];
      if (!f) return ['–', '–', '–'];
      return [n2(f.cpuSPer1k), f.otherThreadsPct === undefined ? '–' : n0(f.otherThreadsPct), f.readsPerMsg === undefined || f.writesPerMsg === undefined ? '–' : `${n2(f.readsPerMsg)} / ${n2(f.writesPerMsg)}`];
    });
    return [g, ...perRun, n0(Math.max(0, ...figs.map((f) => Math.max(f.hwmMb, f.peakRssMb))))];
  });
  return table(headers, rows);
}

export interface ComparisonRow {
  metric: string;
  smsmesh: number;
  kannel: number;
  ratio: number;
  better: 'higher' | 'lower';
}

function stackRss(r: RunResult, groups: readonly string[]): number {
  return groups.reduce((a, g) => a + Math.max(r.processes[g]?.hwmMb ?? 0, r.processes[g]?.peakRssMb ?? 0), 0);
}

export function compareRuns(s: RunResult, k: RunResult, sGroups: readonly string[], kGroups: readonly string[]): ComparisonRow[] {
  const row = (metric: string, a: number, b: number, better: 'higher' | 'lower'): ComparisonRow => ({
    metric,
    smsmesh: a,
    kannel: b,
    ratio: b === 0 ? (a === 0 ? 1 : Number.POSITIVE_INFINITY) : Math.round((a / b) * 100) / 100,
    better,
  });
  return [
    row('accepted/s', s.acceptedPerS, k.acceptedPerS, 'higher'),
    row('submit_sm/s', s.submitsPerS, k.submitsPerS, 'higher'),
    row('persisted/s', s.persistedPerS, k.persistedPerS, 'higher'),
    row('accept p50 ms', s.accept.p50, k.accept.p50, 'lower'),
    row('accept p99 ms', s.accept.p99, k.accept.p99, 'lower'),
    row('accept→DLR p50 ms', s.dlr.p50, k.dlr.p50, 'lower'),
    row('accept→DLR p99 ms', s.dlr.p99, k.dlr.p99, 'lower'),
    row('drain s', s.drainS, k.drainS, 'lower'),
    row('stack CPU s/1k msgs', s.stackCpuSPer1k, k.stackCpuSPer1k, 'lower'),
    row('stack peak RSS MB', Math.round(stackRss(s, sGroups)), Math.round(stackRss(k, kGroups)), 'lower'),
  ];
}

export function comparisonTable(rate: number, rows: readonly ComparisonRow[]): string {
  return table(
    [`@${n0(rate)}/s`, 'smsmesh', 'kannel', 'smsmesh / kannel', ''],
    rows.map((r) => [r.metric, n2(r.smsmesh), n2(r.kannel), Number.isFinite(r.ratio) ? n2(r.ratio) : '∞', `(${r.better} is better)`]),
  );
}

export interface FindMaxStep {
  rate: number;
  held: boolean;
  reasons: string[];
}

export function findMaxText(system: string, steps: readonly FindMaxStep[], best: number | undefined): string {
  const lines = steps.map((s) => `  ${String(s.rate).padStart(7)}/s  ${s.held ? 'held' : `did not hold: ${s.reasons.join('; ')}`}`);
  const allHeld = steps.length > 0 && steps.every((s) => s.held);
  const verdict =
    best === undefined ? 'none (the start rate already failed)' : `${best}/s${allHeld ? ' (every step held: the ceiling is higher; raise --max-rate)' : ''}`;
  return [`${system} --find-max:`, ...lines, `  highest rate that held: ${verdict}`].join('\n');
}

export interface MemorySlope {
  process: string;
  startMb: number;
  endMb: number;
  peakMb: number;
  slopeMbPerMin: number;
}

export function soakTable(rows: readonly MemorySlope[]): string {
  return table(
    ['process', 'RSS start MB', 'RSS end MB', 'peak MB', 'slope MB/min'],
    rows.map((r) => [r.process, n1(r.startMb), n1(r.endMb), n1(r.peakMb), n2(r.slopeMbPerMin)]),
  );
}

export interface BacklogMemory {
  process: string;
  emptyMb: number;
  backlogMb: number;
  drainedMb: number;
}

export function backlogTable(n: number, rows: readonly BacklogMemory[]): string {
  return table(
    ['process', 'RSS empty queue MB', `RSS with ${n} queued MB`, 'Δ MB', 'bytes/queued msg', 'RSS after drain MB'],
    rows.map((r) => [
      r.process,
      n1(r.emptyMb),
      n1(r.backlogMb),
      n1(r.backlogMb - r.emptyMb),
      n0(((r.backlogMb - r.emptyMb) * 1024 * 1024) / Math.max(1, n)),
      n1(r.drainedMb),
    ]),
  );
}

/** Each process's CPU over a backlog drain, busiest first. */
export function drainCpuTable(d: DrainCpu): string {
  return table(
    ['process', 'CPU s in the drain', '% of a core', 'CPU s/1k drained'],
    d.rows.map((r) => [r.process, n1(r.cpuS), n0(r.corePct), n3(r.perThousand)]),
  );
}

const COLORS = { accepted: '#1f77b4', persisted: '#2ca02c', submits: '#9467bd', p99: '#d62728' };

/** Throughput (accepted/s, submit_sm/s, persisted/s) and p99 accept latency over time, runs one after another. */
export function throughputChart(title: string, runs: readonly RunResult[], p99LimitMs: number): string {
  const accepted: Array<[number, number]> = [];
  const submits: Array<[number, number]> = [];
  const persisted: Array<[number, number]> = [];
  const p99: Array<[number, number]> = [];
  const markers: Array<{ x: number; label: string }> = [];
  let offset = 0;
  for (const r of runs) {
    markers.push({ x: offset, label: `${n0(r.rate)}/s` });
    for (const p of r.series) {
      const x = offset + p.t;
      accepted.push([x, p.accepted]);
      submits.push([x, p.submitsPerS]);
      if (p.persistedPerS !== undefined) persisted.push([x, p.persistedPerS]);
      if (p.phase === 'load') p99.push([x, p.p99Ms]);
    }
    offset += (r.series.at(-1)?.t ?? 0) + 1;
  }
  const series: Series[] = [
    { name: 'accepted/s', color: COLORS.accepted, points: accepted },
    { name: 'persisted/s (final state in PostgreSQL)', color: COLORS.persisted, points: persisted },
    { name: 'submit_sm/s', color: COLORS.submits, points: submits, dashed: true },
  ];
  return lineChart({
    title,
    xLabel: 'seconds (runs one after another; each run ends with its drain)',
    left: { label: 'messages per second', series },
    right: { label: 'p99 accept latency, ms', series: [{ name: 'p99 accept ms', color: COLORS.p99, points: p99 }], threshold: { value: p99LimitMs, label: `p99 limit ${p99LimitMs} ms` } },
    markers: markers.slice(1),
  });
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** RSS per process over a (soak) run. */
export function memoryChart(title: string, series: readonly TimePoint[], groups: readonly string[]): string {
  return lineChart({
    title,
    xLabel: 'minutes',
    left: {
      label: 'RSS, MB',
      series: groups.map((g, i) => ({
        name: g,
        color: PALETTE[i % PALETTE.length]!,
        points: series.filter((p) => p.rssMb[g] !== undefined).map((p) => [p.t / 60, p.rssMb[g]!] as const),
      })),
    },
  });
}

/** JSON with non-finite numbers (a ratio over zero) written as strings instead of null. */
export function resultJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}
