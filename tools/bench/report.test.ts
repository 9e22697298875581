import { describe, expect, it } from 'vitest';
import type { RunResult } from './measured-run.js';
import { compareRuns, findMaxText, processTable, runsTable, table, throughputChart } from './report.js';

function run(over: Partial<RunResult> = {}): RunResult {
  return {
    system: 'smsmesh',
    label: 'smsmesh all',
    rate: 1000,
    durationS: 30,
    runTag: 'r01',
    offered: 30_000,
    sent: 30_000,
    accepted: 30_000,
    dropped: 0,
    late: 0,
    abandoned: 0,
    errors: {},
    acceptedPerS: 1000,
    submitsPerS: 1200,
    persistedPerS: 990,
    drainS: 0.5,
    drained: true,
    accept: { count: 30_000, p50: 2, p95: 6, p99: 12, p999: 31, max: 40, mean: 3 },
    service: { count: 30_000, p50: 2, p95: 6, p99: 12, p999: 31, max: 40, mean: 3 },
    generatorMaxLagMs: 3,
    dlr: { count: 30_000, p50: 20, p95: 60, p99: 90, max: 200 },
    processes: {
      smsmesh: { cpuS: 30, cpuSPer1k: 1, readsPerMsg: 1.25, writesPerMsg: 0.5, peakRssMb: 150, hwmMb: 160, otherThreadsPct: 18 },
      postgres: { cpuS: 12, cpuSPer1k: 0.4, readsPerMsg: 0, writesPerMsg: 0.01, peakRssMb: 30, hwmMb: 31 },
    },
    gatewayCpuSPer1k: 1,
    stackCpuSPer1k: 1.4,
    machineCpuPct: 150,
    otherCpuPct: 10,
    backlogSlope: 0,
    loss: { checked: 30_000, missing: 0, examples: [] },
    statuses: { delivered: 30_000 },
    verdict: { held: true, reasons: [] },
    series: [],
    ...over,
  };
}

describe('report', () => {
  it('aligns numeric columns right and text left', () => {
    const t = table(['name', 'n'], [['a', '5'], ['bbb', '10']]).split('\n');
    expect(t[0]).toBe('name   n');
    expect(t[2]).toBe('a      5');
    expect(t[3]).toBe('bbb   10');
  });

  it('prints one row per run with the verdict', () => {
    const text = runsTable([run(), run({ rate: 2000, verdict: { held: false, reasons: ['p99 accept 80 ms > 50 ms'] } })]);
    expect(text).toContain('held');
    expect(text).toContain('FAILED: p99 accept 80 ms > 50 ms');
    expect(text).toContain('accept p50/p95/p99/p99.9 ms');
    expect(text).toContain('2.0 / 6.0 / 12.0 / 31.0');
  });

  it("gives the gateway's CPU per 1,000 messages to three places beside the stack's", () => {
    const text = runsTable([run({ gatewayCpuSPer1k: 0.166 })]);
    const [head, , row] = text.split('\n');
    const cols = head!.split(/\s{2,}/);
    expect(cols).toContain('gateway CPU s/1k');
    expect(row!.trim().split(/\s{2,}/)[cols.indexOf('gateway CPU s/1k')]).toBe('0.166');
    expect(row!.trim().split(/\s{2,}/)[cols.indexOf('stack CPU s/1k')]).toBe('1.40');
  });

  it('gives each process its CPU and its read/write calls per message for each run, and its peak RSS', () => {
    const text = processTable([run(), run({ rate: 2000 })]);
    expect(text).toContain('reads/writes per msg @2000/s');
    const row = text.split('\n').find((l) => l.startsWith('smsmesh'))!;
    expect(text).toContain('other threads % @2000/s');
    expect(row.split(/\s{2,}/)).toEqual(['smsmesh', '1.00', '18', '1.25 / 0.50', '1.00', '18', '1.25 / 0.50', '160']);
    const unreadable = processTable([run({ processes: { postgres: { cpuS: 12, cpuSPer1k: 0.4, peakRssMb: 30, hwmMb: 31 } } })]);
    expect(unreadable.split('\n').find((l) => l.startsWith('postgres'))!.split(/\s{2,}/)).toEqual(['postgres', '0.40', '–', '–', '31']);
  });

  it('computes smsmesh / kannel ratios', () => {
    const k = run({ system: 'kannel', acceptedPerS: 500, accept: { count: 1, p50: 4, p95: 8, p99: 24, p999: 29, max: 30, mean: 4 }, processes: { bearerbox: { cpuS: 1, cpuSPer1k: 1, readsPerMsg: 2, writesPerMsg: 2, peakRssMb: 15, hwmMb: 16 } } });
    const rows = compareRuns(run(), k, ['smsmesh', 'postgres'], ['bearerbox']);
    expect(rows.find((r) => r.metric === 'accepted/s')).toMatchObject({ smsmesh: 1000, kannel: 500, ratio: 2, better: 'higher' });
    expect(rows.find((r) => r.metric === 'accept p99 ms')).toMatchObject({ ratio: 0.5, better: 'lower' });
    expect(rows.find((r) => r.metric === 'stack peak RSS MB')).toMatchObject({ smsmesh: 191, kannel: 16 });
  });

  it('says when find-max never failed', () => {
    expect(findMaxText('x', [{ rate: 500, held: true, reasons: [] }], 500)).toContain('raise --max-rate');
    expect(findMaxText('x', [{ rate: 500, held: true, reasons: [] }, { rate: 1000, held: false, reasons: ['2 errors'] }], 500)).toContain(
      'highest rate that held: 500/s\n'.trim(),
    );
  });

  it('charts runs one after another', () => {
    const series = [1, 2, 3].map((t) => ({
      t,
      phase: 'load' as const,
      offered: 1000,
      accepted: 1000,
      errors: 0,
      dropped: 0,
      late: 0,
      p99Ms: 10,
      submitsPerS: 1200,
      persistedPerS: 990,
      backlog: 10,
      rssMb: {},
      cpuPct: {},
    }));
    const svg = throughputChart('t', [run({ series }), run({ rate: 2000, series })], 50);
    expect(svg).toContain('2000/s');
    expect(svg.match(/<path /g)).toHaveLength(4);
  });
});
