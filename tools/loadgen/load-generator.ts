/**
 * The open-model load generator (one process's share): requests start on a fixed schedule whatever the
 * latency; keep-alive HTTP through a lean socket pool (http-pool.ts); a bounded in-flight cap past which an
 * arrival is counted as dropped instead of queued; per-second counts and latency histograms. Latency is
 * measured from the *intended* start (so a stalled server or generator cannot hide its queueing: no coordinated
 * omission) and, separately, from the actual send (service time).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dueCount, globalIndex, intendedAtMs, workerPlan } from './arrival-schedule.js';
import { HttpPool, type HttpError, type HttpRequest } from './http-pool.js';
import { LatencyHistogram, type HistogramJson } from './latency-histogram.js';
import { createMessageMix, DEFAULT_MIX, type BenchMessage, type MixWeights } from './message-mix.js';

export interface SmsmeshTarget {
  kind: 'smsmesh';
  /** Base URLs (http://127.0.0.1:port); requests round-robin over them (the split layout has no load balancer). */
  urls: string[];
  apiKey: string;
  /** Messages per request: 1 = POST /v1/messages; more = POST /v1/messages/batch, each item with its own idempotencyKey. */
  batchSize?: number;
  /** Send each message's key as its Idempotency-Key (default true); false measures the unkeyed accept path. */
  keys?: boolean;
}

/** The NATS API (sms.api.v1.send, or .batch with batchSize > 1), driven by closed-loop requesters. */
export interface NatsApiTarget {
  kind: 'nats';
  /** nats:// URL of the server the edges serve the API on. */
  urls: string[];
  apiKey: string;
  batchSize?: number;
  keys?: boolean;
  /** Concurrent requesters, each sending its next request when the previous one is answered. */
  requesters: number;
}

export interface KannelTarget {
  kind: 'kannel';
  /** smsbox sendsms base URLs. */
  urls: string[];
  username: string;
  password: string;
  /** Where Kannel calls back with DLRs (the bench's DLR counter); k, p, t and s=%d are appended. */
  dlrUrl: string;
  /** 1 delivered + 2 undeliverable + 16 SMSC reject by default: final states only. */
  dlrMask: number;
}

export type LoadTarget = SmsmeshTarget | KannelTarget | NatsApiTarget;

export interface LoadOptions {
  target: LoadTarget;
  /** Total arrival rate of all workers, per second. */
  rate: number;
  /** Total arrivals of all workers. */
  total: number;
  worker: number;
  workers: number;
  /** This worker's cap on outstanding requests; an arrival beyond it is dropped and counted. */
  maxInFlight: number;
  /** This worker's keep-alive sockets per target URL. */
  sockets: number;
  mix?: MixWeights;
  runTag: string;
  destinationBase?: number;
  requestTimeoutMs?: number;
  /** Accepted message ids (smsmesh) or keys (Kannel) are appended here, one per line. */
  idsFile?: string;
  /** Common start instant of all workers (epoch ms). */
  startAtEpochMs: number;
  /** A request sent this much after its intended time counts as late (generator lag). Default 10 ms. */
  lateThresholdMs?: number;
}

export interface SecondReport {
  /** Whole seconds since the start; this report covers [second, second+1). */
  second: number;
  /** Arrivals due in this second. */
  offered: number;
  sent: number;
  /** Responses received in this second that were accepted (202). */
  accepted: number;
  /** Responses or failures in this second that were not accepted, by HTTP status or error code. */
  errors: Record<string, number>;
  dropped: number;
  late: number;
  inFlight: number;
  maxLagMs: number;
  latency: HistogramJson;
}

export interface LoadSummary {
  offered: number;
  sent: number;
  accepted: number;
  dropped: number;
  late: number;
  errors: Record<string, number>;
  /** Intended start → response. */
  latency: HistogramJson;
  /** Actual send → response. */
  service: HistogramJson;
  maxLagMs: number;
  maxInFlight: number;
  /** First intended start to last response, ms. */
  elapsedMs: number;
  /** Responses still missing when the worker gave up waiting. */
  abandoned: number;
}

