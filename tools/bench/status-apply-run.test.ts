import { describe, expect, it } from 'vitest';
import { roundOrder, summarize, type StatusBenchRun } from './status-apply-run.js';

describe('roundOrder', () => {
  it('alternates the builds round by round, so two builds run ABBA', () => {
    expect([0, 1, 2, 3].flatMap((r) => roundOrder(['A', 'B'], r))).toEqual(['A', 'B', 'B', 'A', 'A', 'B', 'B', 'A']);
  });
});

describe('summarize', () => {
  const run = (build: string, pgCpuMs: number | null, cpuMs: number, wallMs: number): StatusBenchRun => ({
    build,
    shape: 'folded',
    round: 0,
    pgCpuMs,
    cpuMs,
    wallMs,
    delivered: 1000,
    expected: 1000,
  });

  it('gives each build its range per 1,000 messages, and n/a where PostgreSQL could not be read', () => {
    const lines = summarize([run('base', 80, 30, 100), run('base', 100, 40, 120), run('this build', null, 20, 90)], 10, 100);
    expect(lines[1]).toMatch(/^base\s+folded\s+2\s+0\.0800–0\.1000\s+0\.0300–0\.0400\s+10\.00–12\.00$/);
    expect(lines[2]).toMatch(/^this build\s+folded\s+1\s+n\/a\s+0\.0200–0\.0200\s+9\.00–9\.00$/);
  });
});
