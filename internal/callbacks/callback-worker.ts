/**
 * The callback worker: reads SMS_CHANGES (durable `callbacks`) and turns committed status changes and stored
 * inbound messages into signed POSTs to the clients' receivers, at least once.
 *
 * - A batch of status changes is resolved against the database in one query and fanned out: one bus message per
 *   callback (sms.chg.callback), then the batch is acked. From there each callback lives on its own in JetStream.
 * - A callback is attempted when it is due and its endpoint admits it (per-endpoint concurrency, circuit breaker);
 *   otherwise it is naked with a delay and waits in JetStream, never in this process — or, for a wait longer than
 *   parkAfterMs, in PostgreSQL (callback_parked), from where it goes back on the bus when due. After a failed
 *   attempt the next one is published (or parked) with its due time, and only then is the old one acked.
 * - After the last attempt, or when the receiver refuses it (4xx) or is gone (410, which disables the endpoint), the
 *   callback is recorded in PostgreSQL (listed at GET /v1/callbacks/failed, replayable) and acked.
 */
import type { CallbackJob, ChangeMessage, InboundChange, StatusChange } from '../bus/codec-changes.js';
import { encodeJob } from '../bus/codec-changes.js';
import type { Delivery, Pull, WorkSource } from '../bus/delivery.js';
import type { PublishAck } from '../bus/pub-ack-inbox.js';
import type { Publisher } from '../bus/publisher.js';
import { Subjects } from '../bus/subjects.js';
import { systemClock, type Cancel, type Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import type { CallbackMetrics } from '../metrics/callbacks.js';
import type { CallbackStore } from './callback-store.js';
import { createEndpointGate, endpointOf, type EndpointGate } from './endpoint-gate.js';
import type { Poster } from './http-poster.js';
import { retryDelayMs } from './retry-policy.js';
import { webhookHeaders } from './signature.js';
import { statusCallbackFor, type CallbackClient } from './status-payload.js';

export interface WorkerClient extends CallbackClient {
  /** Key bytes of the client's webhookSecrets. */
  keys: readonly Buffer[];
}

export interface CallbackWorkerOptions {
  source: WorkSource<ChangeMessage>;
  publisher: Publisher;
  store: CallbackStore;
  poster: Poster;
  clients: ReadonlyMap<string, WorkerClient>;
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  concurrencyPerEndpoint: number;
  breakerThreshold: number;
  breakerOpenMs: number;
  /** A wait longer than this is kept in the database (callback_parked) rather than pending in JetStream. */
  parkAfterMs?: number;
  /** How often parked callbacks that are due go back on the bus. */
  unparkEveryMs?: number;
  metrics: CallbackMetrics;
  log: Logger;
  /** POSTs in flight at once in this process, all endpoints together; past it the worker pulls nothing more. */
  maxInFlight?: number;
  /** Messages a pull asks for. */
  pullSize?: number;
  /** How often the endpoints disabled by 410 are read again (other workers may have disabled some). */
  disabledRefreshMs?: number;
  clock?: Clock;
  random?: () => number;
  /** Created from the options when not given (tests read its state). */
  gate?: EndpointGate;
}

export interface CallbackWorker {
  stop(): Promise<void>;
}

/** Batches of changes being resolved and fanned out at once. */
const MAX_STATUS_TASKS = 4;

/** How long a change that could not be resolved or fanned out (database or bus away) waits before it is tried again. */
export function changeRetryDelayMs(deliveryCount: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.min(10, deliveryCount - 1));
}

/**
 * When a callback counts as made, for its delivery latency: when its change was committed and stored in SMS_CHANGES,
 * so time spent waiting for a worker (one down, stalled or behind) shows in the latency, not only the POSTs. Never
 * after `now`: the NATS server's clock may run a little ahead of this process's.
 */
export function madeAt(storedAt: number, now: number): number {
  return Math.min(storedAt, now);
}

export function inboundBody(m: InboundChange): string {
  const { type, id, from, to, text, encoding, parts, carrier, receivedAt } = m;
  return JSON.stringify({ type, id, from, to, text, encoding, parts, carrier, receivedAt });
}

