import { describe, expect, it } from 'vitest';
import { findMaxRates, highestHeld, judge, type StepFigures } from './verdict.js';

const good: StepFigures = { rate: 1000, offered: 30_000, accepted: 30_000, errors: 0, dropped: 0, p99Ms: 12, backlogSlope: 3, lastBacklog: 40, drainS: 1, lost: 0 };

describe('judge', () => {
  it('holds a clean run', () => {
    expect(judge(good)).toEqual({ held: true, reasons: [] });
  });

  it('fails on latency, errors, drops, backlog growth, slow drain and loss, saying why', () => {
    expect(judge({ ...good, p99Ms: 51 }).reasons).toEqual(['p99 accept 51 ms > 50 ms']);
    expect(judge({ ...good, errors: 2, accepted: 29_998 }).reasons).toEqual(['2 errors']);
    expect(judge({ ...good, dropped: 5, accepted: 29_995 }).reasons).toEqual(['5 arrivals dropped at the in-flight cap']);
    expect(judge({ ...good, backlogSlope: 120, lastBacklog: 2400 }).reasons[0]).toMatch(/backlog grows 120\/s/);
    expect(judge({ ...good, drainS: 30 }).held).toBe(false);
    expect(judge({ ...good, lost: 1 }).reasons).toEqual(['1 messages lost']);
    expect(judge({ ...good, accepted: 29_000 }).reasons[0]).toMatch(/1000 requests unanswered/);
  });

  it('tolerates backlog noise: slow growth, or growth that stays under a second of work', () => {
    expect(judge({ ...good, rate: 50, backlogSlope: 4, lastBacklog: 400 }).held).toBe(true);
    expect(judge({ ...good, backlogSlope: 30, lastBacklog: 143 }).held).toBe(true);
    expect(judge({ ...good, backlogSlope: 30, lastBacklog: 1500 }).held).toBe(true);
    expect(judge({ ...good, backlogSlope: 80, lastBacklog: 1500 }).held).toBe(false);
  });
});

describe('find-max schedule', () => {
  it('steps additively up to the cap', () => {
    expect(findMaxRates(500, 500, 2000)).toEqual([500, 1000, 1500, 2000]);
    expect(findMaxRates(1000, 300, 1500)).toEqual([1000, 1300]);
  });

  it('reports the highest rate before the first failure', () => {
    expect(highestHeld([{ rate: 500, held: true }, { rate: 1000, held: true }, { rate: 1500, held: false }, { rate: 2000, held: true }])).toBe(1000);
    expect(highestHeld([{ rate: 500, held: false }])).toBeUndefined();
  });
});
