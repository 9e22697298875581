/** The --soak run: minutes at one rate, then each process's RSS trend after warm-up. */
import { spec, type BenchContext, type SystemReport } from './bench-context.js';
import { measuredRun, type SystemUnderTest } from './measured-run.js';
import { slope } from './process-stats.js';
import type { MemorySlope } from './report.js';
import { runLine } from './run-line.js';

export async function soak(ctx: BenchContext, sut: SystemUnderTest, report: SystemReport): Promise<void> {
  const minutes = ctx.o.soakMinutes!;
  ctx.out(`[${sut.label}] soak: ${minutes} min at ${ctx.o.rate}/s`);
  const run = await measuredRun(sut, ctx.fleet, spec(ctx, `${sut.label} soak`, ctx.o.rate, minutes * 60), ctx.out);
  const warm = Math.min(60, run.durationS * 0.2);
  const pts = run.series.filter((p) => p.phase === 'load' && p.t > warm);
  const slopes: MemorySlope[] = sut.meter.names().map((g) => {
    const ys = pts.filter((p) => p.rssMb[g] !== undefined).map((p) => ({ x: p.t / 60, y: p.rssMb[g]! }));
    return {
      process: g,
      startMb: ys[0]?.y ?? 0,
      endMb: ys.at(-1)?.y ?? 0,
      peakMb: Math.max(0, ...ys.map((p) => p.y)),
      slopeMbPerMin: Math.round(slope(ys) * 1000) / 1000,
    };
  });
  report.soak = { run, slopes };
  ctx.out(runLine(run));
}
