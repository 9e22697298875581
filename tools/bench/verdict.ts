/**
 * Whether a run "held" its rate, and the rate schedule of --find-max. A rate holds when every arrival was sent
 * and accepted (no errors, nothing dropped), p99 accept latency stayed within the limit, the backlog
 * (accepted − persisted) did not keep growing during the run to more than a second's worth, the drain after it
 * was short, and nothing was lost.
 */

export interface StepFigures {
  rate: number;
  offered: number;
  accepted: number;
  errors: number;
  dropped: number;
  p99Ms: number;
  /** Least-squares growth of accepted − persisted over the second half of the run, messages per second. */
  backlogSlope: number;
  /** accepted − persisted at the end of the load. */
  lastBacklog: number;
  drainS: number;
  lost: number;
}

export interface Limits {
  p99Ms: number;
  /** Backlog growth allowed, as a share of the rate (noise: batches land in steps). */
  backlogGrowthShare: number;
  /** Drain time allowed after the run, seconds. */
  drainS: number;
}

export const DEFAULT_LIMITS: Limits = { p99Ms: 50, backlogGrowthShare: 0.05, drainS: 10 };

export interface Verdict {
  held: boolean;
  reasons: string[];
}

export function judge(f: StepFigures, limits: Limits = DEFAULT_LIMITS): Verdict {
  const reasons: string[] = [];
  if (f.errors > 0) reasons.push(`${f.errors} errors`);
  if (f.dropped > 0) reasons.push(`${f.dropped} arrivals dropped at the in-flight cap`);
  if (f.accepted < f.offered - f.errors - f.dropped) reasons.push(`${f.offered - f.accepted} requests unanswered`);
  if (f.p99Ms > limits.p99Ms) reasons.push(`p99 accept ${f.p99Ms} ms > ${limits.p99Ms} ms`);
  // Growth counts once it is real: faster than the noise allowance, and more than a second of work queued
  // (a steady pipeline holds rate × latency in flight; batches make the count saw-tooth).
  const allowed = Math.max(5, limits.backlogGrowthShare * f.rate);
  if (f.backlogSlope > allowed && f.lastBacklog > Math.max(100, f.rate)) {
    reasons.push(`backlog grows ${Math.round(f.backlogSlope)}/s (> ${Math.round(allowed)}/s) to ${f.lastBacklog}`);
  }
  if (f.drainS > limits.drainS) reasons.push(`drain took ${f.drainS} s (> ${limits.drainS} s)`);
  if (f.lost > 0) reasons.push(`${f.lost} messages lost`);
  return { held: reasons.length === 0, reasons };
}

/** Rates of a --find-max search: start, start+step, … up to max. */
export function findMaxRates(start: number, step: number, max: number): number[] {
  const out: number[] = [];
  for (let r = start; r <= max + 1e-9; r += step) out.push(Math.round(r));
  return out;
}

/** The highest rate that held before the first one that did not (a later lucky pass does not count). */
export function highestHeld(steps: ReadonlyArray<{ rate: number; held: boolean }>): number | undefined {
  let best: number | undefined;
  for (const s of steps) {
    if (!s.held) break;
    best = s.rate;
  }
  return best;
}