export async function startCallbackWorker(o: CallbackWorkerOptions): Promise<CallbackWorker> {
  const clock = o.clock ?? systemClock;
  const random = o.random ?? Math.random;
  const log = o.log.child({ component: 'callback-worker' });
  const maxInFlight = o.maxInFlight ?? 1024;
  const gate =
    o.gate ??
    createEndpointGate({
      concurrency: o.concurrencyPerEndpoint,
      threshold: o.breakerThreshold,
      openMs: o.breakerOpenMs,
      // A busy endpoint is looked at again soon, but not in a tight loop: about a tenth of an attempt's time bound.
      busyRetryMs: Math.max(50, Math.min(1000, Math.round(o.timeoutMs / 10))),
    });
  const parkAfterMs = o.parkAfterMs ?? 60_000;
  let disabled = await o.store.disabledEndpoints();
  const inFlight = new Set<Promise<void>>();
  const waiters: (() => void)[] = [];
  let stopped = false;

  let cancelRefresh: Cancel = clock.setTimer(o.disabledRefreshMs ?? 30_000, refresh, { unref: true });
  function refresh(): void {
    cancelRefresh = clock.setTimer(o.disabledRefreshMs ?? 30_000, refresh, { unref: true });
    o.store.disabledEndpoints().then(
      (s) => (disabled = s),
      (err) => log.warn({ err: errorMessage(err) }, 'could not read disabled callback endpoints'),
    );
  }

  function publishJob(job: CallbackJob, msgID: string): Promise<PublishAck> {
    return o.publisher.publish(Subjects.callbackJobs, encodeJob(job), { msgID, deadlineMs: 5000 });
  }

  /**
   * Settles a callback that must wait `delayMs`: naked with that delay (it stays pending in JetStream), or, for a
   * long wait, parked in the database and acked, so that waiting callbacks never fill the consumer's max_ack_pending.
   */
  async function wait(d: Delivery<ChangeMessage>, job: CallbackJob, delayMs: number, why: 'busy' | 'open' | 'scheduled'): Promise<void> {
    o.metrics.deferred.inc({ why });
    if (delayMs <= parkAfterMs) {
      d.settle({ kind: 'retry', delayMs });
      return;
    }
    const due = clock.now() + delayMs;
    try {
      // The key is also the Nats-Msg-Id it goes back with: unique per wait, so no later wait is deduplicated away.
      await o.store.park(`${job.wid}.${job.made}.${job.attempts}@${due}`, { ...job, due });
      o.metrics.deferred.inc({ why: 'parked' });
      d.settle({ kind: 'ack' });
    } catch (err) {
      log.warn({ err: errorMessage(err), webhookId: job.wid }, 'could not park a waiting callback; it waits in JetStream');
      d.settle({ kind: 'retry', delayMs: Math.min(delayMs, 600_000) });
    }
  }

  /** Puts parked callbacks that are due back on the bus, then forgets them (a crash between: a duplicate, deduplicated by its key). */
  let unparking = false;
  async function unpark(): Promise<void> {
    if (unparking || stopped) return;
    unparking = true;
    try {
      for (;;) {
        const due = await o.store.dueParked(clock.now(), 500);
        if (due.length === 0) break;
        await Promise.all(due.map(({ key, job }) => publishJob(job, key)));
        await o.store.unpark(due.map((p) => p.key));
        if (due.length < 500 || stopped) break;
      }
    } catch (err) {
      log.warn({ err: errorMessage(err) }, 'could not put parked callbacks back on the bus; trying again');
    } finally {
      unparking = false;
    }
  }
  let cancelUnpark: Cancel = clock.setTimer(o.unparkEveryMs ?? 1000, unparkTick, { unref: true });
  function unparkTick(): void {
    cancelUnpark = clock.setTimer(o.unparkEveryMs ?? 1000, unparkTick, { unref: true });
    void unpark();
  }

  async function onStatus(d: Delivery<ChangeMessage>, changes: readonly StatusChange[]): Promise<void> {
    try {
      const rows = await o.store.resolveChanges(changes);
      const now = clock.now();
      const made = madeAt(d.storedAt, now);
      const jobs = new Map<string, CallbackJob>();
      changes.forEach((c, i) => {
        const row = rows.get(i);
        if (!row || row.clientId === null) return;
        const cb = statusCallbackFor(c, row, o.clients.get(row.clientId));
        // Two changes of one batch that say the same (two final receipts of one message) make one callback.
        // Written out rather than spread from cb: V8 adds keys after a leading spread on a slow path (see lifecycle-fold.ts).
        if (cb && !jobs.has(cb.wid)) jobs.set(cb.wid, { wid: cb.wid, client: cb.client, url: cb.url, body: cb.body, ref: cb.ref, attempts: 0, due: now, made, type: 'message.status' });
      });
      // Nats-Msg-Id from the webhook-id: a batch redelivered within the duplicate window fans out nothing twice,
      // and a change the status writer forwarded again (its events redelivered) makes no second callback. Only the
      // callbacks stored anew count as made, as the edge counts only the messages stored anew as accepted. Those
      // stored by a pass that then fails are counted by it: the retry finds them stored already.
      const acks = await Promise.allSettled([...jobs.values()].map((j) => publishJob(j, `${j.wid}.0`)));
      let fresh = 0;
      let failure: unknown;
      for (const a of acks) {
        if (a.status === 'rejected') failure ??= a.reason;
        else if (!a.value.duplicate) fresh++;
      }
      if (fresh > 0) o.metrics.made.inc({ type: 'message.status' }, fresh);
      if (failure !== undefined) throw failure;
      d.settle({ kind: 'ack' });
    } catch (err) {
      log.warn({ err: errorMessage(err), changes: changes.length, seq: d.seq }, 'status changes not turned into callbacks yet; retrying');
      d.settle({ kind: 'retry', delayMs: changeRetryDelayMs(d.deliveryCount) });
    }
  }

  async function fail(d: Delivery<ChangeMessage>, job: CallbackJob, reason: string, why: 'exhausted' | 'refused' | 'gone' | 'disabled'): Promise<void> {
    try {
      await o.store.recordFailure(job, reason, clock.now());
      o.metrics.failed.inc({ reason: why });
      log.warn({ webhookId: job.wid, messageId: job.ref, client: job.client, attempts: job.attempts, reason }, 'callback failed for good; listed at /v1/callbacks/failed');
      d.settle({ kind: 'ack' });
    } catch (err) {
      log.warn({ err: errorMessage(err), webhookId: job.wid }, 'could not record a failed callback; retrying');
      d.settle({ kind: 'retry', delayMs: changeRetryDelayMs(d.deliveryCount) });
    }
  }

  async function attempt(d: Delivery<ChangeMessage>, job: CallbackJob, release: (ok: boolean, now: number) => void): Promise<void> {
    const started = clock.now();
    const keys = o.clients.get(job.client)?.keys ?? [];
    const headers = webhookHeaders(keys, job.wid, Math.floor(started / 1000), job.body);
    const out = await o.poster.post(job.url, headers as unknown as Record<string, string>, job.body);
    const now = clock.now();
    o.metrics.attemptSeconds.observe((now - started) / 1000);
    o.metrics.attempts.inc({ outcome: out.kind });
    // A receiver that answers, even with a refusal, is up: only timeouts, connection errors, 429 and 5xx count against it.
    const endpoint = endpointOf(job.url);
    const wasOpen = gate.isOpen(endpoint);
    release(out.kind !== 'retry', now);
    const open = gate.isOpen(endpoint);
    if (open && !wasOpen) log.warn({ endpoint, client: job.client, reason: out.kind === 'retry' ? out.reason : out.kind }, 'callback endpoint failing: its breaker is open, its callbacks wait');
    else if (wasOpen && !open) log.info({ endpoint, client: job.client }, 'callback endpoint answers again: its breaker is closed');
    const made = { ...job, attempts: job.attempts + 1 };
    switch (out.kind) {
      case 'delivered':
        o.metrics.deliveredSeconds.observe(Math.max(0, now - job.made) / 1000);
        d.settle({ kind: 'ack' });
        return;
      case 'gone':
        disabled.add(job.url);
        try {
          await o.store.disableEndpoint(job.url, job.client, 'answered 410 Gone', now);
        } catch (err) {
          log.warn({ err: errorMessage(err), url: job.url }, 'could not record a disabled endpoint');
        }
        log.warn({ client: job.client, url: job.url }, 'callback endpoint answered 410 Gone: disabled until a failed callback of it is replayed');
        return fail(d, made, 'the endpoint answered 410 Gone and is disabled', 'gone');
      case 'refused':
        return fail(d, made, out.reason, 'refused');
      case 'retry': {
        const delay = retryDelayMs(o.retryScheduleMs, made.attempts, out.retryAfterMs, random());
        if (delay === undefined) return fail(d, made, `${out.reason} (attempt ${made.attempts}, the last)`, 'exhausted');
        const { replay: _replay, ...next } = made;
        if (delay > parkAfterMs) return wait(d, next, delay, 'scheduled');
        try {
          await publishJob({ ...next, due: now + delay }, `${job.wid}.${job.made}.${made.attempts}`);
          d.settle({ kind: 'ack' });
        } catch (err) {
          // The attempt will be made again from this message: a duplicate at worst, never a loss.
          log.warn({ err: errorMessage(err), webhookId: job.wid }, 'could not schedule a callback retry; retrying from the old one');
          d.settle({ kind: 'retry', delayMs: delay });
        }
        return;
      }
    }
  }

  async function onJob(d: Delivery<ChangeMessage>, job: CallbackJob): Promise<void> {
    const now = clock.now();
    if (job.due > now + 20) return wait(d, job, job.due - now, 'scheduled');
    // A replay is the client saying its endpoint is back (the edge has already removed it from the disabled list).
    if (job.replay) disabled.delete(job.url);
    else if (disabled.has(job.url)) return fail(d, job, 'the endpoint is disabled (it answered 410 Gone)', 'disabled');
    let endpoint: string;
    try {
      endpoint = endpointOf(job.url);
    } catch {
      return fail(d, job, 'the callback URL cannot be parsed', 'refused');
    }
    const adm = gate.admit(endpoint, now, random());
    if (adm.kind === 'wait') {
      if (adm.why === 'busy' && queueLocally(endpoint, d, job, adm.retryInMs)) return;
      return wait(d, job, adm.retryInMs, adm.why);
    }
    while (inFlight.size >= maxInFlight) await new Promise<void>((r) => waiters.push(r));
    const p = attempt(d, job, adm.release)
      .catch((err) => {
        adm.release(false, clock.now());
        log.error({ err: errorMessage(err), webhookId: job.wid }, 'callback attempt failed unexpectedly; it comes back after ack_wait');
      })
      .finally(() => {
        inFlight.delete(p);
        waiters.shift()?.();
        nextQueued(endpoint);
      });
    inFlight.add(p);
  }

  /**
   * A busy endpoint's callback waits here for a free slot, briefly (at most busyMs) and only a few per endpoint
   * (4 × its concurrency, and maxInFlight in all), so a saturated but healthy receiver is fed without a round trip
   * through JetStream while a hanging one holds no more than that; past either bound, or after busyMs, it waits in
   * JetStream.
   */
  const queued = new Map<string, { d: Delivery<ChangeMessage>; job: CallbackJob; cancel: Cancel }[]>();
  let queuedCount = 0;
  function queueLocally(endpoint: string, d: Delivery<ChangeMessage>, job: CallbackJob, busyMs: number): boolean {
    const q = queued.get(endpoint) ?? [];
    if (stopped || q.length >= 4 * o.concurrencyPerEndpoint || queuedCount >= maxInFlight) return false;
    const entry = {
      d,
      job,
      cancel: clock.setTimer(busyMs, () => {
        const i = q.indexOf(entry);
        if (i < 0) return;
        q.splice(i, 1);
        queuedCount--;
        if (q.length === 0) queued.delete(endpoint);
        void wait(d, job, busyMs, 'busy');
      }),
    };
    q.push(entry);
    queued.set(endpoint, q);
    queuedCount++;
    return true;
  }
  function nextQueued(endpoint: string): void {
    const q = queued.get(endpoint);
    const next = q?.shift();
    if (!q || !next) return;
    next.cancel();
    queuedCount--;
    if (q.length === 0) queued.delete(endpoint);
    void onJob(next.d, next.job);
  }

  /**
   * A batch of changes is resolved and fanned out beside the pull, not in its way: the callbacks already pulled go
   * on while the database answers and the fanned-out callbacks are stored (a few batches at a time).
   */
  const statusTasks = new Set<Promise<void>>();
  async function startStatus(d: Delivery<ChangeMessage>, changes: readonly StatusChange[]): Promise<void> {
    while (statusTasks.size >= MAX_STATUS_TASKS) await Promise.race(statusTasks);
    const t = onStatus(d, changes).finally(() => statusTasks.delete(t));
    statusTasks.add(t);
  }

  function onDelivery(d: Delivery<ChangeMessage>): Promise<void> | void {
    const m = d.body;
    switch (m.kind) {
      case 'status':
        return startStatus(d, m.changes);
      case 'job':
        return onJob(d, m.job);
      case 'inbound': {
        const client = o.clients.get(m.message.client);
        if (!client?.callbackUrl) {
          // Nobody to tell: the message is stored and readable through the API.
          d.settle({ kind: 'ack' });
          return;
        }
        const now = clock.now();
        // Made once: a change naked while its endpoint was busy or its breaker open comes back here.
        if (d.deliveryCount === 1) o.metrics.made.inc({ type: 'message.inbound' });
        // The inbound message is its own first attempt; a retry is published as a callback like any other.
        return onJob(d, { wid: `in_${m.message.id}`, client: m.message.client, url: client.callbackUrl, body: inboundBody(m.message), attempts: 0, due: now, made: madeAt(d.storedAt, now), ref: m.message.id, type: 'message.inbound' });
      }
    }
  }

  const pull: Pull = o.source.consume(o.pullSize ?? 256, onDelivery);
  const loop = pull.done.catch((err) => !stopped && log.error({ err: errorMessage(err) }, 'callback consumer stopped'));

  return {
    async stop() {
      stopped = true;
      cancelRefresh();
      cancelUnpark();
      await pull.close();
      await loop;
      // Callbacks waiting here for a busy endpoint go back to JetStream at once.
      for (const q of queued.values()) {
        for (const e of q.splice(0)) {
          e.cancel();
          e.d.settle({ kind: 'retry', delayMs: 0 });
        }
      }
      queued.clear();
      queuedCount = 0;
      // Attempts under way end within timeoutMs; their messages are settled then.
      await Promise.all([...statusTasks, ...inFlight]);
      o.poster.close();
    },
  };
}
