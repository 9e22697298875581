import { describe, expect, it } from 'vitest';
import { compareReport, gatewayCpu, type BenchResults, type CompareRun } from './compare-report.js';

function results(o: {
  git: string;
  speed: [number, number, number, number] | undefined;
  persisted: number;
  p50: number;
  missing?: number;
  split?: boolean;
  /** The bench's own three-place gateway figure (benches before it was recorded lack it). */
  gateway?: number;
  writes?: { rows: number; inserts: number; updates: number; partInserts?: number; partUpdates?: number };
}): BenchResults {
  const [b1, b2, a1, a2] = o.speed ?? [0, 0, 0, 0];
  const processes: Record<string, { cpuSPer1k: number }> = o.split
    ? { 'edge-1': { cpuSPer1k: 0.15 }, connector: { cpuSPer1k: 0.08 }, 'status-writer': { cpuSPer1k: 0.06 }, 'nats-server': { cpuSPer1k: 0.12 }, postgres: { cpuSPer1k: 0.07 }, 'smsc-sim': { cpuSPer1k: 0.04 }, loadgen: { cpuSPer1k: 0.05 } }
    : { smsmesh: { cpuSPer1k: 0.39 }, 'nats-server': { cpuSPer1k: 0.18 }, postgres: { cpuSPer1k: 0.11 }, 'smsc-sim': { cpuSPer1k: 0.07 }, loadgen: { cpuSPer1k: 0.07 } };
  return {
    meta: o.speed ? { git: o.git, speedBefore: { oneCoreMs: b1, allCoresMs: b2 }, speedAfter: { oneCoreMs: a1, allCoresMs: a2 } } : { git: o.git },
    systems: [
      {
        key: 'smsmesh-all',
        label: 'smsmesh all',
        ...(o.writes ? { messageWrites: o.writes } : {}),
        runs: [
          { rate: 2000, acceptedPerS: 2000, persistedPerS: o.persisted, dropped: 0, accept: { p50: o.p50, p99: o.p50 * 4, p999: o.p50 * 10 }, processes, ...(o.gateway === undefined ? {} : { gatewayCpuSPer1k: o.gateway }), stackCpuSPer1k: 0.68, loss: { missing: o.missing ?? 0 } },
        ],
      },
    ],
  };
}