interface Prepared {
  pool: HttpPool;
  path: string;
}

function prepareTargets(urls: string[], sockets: number, timeoutMs: number): Prepared[] {
  if (urls.length === 0) throw new Error('no target URL');
  return urls.map((raw) => {
    const u = new URL(raw);
    if (u.protocol !== 'http:') throw new Error(`only http:// targets are supported, got ${raw}`);
    return { pool: new HttpPool(u.hostname, Number(u.port || 80), sockets, timeoutMs), path: u.pathname.replace(/\/$/, '') };
  });
}

type RequestBuilder = (m: BenchMessage, base: string) => HttpRequest;
/** The id to write for an accepted request, or undefined when the answer is not an acceptance. */
type AcceptReader = (status: number, body: string, m: BenchMessage) => string | undefined;

/** The body of a batch request for these messages (HTTP and NATS send the same). */
export function batchBody(ms: readonly BenchMessage[], keys = true): string {
  return JSON.stringify({
    messages: ms.map((m) => (keys ? { to: m.to, from: m.from, text: m.text, clientRef: m.key, idempotencyKey: m.key } : { to: m.to, from: m.from, text: m.text, clientRef: m.key })),
  });
}

/** From a batch answer: the accepted ids, and an error key per refused item (its status). */
export function readBatchResults(status: number, body: string): { ids: string[]; errors: string[] } {
  if (status !== 200) return { ids: [], errors: [String(status)] };
  try {
    const r = (JSON.parse(body) as { results: { id?: string; status: unknown }[] }).results;
    const ids: string[] = [];
    const errors: string[] = [];
    for (const x of r) {
      if ((x.status === 'accepted' || x.status === 'scheduled') && typeof x.id === 'string') ids.push(x.id);
      else errors.push(String(x.status));
    }
    return { ids, errors };
  } catch {
    return { ids: [], errors: ['bad_batch_answer'] };
  }
}

