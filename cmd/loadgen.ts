/**
 * `node dist/cmd/loadgen.js`: composition root of the standalone open-model load generator (the k6 stand-in):
 * flags in, workers forked, a line per second, a summary, exit 1 when a threshold fails.
 */
import { writeFileSync } from 'node:fs';
import { totalArrivals } from '../tools/loadgen/arrival-schedule.js';
import { LoadFleet } from '../tools/loadgen/load-fleet.js';
import type { LoadTarget } from '../tools/loadgen/load-generator.js';
import { LOADGEN_USAGE, parseLoadgenArgs } from '../tools/loadgen/loadgen-args.js';
import { errorsText, resultJson } from '../tools/bench/report.js';

const args = parseLoadgenArgs(process.argv.slice(2));
if (args.kind === 'help') {
  process.stdout.write(LOADGEN_USAGE);
  process.exit(0);
}
if (args.kind === 'error') {
  process.stderr.write(`loadgen: ${args.message}\n\n${LOADGEN_USAGE}`);
  process.exit(2);
}
const o = args.options;
const target: LoadTarget =
  o.target === 'kannel'
    ? { kind: 'kannel', urls: o.urls, username: o.kannelUser!, password: o.kannelPassword!, dlrUrl: o.dlrUrl!, dlrMask: o.dlrMask }
    : o.natsUrl
      ? { kind: 'nats', urls: [o.natsUrl], apiKey: o.apiKey!, batchSize: o.batchSize, requesters: o.requesters, keys: o.keys }
      : { kind: 'smsmesh', urls: o.urls, apiKey: o.apiKey!, batchSize: o.batchSize, keys: o.keys };
// Batches: --rate counts messages, the schedule counts requests. NATS requesters are closed-loop: the schedule only
// fixes how long they run.
const perRequest = target.kind === 'kannel' ? 1 : o.batchSize;
const requestRate = target.kind === 'nats' ? 1000 : o.rate / perRequest;

const fleet = await LoadFleet.start(o.workers);
process.on('SIGINT', () => {
  void fleet.close().then(() => process.exit(130));
});
if (o.warmupS > 0) {
  const rate = target.kind === 'nats' ? requestRate : Math.max(1, Math.min(o.rate, 500 * perRequest) / perRequest);
  process.stdout.write(`loadgen: warm-up, ${o.warmupS} s (not measured)\n`);
  await fleet.run({ target, rate, total: totalArrivals(rate, o.warmupS), maxInFlight: o.maxInFlight, sockets: o.sockets, mix: o.mix, runTag: `${o.runTag}w`, requestTimeoutMs: o.timeoutMs });
}
const total = totalArrivals(requestRate, o.durationS);
process.stdout.write(
  target.kind === 'nats'
    ? `loadgen: NATS API at ${o.natsUrl}, ${o.requesters} requesters for ${o.durationS} s${o.batchSize > 1 ? `, batches of ${o.batchSize}` : ''}; ${o.workers} worker(s), run tag ${o.runTag}\n`
    : `loadgen: ${o.rate} messages/s for ${o.durationS} s (${total} requests${perRequest > 1 ? ` of ${perRequest} messages` : ''}) to ${o.urls.join(', ')}; ${o.workers} worker(s), ${o.sockets} sockets, in-flight cap ${o.maxInFlight}, run tag ${o.runTag}\n`,
);
const r = await fleet.run(
  {
    target,
    rate: requestRate,
    total,
    maxInFlight: o.maxInFlight,
    sockets: o.sockets,
    mix: o.mix,
    runTag: o.runTag,
    requestTimeoutMs: o.timeoutMs,
    idsDir: o.idsDir,
  },
  (s) => {
    if (o.quiet) return;
    const h = s.latency;
    process.stdout.write(
      `t=${String(s.second + 1).padStart(4)}s  ${target.kind === 'nats' ? 'requests' : 'offered'} ${s.offered}  accepted ${s.accepted}/s  errors ${errorsText(s.errors)}  dropped ${s.dropped}  late ${s.late}  ` +
        `in-flight ${s.inFlight}  p50 ${h.percentileMs(50).toFixed(1)}  p99 ${h.percentileMs(99).toFixed(1)}  max ${(h.max / 1000).toFixed(1)} ms\n`,
    );
  },
);
await fleet.close();

const latency = r.latency.summaryMs();
const service = r.service.summaryMs();
const failedRequests = Object.values(r.errors).reduce((a, b) => a + b, 0) + r.dropped + r.abandoned;
// Errors count messages (a batch reports each refused item), so they are set against messages offered.
const offeredMessages = target.kind === 'nats' ? r.sent * perRequest : r.offered * perRequest;
const errorRate = offeredMessages > 0 ? failedRequests / offeredMessages : 0;
const checks = [
  { name: `error rate < ${o.maxErrorRate * 100}%`, ok: errorRate < o.maxErrorRate || (o.maxErrorRate === 0 && failedRequests === 0), value: `${(errorRate * 100).toFixed(3)}%` },
  { name: `p99 accept < ${o.p99LimitMs} ms`, ok: latency.p99 < o.p99LimitMs, value: `${latency.p99} ms` },
];
const summary = {
  runTag: o.runTag,
  rate: o.rate,
  durationS: o.durationS,
  offered: r.offered,
  sent: r.sent,
  accepted: r.accepted,
  acceptedPerS: Math.round(r.accepted / o.durationS),
  requestsPerS: Math.round(r.sent / o.durationS),
  messagesPerRequest: perRequest,
  errors: r.errors,
  dropped: r.dropped,
  late: r.late,
  abandoned: r.abandoned,
  latencyMs: latency,
  serviceMs: service,
  generatorMaxLagMs: r.maxLagMs,
  maxInFlight: r.maxInFlight,
  thresholds: checks,
  idsFiles: r.idsFiles,
};
process.stdout.write(
  `\naccepted ${r.accepted}/${offeredMessages} messages (${summary.acceptedPerS}/s) in ${r.sent} requests (${summary.requestsPerS}/s)  errors ${errorsText(r.errors)}  dropped ${r.dropped}  late ${r.late}  abandoned ${r.abandoned}\n` +
    `accept latency from intended start: p50 ${latency.p50}  p95 ${latency.p95}  p99 ${latency.p99}  max ${latency.max} ms\n` +
    `service time (from actual send):    p50 ${service.p50}  p95 ${service.p95}  p99 ${service.p99}  max ${service.max} ms\n` +
    `generator: max lag ${r.maxLagMs} ms, max in flight ${r.maxInFlight}\n` +
    checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${c.value}`).join('\n') +
    '\n',
);
if (o.json) writeFileSync(o.json, resultJson(summary));
process.exit(checks.every((c) => c.ok) ? 0 : 1);
