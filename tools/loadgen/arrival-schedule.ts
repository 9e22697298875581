/**
 * Open-model arrival arithmetic: arrival k of a run at rate R is due at k·1000/R ms after the start, whatever
 * happened to earlier requests. With n worker processes, worker w owns the arrivals k ≡ w (mod n), so the
 * workers together produce exactly the global schedule, interleaved, and message indexes never collide.
 */

export interface WorkerPlan {
  /** Arrivals this worker sends. */
  count: number;
  /** Time of this worker's first arrival after the common start, ms. */
  phaseMs: number;
  /** Time between two of this worker's arrivals, ms. */
  intervalMs: number;
  /** Global index of this worker's arrival j is firstIndex + j·stride. */
  firstIndex: number;
  stride: number;
}

export function totalArrivals(ratePerS: number, durationS: number): number {
  return Math.max(0, Math.round(ratePerS * durationS));
}

export function workerPlan(ratePerS: number, total: number, worker: number, workers: number): WorkerPlan {
  if (!(ratePerS > 0)) throw new Error(`rate must be positive, got ${ratePerS}`);
  if (!Number.isInteger(workers) || workers < 1 || !Number.isInteger(worker) || worker < 0 || worker >= workers) {
    throw new Error(`worker ${worker} of ${workers} is not a valid worker`);
  }
  const period = 1000 / ratePerS;
  return {
    count: total > worker ? Math.ceil((total - worker) / workers) : 0,
    phaseMs: worker * period,
    intervalMs: workers * period,
    firstIndex: worker,
    stride: workers,
  };
}

/** How many of the plan's arrivals are due `elapsedMs` after the start (arrival j is due at phase + j·interval). */
export function dueCount(plan: WorkerPlan, elapsedMs: number): number {
  if (elapsedMs < plan.phaseMs) return 0;
  return Math.min(plan.count, Math.floor((elapsedMs - plan.phaseMs) / plan.intervalMs + 1e-9) + 1);
}

/** When arrival j of the plan is due, ms after the start. */
export function intendedAtMs(plan: WorkerPlan, j: number): number {
  return plan.phaseMs + j * plan.intervalMs;
}

export function globalIndex(plan: WorkerPlan, j: number): number {
  return plan.firstIndex + j * plan.stride;
}

/** Splits an in-flight cap (or socket count) over workers: the parts sum to the whole, each at least 1. */
export function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total - base * parts;
  return Array.from({ length: parts }, (_, i) => Math.max(1, base + (i < extra ? 1 : 0)));
}