function smsmeshProtocol(t: SmsmeshTarget): { build: RequestBuilder; accept: AcceptReader } {
  const auth = `authorization: Bearer ${t.apiKey}`;
  return {
    build(m, base) {
      const body = JSON.stringify({ to: m.to, from: m.from, text: m.text, clientRef: m.key });
      return {
        method: 'POST',
        path: `${base}/v1/messages`,
        headers: t.keys === false ? ['content-type: application/json', auth] : ['content-type: application/json', auth, `idempotency-key: ${m.key}`],
        body,
      };
    },
    accept(status, body) {
      if (status !== 202) return undefined;
      // {"id":"<36 chars>",… — the edge writes id first; fall back to parsing when it does not.
      if (body.startsWith('{"id":"') && body.charCodeAt(43) === 34) return body.slice(7, 43);
      try {
        const id = (JSON.parse(body) as { id?: unknown }).id;
        return typeof id === 'string' ? id : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

function kannelProtocol(t: KannelTarget): { build: RequestBuilder; accept: AcceptReader } {
  const auth = `username=${encodeURIComponent(t.username)}&password=${encodeURIComponent(t.password)}`;
  const sep = t.dlrUrl.includes('?') ? '&' : '?';
  return {
    build(m, base) {
      // %d is Kannel's placeholder for the DLR type; the bench's counter reads k (key), p (parts), t (sent at).
      const dlr = `${t.dlrUrl}${sep}k=${m.key}&p=${m.segments}&t=${Date.now()}&s=%d`;
      const coding = m.kind === 'ucs2' ? '&coding=2' : '';
      const q =
        `${auth}&from=${encodeURIComponent(m.from)}&to=${encodeURIComponent(m.to)}&text=${encodeURIComponent(m.text)}` +
        `&charset=UTF-8${coding}&dlr-mask=${t.dlrMask}&dlr-url=${encodeURIComponent(dlr)}`;
      return { method: 'GET', path: `${base}/cgi-bin/sendsms?${q}`, headers: [] };
    },
    accept(status, body, m) {
      // "0: Accepted for delivery" or "3: Queued for later delivery", both with 202.
      if (status >= 200 && status < 300 && (body.startsWith('0:') || body.startsWith('3:'))) return m.key;
      return undefined;
    },
  };
}

/** Buffers id lines and writes them in large chunks. */
function idWriter(path: string | undefined): { add(id: string): void; close(): Promise<void> } {
  if (!path) return { add() {}, close: async () => {} };
  const out: WriteStream = createWriteStream(path, { flags: 'a' });
  let buf = '';
  return {
    add(id) {
      buf += `${id}\n`;
      if (buf.length > 64 * 1024) {
        out.write(buf);
        buf = '';
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (buf) out.write(buf);
        buf = '';
        out.end((err?: Error | null) => (err ? reject(err) : resolve()));
      }),
  };
}

function bump(o: Record<string, number>, k: string): void {
  o[k] = (o[k] ?? 0) + 1;
}

export async function runLoad(o: LoadOptions, onSecond: (r: SecondReport) => void = () => {}): Promise<LoadSummary> {
  const plan = workerPlan(o.rate, o.total, o.worker, o.workers);
  const timeoutMs = o.requestTimeoutMs ?? 10_000;
  const targets = prepareTargets(o.target.urls, o.sockets, timeoutMs);
  if (o.target.kind === 'nats') throw new Error('the NATS API target runs in nats-requesters.ts');
  const proto = o.target.kind === 'smsmesh' ? smsmeshProtocol(o.target) : kannelProtocol(o.target);
  const mix = createMessageMix({ weights: o.mix ?? DEFAULT_MIX, runTag: o.runTag, destinationBase: o.destinationBase ?? 0 });
  const lateMs = o.lateThresholdMs ?? 10;
  const ids = idWriter(o.idsFile);

  // The common start in this process's monotonic clock.
  const startPerf = performance.now() + (o.startAtEpochMs - Date.now());

  const total = { sent: 0, accepted: 0, dropped: 0, late: 0, errors: {} as Record<string, number>, maxLagMs: 0, maxInFlight: 0 };
  const latency = new LatencyHistogram();
  const service = new LatencyHistogram();
  let sec = { offered: 0, sent: 0, accepted: 0, dropped: 0, late: 0, errors: {} as Record<string, number>, maxLagMs: 0 };
  const secLatency = new LatencyHistogram();
  let second = 0;
  let inFlight = 0;
  let next = 0;
  let lastResponse = startPerf;
  let finishedScheduling: () => void = () => {};
  let drained: () => void = () => {};
  const schedulingDone = new Promise<void>((r) => (finishedScheduling = r));
  const allAnswered = new Promise<void>((r) => (drained = r));
  let scheduling = true;

  function settle(ok: string | undefined, errKey: string | undefined, intended: number, sentAt: number): void {
    const now = performance.now();
    lastResponse = now;
    inFlight--;
    latency.record((now - intended) * 1000);
    service.record((now - sentAt) * 1000);
    secLatency.record((now - intended) * 1000);
    if (ok !== undefined) {
      total.accepted++;
      sec.accepted++;
      ids.add(ok);
    } else {
      const k = errKey ?? 'unknown';
      bump(total.errors, k);
      bump(sec.errors, k);
    }
    if (!scheduling && inFlight === 0) drained();
  }

  const batchSize = o.target.kind === 'smsmesh' ? (o.target.batchSize ?? 1) : 1;
  const batchAuth = o.target.kind === 'smsmesh' ? `authorization: Bearer ${o.target.apiKey}` : '';

  /** Batch mode: one arrival is one request of batchSize messages; accepted counts messages. */
  function sendBatch(j: number, intended: number): void {
    const g = globalIndex(plan, j);
    const ms = Array.from({ length: batchSize }, (_, k) => mix.at(g * batchSize + k));
    const t = targets[g % targets.length]!;
    const sentAt = performance.now();
    t.pool.request({ method: 'POST', path: `${t.path}/v1/messages/batch`, headers: ['content-type: application/json', batchAuth], body: batchBody(ms, o.target.kind !== 'smsmesh' || o.target.keys !== false) }, (err, res) => {
      if (err || !res) {
        settle(undefined, (err as HttpError | undefined)?.code ?? 'request_error', intended, sentAt);
        return;
      }
      const r = readBatchResults(res.status, res.body);
      for (const id of r.ids.slice(1)) {
        total.accepted++;
        sec.accepted++;
        ids.add(id);
      }
      for (const e of r.errors.slice(r.ids.length === 0 ? 1 : 0)) {
        bump(total.errors, e);
        bump(sec.errors, e);
      }
      settle(r.ids[0], r.ids.length === 0 ? r.errors[0] : undefined, intended, sentAt);
    });
  }

  function send(j: number, intended: number): void {
    if (batchSize > 1) {
      sendBatch(j, intended);
      return;
    }
    const m = mix.at(globalIndex(plan, j));
    const t = targets[globalIndex(plan, j) % targets.length]!;
    const spec = proto.build(m, t.path);
    const sentAt = performance.now();
    t.pool.request(spec, (err, res) => {
      if (err || !res) {
        settle(undefined, (err as HttpError | undefined)?.code ?? 'request_error', intended, sentAt);
        return;
      }
      const id = proto.accept(res.status, res.body, m);
      settle(id, id === undefined ? String(res.status) : undefined, intended, sentAt);
    });
  }

  function tick(): void {
    const now = performance.now();
    const due = dueCount(plan, now - startPerf);
    while (next < due) {
      const intended = startPerf + intendedAtMs(plan, next);
      sec.offered++;
      if (inFlight >= o.maxInFlight) {
        total.dropped++;
        sec.dropped++;
      } else {
        const lag = now - intended;
        if (lag > lateMs) {
          total.late++;
          sec.late++;
        }
        if (lag > sec.maxLagMs) sec.maxLagMs = lag;
        if (lag > total.maxLagMs) total.maxLagMs = lag;
        inFlight++;
        if (inFlight > total.maxInFlight) total.maxInFlight = inFlight;
        total.sent++;
        sec.sent++;
        send(next, intended);
      }
      next++;
    }
    if (next >= plan.count) {
      scheduling = false;
      finishedScheduling();
      if (inFlight === 0) drained();
      return;
    }
    const wait = startPerf + intendedAtMs(plan, next) - performance.now();
    setTimeout(tick, Math.max(0, wait));
  }

  function flushSecond(): void {
    onSecond({ second, ...sec, inFlight, latency: secLatency.toJSON() });
    second++;
    sec = { offered: 0, sent: 0, accepted: 0, dropped: 0, late: 0, errors: {}, maxLagMs: 0 };
    secLatency.reset();
  }

  // Seconds are cut on the common start's grid, so every worker's second s covers the same wall interval.
  let secondTimer: NodeJS.Timeout | undefined;
  const scheduleSecond = () => {
    const wait = startPerf + (second + 1) * 1000 - performance.now();
    secondTimer = setTimeout(() => {
      flushSecond();
      scheduleSecond();
    }, Math.max(0, wait));
  };
  scheduleSecond();
  setTimeout(tick, Math.max(0, startPerf - performance.now()));

  await schedulingDone;
  const gaveUp = await Promise.race([
    allAnswered.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs + 2000).unref()),
  ]);
  if (secondTimer) clearTimeout(secondTimer);
  flushSecond();
  for (const t of targets) t.pool.destroy();
  await ids.close();
  return {
    offered: plan.count,
    sent: total.sent,
    accepted: total.accepted,
    dropped: total.dropped,
    late: total.late,
    errors: total.errors,
    latency: latency.toJSON(),
    service: service.toJSON(),
    maxLagMs: Math.round(total.maxLagMs * 100) / 100,
    maxInFlight: total.maxInFlight,
    elapsedMs: Math.round(lastResponse - startPerf),
    abandoned: gaveUp ? inFlight : 0,
  };
}
