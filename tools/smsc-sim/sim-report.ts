/** What the simulator reports every few seconds: accepted submits per second over the last complete seconds, and its sessions. */
import type { SimulatorStats } from './simulator-api.js';

export interface RateReport {
  /** The first second reported (epoch seconds). */
  fromSecond: number;
  /** Accepted submit_sm in each complete second from `fromSecond` on (0 for a second without any). */
  submitsPerSecond: number[];
  /** Their mean over the seconds reported. */
  meanPerSecond: number;
  /** Sessions bound now, and the most ever bound at once. */
  sessions: number;
  maxSessions: number;
  throttled: number;
}

/** The `seconds` complete seconds before `nowMs`. */
export function rateReport(stats: SimulatorStats, nowMs: number, seconds: number): RateReport {
  const to = Math.floor(nowMs / 1000);
  const from = to - seconds;
  const bySecond = new Map(stats.submitsPerSecond.map((c) => [c.second, c.submits]));
  const submitsPerSecond = Array.from({ length: seconds }, (_, i) => bySecond.get(from + i) ?? 0);
  return {
    fromSecond: from,
    submitsPerSecond,
    meanPerSecond: submitsPerSecond.reduce((a, b) => a + b, 0) / seconds,
    sessions: stats.sessions.length,
    maxSessions: stats.maxSessions,
    throttled: stats.throttled,
  };
}
