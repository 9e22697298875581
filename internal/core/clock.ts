/**
 * Time as a port: the current time and one-shot timers. Rate, timeout and retry arithmetic takes a Clock, so it
 * can be tested with `fakeClock` without sleeping or betting on a loaded machine's timing.
 */

/** Cancels a timer; calling it after the timer fired, or twice, does nothing. */
export type Cancel = () => void;

export interface TimerOptions {
  /** The timer alone does not keep the process alive (Node's `unref`). */
  unref?: boolean;
}

export interface Clock {
  /** Milliseconds; only differences are meaningful. */
  now(): number;
  /** Runs `fn` once, `ms` from now. */
  setTimer(ms: number, fn: () => void, opts?: TimerOptions): Cancel;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn, opts) {
    const t = setTimeout(fn, ms);
    if (opts?.unref) t.unref();
    return () => clearTimeout(t);
  },
};

/** Resolves after `ms` on `clock`. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(ms, resolve));
}

export interface FakeClock extends Clock {
  /** Moves time forward, firing every timer that falls due, in time order (then in the order they were set). */
  advance(ms: number): void;
  /**
   * Moves time forward in steps of at most `stepMs`, letting promise callbacks and I/O callbacks run between steps,
   * so code that awaits between timers makes progress as it would in real time.
   */
  advanceAsync(ms: number, stepMs?: number): Promise<void>;
  set(ms: number): void;
  /** Timers waiting to fire. */
  pending(): number;
}

interface FakeTimer {
  at: number;
  n: number;
  fn: () => void;
}

export function fakeClock(start = 0): FakeClock {
  let t = start;
  let n = 0;
  const timers: FakeTimer[] = [];

  function fireDue(): void {
    for (;;) {
      let next: FakeTimer | undefined;
      for (const x of timers) if (x.at <= t && (!next || x.at < next.at || (x.at === next.at && x.n < next.n))) next = x;
      if (!next) return;
      timers.splice(timers.indexOf(next), 1);
      next.fn();
    }
  }

  const clock: FakeClock = {
    now: () => t,
    setTimer(ms, fn) {
      const timer: FakeTimer = { at: t + Math.max(0, ms), n: n++, fn };
      timers.push(timer);
      return () => {
        const i = timers.indexOf(timer);
        if (i >= 0) timers.splice(i, 1);
      };
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const due = timers.filter((x) => x.at <= end).reduce<number | undefined>((a, x) => (a === undefined || x.at < a ? x.at : a), undefined);
        if (due === undefined) break;
        t = Math.max(t, due);
        fireDue();
      }
      t = end;
    },
    async advanceAsync(ms, stepMs = 1) {
      const end = t + ms;
      while (t < end) {
        clock.advance(Math.min(stepMs, end - t));
        await new Promise<void>((r) => setImmediate(r));
      }
      await new Promise<void>((r) => setImmediate(r));
    },
    set(ms) {
      t = ms;
      fireDue();
    },
    pending: () => timers.length,
  };
  return clock;
}
