import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJob, type CallbackJob, type ChangeMessage } from '../bus/codec-changes.js';
import type { Publisher } from '../bus/publisher.js';
import { fakeWorkSource, type FakeWorkSource } from '../bus/test-work-source.js';
import { fakeClock, type FakeClock } from '../core/clock.js';
import { noopLogger } from '../log/logger.js';
import { createCallbackMetrics, type CallbackMetrics } from '../metrics/callbacks.js';
import type { CallbackStore } from './callback-store.js';
import { madeAt, startCallbackWorker, type CallbackWorker } from './callback-worker.js';
import type { Poster } from './http-poster.js';
import type { AttemptOutcome } from './retry-policy.js';
import type { ChangedMessage } from './status-payload.js';

const URL_A = 'https://a.example/cb';
const row = (id: string): ChangedMessage => ({ id, clientId: 'acme', clientRef: null, status: 'delivered', carrier: 'k', to: '+447700900001', segments: 1, error: null, doneAt: '2026-12-03T10:00:00.000Z', callbackUrl: null });
const job = (o: Partial<CallbackJob> = {}): CallbackJob => ({ wid: 'msg_1_delivered', client: 'acme', url: URL_A, body: '{"id":"1"}', attempts: 0, due: 0, made: 0, ref: '1', type: 'message.status', ...o });

async function turns(k = 8): Promise<void> {
  for (let i = 0; i < k; i++) await new Promise<void>((r) => setImmediate(r));
}

let worker: CallbackWorker | undefined;
let current: Rig | undefined;
afterEach(async () => {
  // POSTs a test left unanswered end now, or stop() would wait for them.
  for (const p of current?.posts ?? []) p.resolve({ kind: 'delivered', status: 200 });
  await worker?.stop();
  worker = undefined;
  current = undefined;
});

interface Rig {
  clock: FakeClock;
  source: FakeWorkSource<ChangeMessage>;
  published: { subject: string; job: CallbackJob; msgID: string }[];
  /** Nats-Msg-Ids whose next publish fails (the bus away), once each. */
  failOnce: Set<string>;
  failures: { job: CallbackJob; reason: string }[];
  disabled: string[];
  parked: Map<string, CallbackJob>;
  posts: { url: string; headers: Record<string, string>; resolve(o: AttemptOutcome): void }[];
  metrics: CallbackMetrics;
}

async function start(rows: Map<number, ChangedMessage> = new Map()): Promise<Rig> {
  const clock = fakeClock(1_000_000);
  const source = fakeWorkSource<ChangeMessage>();
  const rig: Rig = { clock, source, published: [], failOnce: new Set(), failures: [], disabled: [], parked: new Map(), posts: [], metrics: createCallbackMetrics(new Registry(), () => 0) };
  current = rig;
  const store: CallbackStore = {
    resolveChanges: async () => rows,
    recordFailure: async (j, reason) => void rig.failures.push({ job: j, reason }),
    listFailures: async () => ({ callbacks: [], next: null }),
    takeForReplay: async () => null,
    disableEndpoint: async (url) => void rig.disabled.push(url),
    park: async (key, j) => void rig.parked.set(key, j),
    dueParked: async (now) => [...rig.parked].filter(([, j]) => j.due <= now).map(([key, j]) => ({ key, job: j })),
    unpark: async (keys) => keys.forEach((k) => rig.parked.delete(k)),
    disabledEndpoints: async () => new Set(),
  };
  // As JetStream does within its duplicate window: a Nats-Msg-Id stored before is acked as a duplicate.
  const stored = new Set<string>();
  const publisher: Publisher = {
    async publish(subject, data, { msgID }) {
      if (rig.failOnce.delete(msgID)) throw new Error('JetStream publish failed after 1 attempt(s): timeout');
      rig.published.push({ subject, job: decodeJob(data), msgID });
      const duplicate = stored.has(msgID);
      stored.add(msgID);
      return { stream: 'SMS_CHANGES', seq: rig.published.length, duplicate };
    },
  };
  const poster: Poster = {
    post: (url, headers) => new Promise<AttemptOutcome>((resolve) => rig.posts.push({ url, headers, resolve })),
    close() {},
  };
  worker = await startCallbackWorker({
    source,
    publisher,
    store,
    poster,
    clients: new Map([['acme', { callbackUrl: URL_A, callbackEvents: 'final', keys: [Buffer.from('secret')] }]]),
    retryScheduleMs: [1000, 2000],
    timeoutMs: 2000,
    concurrencyPerEndpoint: 2,
    breakerThreshold: 10,
    breakerOpenMs: 5000,
    parkAfterMs: 3000,
    unparkEveryMs: 1000,
    metrics: rig.metrics,
    log: noopLogger,
    clock,
    random: () => 0.5,
  });
  return rig;
}

