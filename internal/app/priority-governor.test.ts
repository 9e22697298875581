import { afterEach, describe, expect, it, vi } from 'vitest';
import { noopLogger, type Logger } from '../log/logger.js';
import { BACKGROUND, nextPriority, startPriorityGovernor, type PriorityState } from './priority-governor.js';

const plan = { behindAt: 1000, calmMs: 10_000 };

/** Feeds readings one second apart, as the governor takes them, and returns the level after each. */
function levels(readings: number[]): string[] {
  let s: PriorityState = BACKGROUND;
  return readings.map((w, i) => {
    s = nextPriority(s, w, i * 1000, plan);
    return s.level;
  });
}

describe('nextPriority', () => {
  it('stays in the background while the queue is under the mark, and goes to normal at it', () => {
    expect(levels([0, 999, 500])).toEqual(['background', 'background', 'background']);
    expect(levels([0, 1000])).toEqual(['background', 'normal']);
  });

  it('goes back to the background only after calmMs under a tenth of the mark', () => {
    // 99 is under a tenth: calm from the 2nd reading (t=1 s) to t=11 s.
    const r = levels([5000, 99, ...Array<number>(9).fill(50), 0, 0]);
    expect(r.slice(0, 11)).toEqual(Array(11).fill('normal'));
    expect(r[11]).toBe('background');
  });

  it('starts the calm over when the queue comes back above a tenth before the time is up', () => {
    const r = levels([5000, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // Calm from t=1 s was broken at t=6 s (100 is a tenth); calm again from t=7 s, so back at t=17 s and not before.
    expect(r.indexOf('background')).toBe(17);
  });

  it('does not go back to the background while the queue is between a tenth and the mark', () => {
    expect(levels([5000, ...Array<number>(30).fill(300)]).every((l) => l === 'normal')).toBe(true);
  });
});

describe('startPriorityGovernor', () => {
  afterEach(() => vi.useRealTimers());

  function run(waiting: number[], setPriority: (n: number) => void, log: Logger = noopLogger) {
    vi.useFakeTimers();
    let i = 0;
    const g = startPriorityGovernor({
      plan: { behindAt: 1000, calmMs: 3000 },
      nice: { background: 10, normal: 0 },
      waiting: () => waiting[Math.min(i++, waiting.length - 1)]!,
      setPriority,
      log,
    });
    return g;
  }

  it('sets the normal priority when the queue passes the mark, and the background one once it has been calm', () => {
    const set: number[] = [];
    const g = run([0, 2000, 1500, 0, 0, 0, 0, 0], (n) => set.push(n));
    vi.advanceTimersByTime(1000);
    expect(g.level()).toBe('background');
    vi.advanceTimersByTime(1000);
    expect(g.level()).toBe('normal');
    expect(set).toEqual([0]);
    vi.advanceTimersByTime(3000);
    expect(g.level()).toBe('normal');
    vi.advanceTimersByTime(2000);
    expect(g.level()).toBe('background');
    expect(set).toEqual([0, 10]);
    g.stop();
  });

  it('warns once and stays where it is when the priority cannot be changed', () => {
    const warnings: string[] = [];
    const log: Logger = { ...noopLogger, warn: (_o, msg) => void warnings.push(String(msg)) };
    let calls = 0;
    const g = run(
      [5000],
      () => {
        calls++;
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      },
      log,
    );
    vi.advanceTimersByTime(10_000);
    expect(calls).toBe(1);
    expect(g.level()).toBe('background');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/CAP_SYS_NICE/);
  });

  it('tries again at the next reading when the kernel asks it to (EAGAIN, an autogroup changed too soon)', () => {
    const set: number[] = [];
    let refusals = 1;
    const g = run([5000], (n) => {
      if (refusals-- > 0) throw Object.assign(new Error('EAGAIN: resource temporarily unavailable'), { code: 'EAGAIN' });
      set.push(n);
    });
    vi.advanceTimersByTime(1000);
    expect(g.level()).toBe('background');
    vi.advanceTimersByTime(1000);
    expect(g.level()).toBe('normal');
    expect(set).toEqual([0]);
    g.stop();
  });
});
