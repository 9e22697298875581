import { describe, expect, it } from 'vitest';
import { dueCount, globalIndex, intendedAtMs, splitEvenly, totalArrivals, workerPlan } from './arrival-schedule.js';

describe('open-model schedule', () => {
  it('one worker: arrival k at k/R seconds, due counts step on schedule', () => {
    const plan = workerPlan(1000, totalArrivals(1000, 2), 0, 1);
    expect(plan.count).toBe(2000);
    expect(intendedAtMs(plan, 0)).toBe(0);
    expect(intendedAtMs(plan, 1500)).toBeCloseTo(1500, 9);
    expect(dueCount(plan, 0)).toBe(1);
    expect(dueCount(plan, 0.999)).toBe(1);
    expect(dueCount(plan, 1)).toBe(2);
    expect(dueCount(plan, 999.5)).toBe(1000);
    expect(dueCount(plan, 10_000)).toBe(2000);
  });

  it('is independent of latency: the due count depends on elapsed time only', () => {
    const plan = workerPlan(2000, 20_000, 0, 1);
    // 2.5 s after start, 5001 arrivals (k = 0..5000) are due, however slow the answers were.
    expect(dueCount(plan, 2500)).toBe(5001);
  });

  it('n workers partition the global schedule exactly, interleaved', () => {
    const rate = 3000;
    const total = totalArrivals(rate, 1.001);
    expect(total).toBe(3003);
    const workers = 4;
    const seen = new Map<number, number>();
    for (let w = 0; w < workers; w++) {
      const p = workerPlan(rate, total, w, workers);
      for (let j = 0; j < p.count; j++) seen.set(globalIndex(p, j), intendedAtMs(p, j));
    }
    expect(seen.size).toBe(total);
    for (let k = 0; k < total; k++) expect(seen.get(k)).toBeCloseTo((k * 1000) / rate, 6);
    // At any instant the workers' due counts add up to the global one.
    for (const t of [0, 0.2, 0.34, 1, 333.4, 999.99, 1000.5, 5000]) {
      const sum = Array.from({ length: workers }, (_, w) => dueCount(workerPlan(rate, total, w, workers), t)).reduce((a, b) => a + b, 0);
      expect(sum).toBe(Math.min(total, Math.floor((t * rate) / 1000 + 1e-9) + 1));
    }
  });

  it('gives workers beyond the arrivals nothing, and rejects bad input', () => {
    expect(workerPlan(10, 2, 3, 4).count).toBe(0);
    expect(() => workerPlan(0, 10, 0, 1)).toThrow();
    expect(() => workerPlan(10, 10, 2, 2)).toThrow();
  });

  it('splits caps evenly', () => {
    expect(splitEvenly(10, 3)).toEqual([4, 3, 3]);
    expect(splitEvenly(2, 4)).toEqual([1, 1, 1, 1]);
  });
});