describe('callback worker', () => {
  it('fans a batch of changes out into one callback each, made once per webhook-id, then acks the batch', async () => {
    const rig = await start(new Map([[0, row('m1')], [1, row('m1')], [3, row('m2')]]));
    const d = rig.source.push({
      kind: 'status',
      changes: [
        { k: 'r', c: 'k', x: 's1', st: 'delivered', stat: 'DELIVRD', err: null, at: 1 },
        { k: 'r', c: 'k', x: 's2', st: 'delivered', stat: 'DELIVRD', err: null, at: 1 },
        { k: 'f', id: 'gone-from-db', st: 'failed', at: 1 },
        { k: 'f', id: 'm2', st: 'rejected', at: 1 },
      ],
    });
    await turns();
    expect(rig.published.map((p) => [p.subject, p.job.wid, p.msgID])).toEqual([
      ['sms.chg.callback', 'msg_m1_delivered', 'msg_m1_delivered.0'],
      ['sms.chg.callback', 'msg_m2_delivered', 'msg_m2_delivered.0'],
    ]);
    expect(rig.published[0]!.job).toMatchObject({ url: URL_A, attempts: 0, client: 'acme', ref: 'm1' });
    expect(d.settlement).toEqual({ kind: 'ack' });
  });

  describe('callbacks made', () => {
    const made = async (rig: Rig, type: string): Promise<number> =>
      (await rig.metrics.made.get()).values.find((v) => v.labels.type === type)?.value ?? 0;
    const inbound = { type: 'message.inbound', client: 'acme', id: 'mo1', from: '+1', to: '+2', text: 'hi', encoding: 'gsm7', parts: 1, carrier: 'k', receivedAt: '2026-12-03T10:00:00.000Z' } as const;

    it('counts a status callback once when its change comes again (the status writer forwarded it twice)', async () => {
      const rig = await start(new Map([[0, row('m1')]]));
      const change = { k: 'r', c: 'k', x: 's1', st: 'delivered', stat: 'DELIVRD', err: null, at: 1 } as const;
      const first = rig.source.push({ kind: 'status', changes: [change] });
      await turns();
      const again = rig.source.push({ kind: 'status', changes: [change] });
      await turns();
      expect([first.settlement, again.settlement]).toEqual([{ kind: 'ack' }, { kind: 'ack' }]);
      // Fanned out twice under one Nats-Msg-Id: the stream keeps one callback, and one is made.
      expect(rig.published.map((p) => p.msgID)).toEqual(['msg_m1_delivered.0', 'msg_m1_delivered.0']);
      expect(await made(rig, 'message.status')).toBe(1);
    });

    it('counts each callback of a batch once when the batch is fanned out again after one of its publishes failed', async () => {
      const rig = await start(new Map([[0, row('m1')], [1, row('m2')]]));
      const changes = [
        { k: 'f', id: 'm1', st: 'rejected', at: 1 },
        { k: 'f', id: 'm2', st: 'rejected', at: 1 },
      ] as const;
      rig.failOnce.add('msg_m2_delivered.0');
      const first = rig.source.push({ kind: 'status', changes: [...changes] });
      await turns();
      expect(first.settlement).toEqual({ kind: 'retry', delayMs: 1000 });
      expect(await made(rig, 'message.status')).toBe(1);
      const again = rig.source.push({ kind: 'status', changes: [...changes] }, { deliveryCount: 2 });
      await turns();
      expect(again.settlement).toEqual({ kind: 'ack' });
      expect(rig.published.map((p) => p.msgID)).toEqual(['msg_m1_delivered.0', 'msg_m1_delivered.0', 'msg_m2_delivered.0']);
      expect(await made(rig, 'message.status')).toBe(2);
    });

    it('counts an inbound callback once when its change is naked while the endpoint is busy and comes back', async () => {
      const rig = await start();
      // Both of the endpoint's slots (concurrencyPerEndpoint 2) taken by POSTs not yet answered.
      rig.source.push({ kind: 'job', job: job({ wid: 'w1' }) });
      rig.source.push({ kind: 'job', job: job({ wid: 'w2' }) });
      await turns();
      expect(rig.posts).toHaveLength(2);
      const first = rig.source.push({ kind: 'inbound', message: inbound });
      await turns();
      // It waits in this process for a slot for about a tenth of the POST timeout (250 ms with its jitter here),
      // then goes back to JetStream.
      expect(first.settlement).toBeUndefined();
      await rig.clock.advanceAsync(250, 50);
      expect(first.settlement).toEqual({ kind: 'retry', delayMs: 250 });
      for (const p of rig.posts) p.resolve({ kind: 'delivered', status: 200 });
      await turns();
      rig.source.push({ kind: 'inbound', message: inbound }, { deliveryCount: 2 });
      await turns();
      expect(rig.posts.map((p) => p.headers['webhook-id'])).toEqual(['w1', 'w2', 'in_mo1']);
      expect(await made(rig, 'message.inbound')).toBe(1);
    });
  });

  it('leaves a callback not yet due in JetStream for the time left', async () => {
    const rig = await start();
    const d = rig.source.push({ kind: 'job', job: job({ due: 1_003_000 }) });
    await turns();
    expect(d.settlement).toEqual({ kind: 'retry', delayMs: 3000 });
    expect(rig.posts).toHaveLength(0);
  });

  it('signs and POSTs; on 2xx acks', async () => {
    const rig = await start();
    const d = rig.source.push({ kind: 'job', job: job() });
    await turns();
    expect(rig.posts).toHaveLength(1);
    expect(rig.posts[0]!.headers['webhook-id']).toBe('msg_1_delivered');
    expect(rig.posts[0]!.headers['webhook-signature']).toMatch(/^v1,/);
    rig.posts[0]!.resolve({ kind: 'delivered', status: 200 });
    await turns();
    expect(d.settlement).toEqual({ kind: 'ack' });
  });

  it('publishes the next attempt with its due time before acking a failed one, and records the last failure', async () => {
    const rig = await start();
    const d = rig.source.push({ kind: 'job', job: job() });
    await turns();
    rig.posts[0]!.resolve({ kind: 'retry', reason: 'HTTP 503', retryAfterMs: 3000 });
    await turns();
    expect(rig.published).toHaveLength(1);
    // The schedule says 1 s; Retry-After asks 3 s: the longer wins.
    expect(rig.published[0]!.job).toMatchObject({ attempts: 1, due: 1_003_000, wid: 'msg_1_delivered' });
    expect(d.settlement).toEqual({ kind: 'ack' });

    const last = rig.source.push({ kind: 'job', job: job({ attempts: 2 }) });
    await turns();
    rig.posts[1]!.resolve({ kind: 'retry', reason: 'no answer within 2000 ms' });
    await turns();
    expect(rig.failures).toHaveLength(1);
    expect(rig.failures[0]!.job.attempts).toBe(3);
    expect(rig.failures[0]!.reason).toContain('no answer');
    expect(last.settlement).toEqual({ kind: 'ack' });
  });

  it('keeps at most concurrencyPerEndpoint POSTs in flight to one endpoint; a few more wait briefly here, the rest in JetStream', async () => {
    const rig = await start();
    const ds = Array.from({ length: 11 }, (_, i) => rig.source.push({ kind: 'job', job: job({ wid: `w${i}` }) }));
    const other = rig.source.push({ kind: 'job', job: job({ wid: 'other', url: 'https://b.example/cb' }) });
    await turns();
    expect(rig.posts.map((p) => p.url)).toEqual([URL_A, URL_A, 'https://b.example/cb']);
    // 2 in flight, 4 × 2 waiting here, the last one back to JetStream.
    expect(ds.slice(2, 10).map((d) => d.settlement)).toEqual(Array(8).fill(undefined));
    expect(ds[10]!.settlement).toEqual({ kind: 'retry', delayMs: 250 });
    expect(other.settlement).toBeUndefined();
    // A slot frees: the next waiting callback goes at once.
    rig.posts[0]!.resolve({ kind: 'delivered', status: 200 });
    await turns();
    expect(rig.posts).toHaveLength(4);
    expect(rig.posts[3]!.headers['webhook-id']).toBe('w2');
    // The others wait no longer than the busy delay here, then in JetStream.
    await rig.clock.advanceAsync(300, 50);
    expect(ds.slice(3, 10).map((d) => d.settlement)).toEqual(Array(7).fill({ kind: 'retry', delayMs: 250 }));
  });

  it('disables an endpoint that answers 410, and fails its later callbacks without calling it', async () => {
    const rig = await start();
    const d = rig.source.push({ kind: 'job', job: job() });
    await turns();
    rig.posts[0]!.resolve({ kind: 'gone' });
    await turns();
    expect(rig.disabled).toEqual([URL_A]);
    expect(rig.failures[0]!.reason).toContain('410');
    expect(d.settlement).toEqual({ kind: 'ack' });
    const next = rig.source.push({ kind: 'job', job: job({ wid: 'w2' }) });
    await turns();
    expect(rig.posts).toHaveLength(1);
    expect(rig.failures[1]!.reason).toContain('disabled');
    expect(next.settlement).toEqual({ kind: 'ack' });
  });

  it('delivers an inbound message to its client\'s callbackUrl without the client field', async () => {
    const rig = await start();
    rig.source.push({ kind: 'inbound', message: { type: 'message.inbound', client: 'acme', id: 'mo1', from: '+1', to: '+2', text: 'hi', encoding: 'gsm7', parts: 1, carrier: 'k', receivedAt: '2026-12-03T10:00:00.000Z' } });
    await turns();
    expect(rig.posts[0]!.headers['webhook-id']).toBe('in_mo1');
  });

  it('parks a long wait in the database rather than pending in JetStream, and puts it back on the bus when due', async () => {
    const rig = await start();
    const d = rig.source.push({ kind: 'job', job: job() });
    await turns();
    // Retry-After 10 s is past parkAfterMs (3 s).
    rig.posts[0]!.resolve({ kind: 'retry', reason: 'HTTP 429', retryAfterMs: 10_000 });
    await turns();
    expect(d.settlement).toEqual({ kind: 'ack' });
    expect(rig.published).toHaveLength(0);
    expect([...rig.parked.values()]).toEqual([expect.objectContaining({ wid: 'msg_1_delivered', attempts: 1, due: 1_010_000 })]);
    await rig.clock.advanceAsync(9000, 500);
    expect(rig.published).toHaveLength(0);
    await rig.clock.advanceAsync(1500, 500);
    expect(rig.published.map((p) => [p.job.wid, p.job.attempts, p.msgID])).toEqual([['msg_1_delivered', 1, 'msg_1_delivered.0.1@1010000']]);
    expect(rig.parked.size).toBe(0);
    // A short wait stays in JetStream.
    const soon = rig.source.push({ kind: 'job', job: job({ due: 1_012_500 }) });
    await turns();
    expect(soon.settlement).toEqual({ kind: 'retry', delayMs: 2000 });
  });

  describe('delivery latency', () => {
    const latencies = async (rig: Rig): Promise<{ count: number; sum: number }> => {
      const { values } = await rig.metrics.deliveredSeconds.get();
      const of = (name: string) => values.find((v) => v.metricName === name)?.value ?? 0;
      return { count: of('smsmesh_callback_delivery_latency_seconds_count'), sum: of('smsmesh_callback_delivery_latency_seconds_sum') };
    };

    it('counts from the change being stored in SMS_CHANGES, so a worker that read it late shows in it', async () => {
      const rig = await start(new Map([[0, row('m1')]]));
      // Committed and stored 90 s before this worker read it (the worker was down), then POSTed for 2 s.
      const batch = rig.source.push({ kind: 'status', changes: [{ k: 'f', id: 'm1', st: 'failed', at: 1 }] }, { storedAt: 1_000_000 - 90_000 });
      await turns();
      expect(batch.settlement).toEqual({ kind: 'ack' });
      expect(rig.published[0]!.job).toMatchObject({ made: 910_000, due: 1_000_000 });
      const d = rig.source.push({ kind: 'job', job: rig.published[0]!.job });
      await turns();
      await rig.clock.advanceAsync(2000);
      rig.posts[0]!.resolve({ kind: 'delivered', status: 200 });
      await turns();
      expect(d.settlement).toEqual({ kind: 'ack' });
      expect(await latencies(rig)).toEqual({ count: 1, sum: 92 });
    });

    it('counts an inbound message from its change being stored, and keeps the time of the first attempt across retries', async () => {
      const rig = await start();
      const inbound = { type: 'message.inbound', client: 'acme', id: 'mo1', from: '+1', to: '+2', text: 'hi', encoding: 'gsm7', parts: 1, carrier: 'k', receivedAt: '2026-12-03T10:00:00.000Z' } as const;
      rig.source.push({ kind: 'inbound', message: inbound }, { storedAt: 995_000 });
      await turns();
      rig.posts[0]!.resolve({ kind: 'retry', reason: 'HTTP 503' });
      await turns();
      expect(rig.published[0]!.job).toMatchObject({ wid: 'in_mo1', made: 995_000, attempts: 1, due: 1_001_000 });
      await rig.clock.advanceAsync(1000);
      rig.source.push({ kind: 'job', job: rig.published[0]!.job });
      await turns();
      rig.posts[1]!.resolve({ kind: 'delivered', status: 200 });
      await turns();
      expect(await latencies(rig)).toEqual({ count: 1, sum: 6 });
    });

    it('never starts after now when the NATS server\'s clock runs ahead', () => {
      expect(madeAt(1_000_250, 1_000_000)).toBe(1_000_000);
      expect(madeAt(999_000, 1_000_000)).toBe(999_000);
    });
  });
});
