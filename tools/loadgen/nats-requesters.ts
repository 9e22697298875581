/**
 * The NATS API under load: `requesters` concurrent closed loops on one connection, each sending its next request
 * (sms.api.v1.send, or sms.api.v1.batch of batchSize messages) as soon as the previous one is answered, for a fixed
 * time. Closed-loop on purpose: it measures what N busy internal callers get (requests/s and latency), the way a
 * service with N workers uses the API. Reports in the generator's shapes (per second, summary).
 */
import { createWriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { LatencyHistogram } from './latency-histogram.js';
import { batchBody, readBatchResults, type LoadOptions, type LoadSummary, type NatsApiTarget, type SecondReport } from './load-generator.js';
import { createMessageMix, DEFAULT_MIX } from './message-mix.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export async function runNatsRequesters(o: LoadOptions & { target: NatsApiTarget }, onSecond: (r: SecondReport) => void = () => {}): Promise<LoadSummary> {
  const t = o.target;
  const batchSize = t.batchSize ?? 1;
  const durationMs = (o.total / o.rate) * 1000;
  const nc = await connect({ servers: t.urls, noAsyncTraces: true });
  const mix = createMessageMix({ weights: o.mix ?? DEFAULT_MIX, runTag: o.runTag, destinationBase: o.destinationBase ?? 0 });
  const out = o.idsFile ? createWriteStream(o.idsFile, { flags: 'a' }) : undefined;
  const timeout = o.requestTimeoutMs ?? 10_000;
  const subject = batchSize > 1 ? 'sms.api.v1.batch' : 'sms.api.v1.send';
  const latency = new LatencyHistogram();
  const secLatency = new LatencyHistogram();
  const total = { sent: 0, accepted: 0, errors: {} as Record<string, number> };
  let sec = { sent: 0, accepted: 0, errors: {} as Record<string, number> };
  let second = 0;
  let next = o.worker;
  const start = performance.now() + Math.max(0, o.startAtEpochMs - Date.now());
  const end = start + durationMs;
  const bump = (k: string) => {
    total.errors[k] = (total.errors[k] ?? 0) + 1;
    sec.errors[k] = (sec.errors[k] ?? 0) + 1;
  };
  const flush = () => {
    onSecond({ second, offered: sec.sent, sent: sec.sent, accepted: sec.accepted, errors: sec.errors, dropped: 0, late: 0, inFlight: t.requesters, maxLagMs: 0, latency: secLatency.toJSON() });
    second++;
    sec = { sent: 0, accepted: 0, errors: {} };
    secLatency.reset();
  };
  const timer = setInterval(flush, 1000);

  async function requester(): Promise<void> {
    while (performance.now() < end) {
      // Workers take interleaved message indexes, as the open-model schedule does.
      const j = next;
      next += o.workers;
      const ms = Array.from({ length: batchSize }, (_, k) => mix.at(j * batchSize + k));
      const h = natsHeaders();
      h.set('Authorization', `Bearer ${t.apiKey}`);
      let body: string;
      if (batchSize > 1) body = batchBody(ms, t.keys !== false);
      else {
        const m = ms[0]!;
        if (t.keys !== false) h.set('Idempotency-Key', m.key);
        body = JSON.stringify({ to: m.to, from: m.from, text: m.text, clientRef: m.key });
      }
      const t0 = performance.now();
      total.sent++;
      sec.sent++;
      try {
        const r = await nc.request(subject, enc.encode(body), { headers: h, timeout });
        const status = Number(r.headers?.get('Smsmesh-Status') ?? 0);
        const text = dec.decode(r.data);
        const res = batchSize > 1 ? readBatchResults(status, text) : status === 202 ? { ids: [(JSON.parse(text) as { id: string }).id], errors: [] } : { ids: [], errors: [String(status)] };
        total.accepted += res.ids.length;
        sec.accepted += res.ids.length;
        if (out && res.ids.length > 0) out.write(`${res.ids.join('\n')}\n`);
        for (const e of res.errors) bump(e);
      } catch (err) {
        bump((err as { code?: string }).code ?? 'request_error');
      }
      const us = (performance.now() - t0) * 1000;
      latency.record(us);
      secLatency.record(us);
    }
  }

  await new Promise((r) => setTimeout(r, Math.max(0, start - performance.now())));
  await Promise.all(Array.from({ length: t.requesters }, requester));
  clearInterval(timer);
  flush();
  await nc.close();
  await new Promise<void>((r) => (out ? out.end(() => r()) : r()));
  const elapsedMs = Math.round(performance.now() - start);
  return {
    offered: total.sent,
    sent: total.sent,
    accepted: total.accepted,
    dropped: 0,
    late: 0,
    errors: total.errors,
    latency: latency.toJSON(),
    service: latency.toJSON(),
    maxLagMs: 0,
    maxInFlight: t.requesters,
    elapsedMs,
    abandoned: 0,
  };
}
