import { describe, expect, it } from 'vitest';
import type { SimulatorStats } from './simulator-api.js';
import { rateReport } from './sim-report.js';

const stats = (perSecond: [number, number][], sessions: number, maxSessions: number): SimulatorStats =>
  ({
    throttled: 3,
    maxSessions,
    sessions: Array.from({ length: sessions }, (_, id) => ({ id, systemId: 'x', outstanding: 0, maxOutstanding: 0 })),
    submitsPerSecond: perSecond.map(([second, submits]) => ({ second, submits, attempts: submits })),
  }) as unknown as SimulatorStats;

describe('rate report', () => {
  it('lists the complete seconds before now, a quiet second as 0, the current second left out', () => {
    const r = rateReport(stats([[99, 7], [100, 10], [102, 20], [103, 99]], 2, 5), 103_400, 3);
    expect(r).toEqual({ fromSecond: 100, submitsPerSecond: [10, 0, 20], meanPerSecond: 10, sessions: 2, maxSessions: 5, throttled: 3 });
  });
});