describe('bench-compare report', () => {
  it('sums the gateway processes only, in either layout', () => {
    expect(gatewayCpu(results({ git: 'a', speed: undefined, persisted: 1, p50: 1 }).systems[0]!.runs[0]!.processes)).toBeCloseTo(0.39);
    expect(gatewayCpu(results({ git: 'a', speed: undefined, persisted: 1, p50: 1, split: true }).systems[0]!.runs[0]!.processes)).toBeCloseTo(0.29);
  });

  it('lists every run in series order with its readings, and each build’s range', () => {
    const runs: CompareRun[] = [
      { build: 'A', order: 1, results: results({ git: 'base1', speed: [180, 182, 178, 185], persisted: 1990, p50: 18.2 }) },
      { build: 'B', order: 2, results: results({ git: 'this1', speed: [179, 181, 180, 183], persisted: 1995, p50: 11.4 }) },
      { build: 'B', order: 3, results: results({ git: 'this1', speed: [181, 184, 182, 186], persisted: 1993, p50: 12.0 }) },
      { build: 'A', order: 4, results: results({ git: 'base1', speed: [183, 185, 180, 184], persisted: 1980, p50: 20.5 }) },
    ];
    const r = compareReport(runs);
    const lines = r.text.split('\n');
    expect(lines[0]).toBe('smsmesh all @2000/s');
    const rows = lines.filter((l) => /^\s*\d+\s+[AB]\s/.test(l));
    expect(rows.map((l) => l.trim().split(/\s+/).slice(0, 3).join(' '))).toEqual(['1 A base1', '2 B this1', '3 B this1', '4 A base1']);
    expect(rows[0]).toContain('180/182 → 178/185');
    expect(r.text).toContain('A, 2 runs: persisted/s 1980–1990; accept p50 18.2–20.5 ms, p99 72.8–82.0 ms; gateway 0.39 CPU-s/1k, stack 0.68');
    expect(r.text).toContain('B, 2 runs: persisted/s 1993–1995; accept p50 11.4–12.0 ms');
    expect(r.slowRuns).toEqual([]);
    expect(r.failedRuns).toEqual([]);
    expect(r.text).not.toContain('!');
  });

  it("shows the gateway's CPU to three places where the benches recorded it, and to two when one of them did not", () => {
    const three = compareReport([
      { build: 'A', order: 1, results: results({ git: 'a', speed: undefined, persisted: 1990, p50: 18, split: true, gateway: 0.1714 }) },
      { build: 'A', order: 2, results: results({ git: 'a', speed: undefined, persisted: 1990, p50: 18, split: true, gateway: 0.166 }) },
    ]);
    expect(three.text).toContain('gateway 0.166–0.171 CPU-s/1k');
    expect(three.text.split('\n').find((l) => /^\s*1\s+A\s/.test(l))).toMatch(/\s0\.171\s/);
    const mixed = compareReport([
      { build: 'A', order: 1, results: results({ git: 'a', speed: undefined, persisted: 1990, p50: 18, split: true, gateway: 0.1714 }) },
      { build: 'A', order: 2, results: results({ git: 'a', speed: undefined, persisted: 1990, p50: 18, split: true }) },
    ]);
    expect(mixed.text).toContain('gateway 0.29 CPU-s/1k');
  });

  it('marks runs the host slowed by more than a fifth against the series’ fastest reading', () => {
    const r = compareReport([
      { build: 'A', order: 1, results: results({ git: 'a', speed: [180, 182, 178, 185], persisted: 1990, p50: 18 }) },
      { build: 'B', order: 2, results: results({ git: 'b', speed: [179, 645, 185, 1117], persisted: 1980, p50: 16 }) },
      // Exactly a fifth slower is not marked.
      { build: 'B', order: 3, results: results({ git: 'b', speed: [200, 213.6, 190, 190], persisted: 1985, p50: 15 }) },
      { build: 'A', order: 4, results: results({ git: 'a', speed: undefined, persisted: 1985, p50: 17 }) },
    ]);
    expect(r.slowRuns).toEqual([2]);
    expect(r.text).toMatch(/^\s*2\s+B\s+b\s+179\/645 → 185\/1117 !/m);
    expect(r.text).toMatch(/^\s*4\s+A\s+a\s+– → –\s+2000/m);
    expect(r.text).toContain("! runs 2: a machine-speed reading more than 20 % slower than the series' fastest (178 ms)");
  });

  it("gives each run's row writes per message, and '–' for what an older bench did not count", () => {
    const r = compareReport([
      { build: 'A', order: 1, results: results({ git: 'a', speed: undefined, persisted: 1990, p50: 18, writes: { rows: 1000, inserts: 1000, updates: 370 } }) },
      { build: 'B', order: 2, results: results({ git: 'b', speed: undefined, persisted: 1990, p50: 18, writes: { rows: 1000, inserts: 1000, updates: 180, partInserts: 300, partUpdates: 50 } }) },
    ]);
    const rows = r.text.split('smsmesh all: PostgreSQL row writes per message')[1]!.split('\n').filter((l) => /^\s*\d+\s+[AB]\s/.test(l));
    expect(rows.map((l) => l.trim().split(/\s+/))).toEqual([
      ['1', 'A', '1.00', '0.37', '–', '–'],
      ['2', 'B', '1.00', '0.18', '0.30', '0.05'],
    ]);
  });

  it('names runs that lost a message or whose bench failed', () => {
    const failed = results({ git: 'b', speed: undefined, persisted: 1900, p50: 30 });
    failed.failed = true;
    const r = compareReport([
      { build: 'A', order: 1, results: results({ git: 'a', speed: undefined, persisted: 1990, p50: 18, missing: 3 }) },
      { build: 'B', order: 2, results: failed },
      { build: 'B', order: 3, results: results({ git: 'b', speed: undefined, persisted: 1990, p50: 18 }) },
    ]);
    expect(r.failedRuns).toEqual([1, 2]);
    expect(r.text).toContain('runs 1, 2: a message was lost or the bench failed');
  });
});
