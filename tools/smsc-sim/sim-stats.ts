/** The simulator's counters: totals, submits per wall-clock second, and the most submits ever outstanding on a session. */
import type { SecondCount, SimulatorStats } from './simulator-api.js';
import type { SimSession } from './session-registry.js';

/** The totals of SimulatorStats that are counted as events happen (the rest is read off live state). */
export type SimCounters = Pick<
  SimulatorStats,
  'binds' | 'unbinds' | 'submits' | 'attempts' | 'receiptsSent' | 'throttled' | 'rejected' | 'silent' | 'receiptsDropped' | 'receiptsRefused'
>;

export interface SimStats {
  /** Incremented in place by whoever sees the event. */
  readonly counters: SimCounters;
  /** This second's entry, created (and the oldest dropped past an hour) on its first submit. */
  countSecond(now: number): SecondCount;
  /** Raises the all-sessions maximum of outstanding submits to n when n is higher. */
  raiseMaxOutstanding(n: number): void;
  /** Raises the most sessions ever bound at once to n when n is higher. */
  raiseMaxSessions(n: number): void;
  snapshot(sessions: Iterable<SimSession>, receiptsQueued: number): SimulatorStats;
}

/** Seconds of per-second submit counts kept. */
const PER_SECOND_KEPT = 3600;

export function createSimStats(): SimStats {
  const counters: SimCounters = { binds: 0, unbinds: 0, submits: 0, attempts: 0, receiptsSent: 0, throttled: 0, rejected: 0, silent: 0, receiptsDropped: 0, receiptsRefused: 0 };
  const perSecond = new Map<number, SecondCount>();
  let maxOutstanding = 0;
  let maxSessions = 0;

  return {
    counters,
    countSecond(now) {
      const second = Math.floor(now / 1000);
      let c = perSecond.get(second);
      if (!c) {
        c = { second, attempts: 0, submits: 0 };
        perSecond.set(second, c);
        if (perSecond.size > PER_SECOND_KEPT) perSecond.delete(perSecond.keys().next().value!);
      }
      return c;
    },
    raiseMaxOutstanding(n) {
      if (n > maxOutstanding) maxOutstanding = n;
    },
    raiseMaxSessions(n) {
      if (n > maxSessions) maxSessions = n;
    },
    snapshot: (sessions, receiptsQueued) => ({
      ...counters,
      receiptsQueued,
      maxOutstanding,
      maxSessions,
      sessions: [...sessions].map((s) => ({ id: s.id, systemId: s.systemId, outstanding: s.outstanding, maxOutstanding: s.maxOutstanding })),
      submitsPerSecond: [...perSecond.values()].map((c) => ({ ...c })),
    }),
  };
}
