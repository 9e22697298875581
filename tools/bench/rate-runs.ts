/** A system's warm-up, then its runs at fixed rates and/or the --find-max climb. */
import { spec, type BenchContext, type SystemReport } from './bench-context.js';
import { measuredRun, type RunResult, type SystemUnderTest } from './measured-run.js';
import type { FindMaxStep } from './report.js';
import { runLine } from './run-line.js';
import { findMaxRates, highestHeld } from './verdict.js';

/** Warm-up, then the rate runs and/or --find-max. */
export async function exercise(ctx: BenchContext, sut: SystemUnderTest, report: SystemReport, doRates: boolean): Promise<void> {
  const { o, out } = ctx;
  if (o.warmupS > 0) {
    // At the first measured rate (capped): JIT, pools and sockets are then warm for what follows.
    const first = doRates ? o.rates[0]! : o.findMax ? o.startRate : o.rate;
    const rate = Math.min(1000, first);
    out(`[${sut.label}] warm-up: ${o.warmupS} s at ${rate}/s (not measured)`);
    const w = await measuredRun(sut, ctx.fleet, spec(ctx, sut.label, rate, o.warmupS, true), out);
    if (!w.drained) out(`[${sut.label}] warning: the warm-up did not drain within ${o.drainTimeoutS} s`);
  }
  if (doRates) {
    for (const rate of o.rates) {
      const r = await measuredRun(sut, ctx.fleet, spec(ctx, sut.label, rate, o.durationS), out);
      report.runs.push(r);
      out(runLine(r));
    }
  }
  if (o.findMax) {
    const steps: FindMaxStep[] = [];
    const runs: RunResult[] = [];
    for (const rate of findMaxRates(o.startRate, o.step, o.maxRate)) {
      out(`[${sut.label}] find-max step ${rate}/s`);
      const r = await measuredRun(sut, ctx.fleet, spec(ctx, sut.label, rate, o.durationS), out);
      runs.push(r);
      steps.push({ rate, held: r.verdict.held, reasons: r.verdict.reasons });
      out(runLine(r));
      if (!r.verdict.held) break;
    }
    report.findMax = { steps, best: highestHeld(steps), runs };
  }
}
