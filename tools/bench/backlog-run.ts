/** The --backlog run: with the SMSC down, accept N messages, then bring it back and time the drain; RSS and JetStream at each stage. */
import { spec, type BenchContext, type SystemReport } from './bench-context.js';
import type { BenchDatabase } from './bench-database.js';
import type { SystemUnderTest } from './measured-run.js';
import { drainCpu, drainCpuText, type DrainCpu } from './drain-cpu.js';
import { machineBusySeconds } from './process-stats.js';
import { scrapeCounter } from './prom-counter.js';
import { errorsText } from './report.js';
import type { GatewayStack } from './stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;
const PERSISTED = 'smsmesh_messages_persisted_total';
const ROWS_EVERY_MS = 30_000;

export async function backlog(ctx: BenchContext, sut: SystemUnderTest, stack: GatewayStack, db: BenchDatabase, report: SystemReport): Promise<void> {
  const { o, out } = ctx;
  const n = o.backlog!;
  const groups = [...stack.gateway.map((g) => g.name), 'nats-server'];
  const rssOf = async () => {
    const s = await sut.meter.sample();
    return Object.fromEntries(groups.map((g) => [g, (s[g]?.rss ?? 0) / MB]));
  };
  await sleep(2000);
  const empty = await rssOf();
  const streamsEmpty = await stack.streams();
  out(`[${sut.label}] backlog: SMSC down, accepting ${n} messages at ${o.rate}/s`);
  await stack.sim.down();
  const base = await db.finalCount();
  const s = spec(ctx, `${sut.label} backlog`, o.rate, n / o.rate);
  s.total = n;
  const res = await ctx.fleet.run(
    {
      target: sut.target,
      rate: o.rate,
      total: n,
      maxInFlight: o.maxInFlight,
      sockets: o.sockets,
      mix: o.mix,
      runTag: s.runTag,
      destinationBase: s.destinationBase,
      requestTimeoutMs: o.timeoutMs,
      idsDir: s.idsDir,
    },
    (sec) => out(`[${sut.label} backlog] t=${String(sec.second + 1).padStart(3)}s  accepted ${sec.accepted}/s  p99 ${sec.latency.percentileMs(99).toFixed(1)} ms  errors ${errorsText(sec.errors)}`),
  );
  await sleep(3000);
  const withBacklog = await rssOf();
  const streamsWith = await stack.streams();
  out(`[${sut.label}] backlog: ${res.accepted} accepted and queued (${JSON.stringify(streamsWith.SMS_MT ?? {})}); SMSC back up, draining`);
  // Progress by the status writers' own count of final states: counting rows over a million-row table every second
  // is a parallel scan of the whole table, taken from the drain it measures. Rows are still counted every 30 s,
  // and whenever the count says done, so that the drain ends on what PostgreSQL holds.
  const counterAtUp = await scrapeCounter(stack.writerMetricsUrls, PERSISTED);
  out(
    `[${sut.label}] backlog: progress by ${counterAtUp === undefined ? "counting rows every second (the status writers' /metrics did not answer)" : `the status writers' ${PERSISTED}, rows counted every ${ROWS_EVERY_MS / 1000} s`}`,
  );
  let rowsCountedAt = 0;
  const persistedSoFar = async (): Promise<number> => {
    const c = counterAtUp === undefined ? undefined : await scrapeCounter(stack.writerMetricsUrls, PERSISTED);
    const byCounter = c === undefined ? undefined : c - counterAtUp!;
    if (byCounter !== undefined && byCounter < res.accepted && Date.now() - rowsCountedAt < ROWS_EVERY_MS) return byCounter;
    rowsCountedAt = Date.now();
    return (await db.finalCount()) - base;
  };
  // CPU from here on is the drain's: per process, so that the one that bounds it shows.
  await sut.meter.reset();
  const machineAtUp = machineBusySeconds();
  await stack.sim.up();
  const started = Date.now();
  rowsCountedAt = started;
  // How long the binds took to come back: the first submit_sm the simulator answers after it is up again.
  const submitsAtUp = (await stack.sim.stats()).submits;
  let firstSubmitS: number | undefined;
  const reading = async () => ({ at: Date.now(), persisted: await persistedSoFar(), groups: await sut.meter.sample(), machineS: machineBusySeconds() });
  const first = { at: started, persisted: 0, groups: {}, machineS: machineAtUp };
  let last = first;
  let whole: DrainCpu | undefined;
  const timeoutS = Math.max(120, n / 200);
  let done = false;
  while (Date.now() - started < timeoutS * 1000) {
    const now = await reading();
    if (firstSubmitS === undefined && (await stack.sim.stats()).submits > submitsAtUp) firstSubmitS = Math.round((Date.now() - started) / 100) / 10;
    // Only a count of rows answers `accepted` or more (a counter that does is checked against the rows first).
    if (now.persisted >= res.accepted) {
      done = true;
      whole = drainCpu(first, now);
      break;
    }
    if (now.at - last.at >= 5000) {
      const d = drainCpu(last, now);
      out(`[${sut.label} backlog] draining: ${now.persisted}/${res.accepted} persisted, ${d.perSecond}/s over ${d.seconds} s; CPU ${drainCpuText(d)}`);
      last = now;
    }
    await sleep(1000);
  }
  whole ??= drainCpu(first, await reading());
  const drainS = Math.round((Date.now() - started) / 100) / 10;
  await sleep(2000);
  const drained = await rssOf();
  const streamsDrained = await stack.streams();
  const loss = await db.checkLoss(res.idsFiles);
  report.backlog = {
    n,
    accepted: res.accepted,
    errors: res.errors,
    memory: groups.map((g) => ({ process: g, emptyMb: empty[g] ?? 0, backlogMb: withBacklog[g] ?? 0, drainedMb: drained[g] ?? 0 })),
    streams: { empty: streamsEmpty, withBacklog: streamsWith, drained: streamsDrained },
    drainS,
    drained: done,
    drainCpu: whole,
    firstSubmitS,
    loss,
  };
  out(`[${sut.label}] backlog drained in ${drainS} s (first submit_sm ${firstSubmitS === undefined ? 'never seen' : `${firstSubmitS} s`} after the SMSC came back); lost ${loss.missing} of ${loss.checked}`);
}
