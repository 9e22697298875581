/** The --backlog run: with the SMSC down, accept N messages, then bring it back and time the drain; RSS and JetStream at each stage. */
import { spec, type BenchContext, type SystemReport } from './bench-context.js';
import type { BenchDatabase } from './bench-database.js';
import type { SystemUnderTest } from './measured-run.js';
import { errorsText } from './report.js';
import type { GatewayStack } from './stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

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
  await stack.sim.up();
  const started = Date.now();
  const timeoutS = Math.max(120, n / 200);
  let done = false;
  while (Date.now() - started < timeoutS * 1000) {
    const persisted = (await db.finalCount()) - base;
    if (persisted >= res.accepted) {
      done = true;
      break;
    }
    if (Math.round((Date.now() - started) / 1000) % 5 === 0) out(`[${sut.label} backlog] draining: ${persisted}/${res.accepted} persisted`);
    await sleep(1000);
  }
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
    loss,
  };
  out(`[${sut.label}] backlog drained in ${drainS} s; lost ${loss.missing} of ${loss.checked}`);
}
