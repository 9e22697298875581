/**
 * The status writer: consumes accepted messages (SMS_MT), status events (SMS_EVENTS) and dead-lettered MT
 * messages (as failures), applies them to the StatusStore in batches (many events per transaction), and settles
 * each bus message only after the commit. A receipt that matches no submitted message yet is retried with backoff
 * and, after many tries, kept as an orphan. A failed transaction retries the whole batch: nothing is acked that
 * is not stored.
 */
import type { Delivery, Pull, WorkSource } from '../bus/delivery.js';
import { systemClock, type Cancel, type Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { debugEnabled, type Logger } from '../log/logger.js';
import type { StatusMetrics } from '../metrics/status.js';
import type { ReceiptEvent, StatusEvent } from '../sms/events.js';
import type { StatusStore } from './status-store.js';

export interface StatusWriterOptions {
  store: StatusStore;
  /** Each bus message carries one or more events (accepted messages, connectors' batches, dead-lettered MTs). */
  sources: readonly { source: WorkSource<StatusEvent[]>; maxMessages: number }[];
  metrics: StatusMetrics;
  log: Logger;
  /** Events per transaction. */
  batchSize?: number;
  /** How long the first event of a batch may wait for company. */
  maxWaitMs?: number;
  /** Deliveries of an unmatched receipt before it is stored as an orphan. */
  orphanAfter?: number;
  /**
   * A message held longer than this (waiting for a slow commit) is reported in progress to JetStream, so the
   * consumers' ack_wait can stay short: after a crash, what the writer held is redelivered within seconds.
   */
  progressEveryMs?: number;
  /**
   * Hands on the events of a committed batch (all but accepted records, and receipts still waiting for their
   * submit), before their bus messages are acked: callbacks are made from what is stored, and a failure here
   * retries the batch (applying it again changes nothing). The next batch's transaction does not wait for it.
   */
  forward?: (events: StatusEvent[]) => Promise<void>;
  clock?: Clock;
}

export interface StatusWriter {
  stop(): Promise<void>;
}

/** One bus message and the events it carried (connectors batch many events into one message). */
interface Item {
  d: Delivery<StatusEvent[]>;
  evs: StatusEvent[];
  /** When it was taken off the bus, or last reported in progress. */
  since: number;
}

/** One batch committing (or forwarding) and one sealed behind it. */
const MAX_QUEUED_BATCHES = 2;

export function unmatchedDelayMs(deliveryCount: number): number {
  return Math.min(30_000, 250 * 2 ** Math.min(10, deliveryCount - 1));
}

/** A batch that could not be committed (the database is away) is tried again later, less often each time. */
export function failedBatchDelayMs(deliveryCount: number): number {
  return Math.min(60_000, 2000 * 2 ** Math.min(10, deliveryCount - 1));
}

export async function startStatusWriter(o: StatusWriterOptions): Promise<StatusWriter> {
  const batchSize = o.batchSize ?? 2500;
  const maxWaitMs = o.maxWaitMs ?? 50;
  const orphanAfter = o.orphanAfter ?? 20;
  const clock = o.clock ?? systemClock;
  const progressEveryMs = o.progressEveryMs ?? 2000;
  /** Taken off the bus and not yet settled. */
  const held = new Set<Item>();
  const log = o.log.child({ component: 'status-writer' });
  const debug = debugEnabled(log);

  /** At debug level, one line per event committed: the message id and its traceparent, or the receipt's SMSC id. */
  function logCommitted(events: readonly StatusEvent[], unmatched: readonly number[]): void {
    const waiting = new Set(unmatched);
    events.forEach((ev, e) => {
      switch (ev.kind) {
        case 'accepted':
          log.debug({ messageId: ev.message.id, kind: ev.kind, traceparent: ev.traceparent }, 'status event committed');
          break;
        case 'submitted':
          log.debug({ messageId: ev.id, kind: ev.kind, part: ev.part, smscMessageId: ev.smscMessageId, traceparent: ev.traceparent }, 'status event committed');
          break;
        case 'failed':
          log.debug({ messageId: ev.id, kind: ev.kind, status: ev.status, traceparent: ev.traceparent }, 'status event committed');
          break;
        case 'receipt':
          log.debug({ kind: ev.kind, smscMessageId: ev.smscMessageId, stat: ev.stat, matched: !waiting.has(e) }, 'status event committed');
          break;
      }
    });
  }
  const buf: Item[] = [];
  let bufEvents = 0;
  let timer: Cancel | undefined;
  let chain: Promise<void> = Promise.resolve();
  /** Batches handed to the chain and not yet committed, oldest first. */
  const queued: Promise<void>[] = [];
  let stopped = false;

  /**
   * Applies a batch in one transaction and settles its bus messages. `dbDone` is called as soon as the database is
   * done with the batch, so the next batch's transaction can start while this one's forward is still being stored;
   * its bus messages are acked only after that.
   */
  async function commit(batch: Item[], dbDone: () => void): Promise<void> {
    const end = o.metrics.batchSeconds.startTimer();
    const events: StatusEvent[] = [];
    const owner: number[] = [];
    batch.forEach((it, i) => {
      for (const ev of it.evs) {
        events.push(ev);
        owner.push(i);
      }
    });
    try {
      const res = await o.store.apply(events);
      // A bus message is acked only when none of its receipts is still waiting for its submit.
      const unmatchedBy = new Map<number, ReceiptEvent[]>();
      for (const e of res.unmatchedReceipts) {
        const i = owner[e]!;
        const list = unmatchedBy.get(i) ?? [];
        list.push(events[e] as ReceiptEvent);
        unmatchedBy.set(i, list);
      }
      const orphans: ReceiptEvent[] = [];
      for (let i = 0; i < batch.length; i++) {
        const it = batch[i]!;
        const waiting = unmatchedBy.get(i);
        if (waiting && (it.d.deliveryCount >= orphanAfter || it.d.lastAttempt)) orphans.push(...waiting);
      }
      // Recorded before the next transaction starts (PGlite runs one statement at a time); recording twice is a no-op.
      if (orphans.length > 0) await o.store.recordOrphanReceipts(orphans);
      let forwarded: Promise<void> | undefined;
      if (o.forward) {
        const applied: StatusEvent[] = [];
        const waiting = new Set(res.unmatchedReceipts);
        for (let e = 0; e < events.length; e++) if (events[e]!.kind !== 'accepted' && !waiting.has(e)) applied.push(events[e]!);
        if (applied.length > 0) forwarded = o.forward(applied);
      }
      dbDone();
      if (forwarded) await forwarded;
      const stored: Record<string, number> = {};
      for (let i = 0; i < batch.length; i++) {
        const it = batch[i]!;
        const waiting = unmatchedBy.get(i);
        if (!waiting) {
          it.d.settle({ kind: 'ack' });
          for (const ev of it.evs) stored[ev.kind] = (stored[ev.kind] ?? 0) + 1;
        } else if (it.d.deliveryCount >= orphanAfter || it.d.lastAttempt) {
          it.d.settle({ kind: 'ack' });
        } else {
          // Replaying the rest of the message later is harmless: applying events is idempotent.
          o.metrics.unmatched.inc(waiting.length);
          it.d.settle({ kind: 'retry', delayMs: unmatchedDelayMs(it.d.deliveryCount) });
        }
      }
      if (orphans.length > 0) {
        o.metrics.orphans.inc(orphans.length);
        log.warn({ count: orphans.length }, 'receipts matched no message after retries; stored as orphans');
      }
      if (debug) logCommitted(events, res.unmatchedReceipts);
      for (const [kind, n] of Object.entries(stored)) o.metrics.events.inc({ kind }, n);
      for (const [status, n] of Object.entries(res.finals)) if (n) o.metrics.persisted.inc({ status }, n);
      o.metrics.batchSize.observe(events.length);
    } catch (err) {
      o.metrics.batchFailures.inc();
      log.error({ err: errorMessage(err), events: events.length }, 'status batch failed (commit or forward); events will be redelivered');
      for (const it of batch) it.d.settle({ kind: 'retry', delayMs: failedBatchDelayMs(it.d.deliveryCount) });
    } finally {
      dbDone();
      for (const it of batch) held.delete(it);
      end();
    }
  }

  /** Batches commit one after another, in arrival order; flush resolves when the last one's transaction is over. */
  function flush(): Promise<void> {
    if (timer) {
      timer();
      timer = undefined;
    }
    if (buf.length > 0) {
      const batch = buf.splice(0, buf.length);
      bufEvents = 0;
      let markDb!: () => void;
      const dbPhase = new Promise<void>((r) => (markDb = r));
      const done = chain.then(() => commit(batch, markDb));
      // The next transaction waits for this one's, not for its forward (which is stored meanwhile, acks after it).
      chain = Promise.race([dbPhase, done]);
      queued.push(done);
      void done.then(() => queued.splice(queued.indexOf(done), 1));
    }
    return chain;
  }

  async function add(it: Item): Promise<void> {
    held.add(it);
    buf.push(it);
    bufEvents += it.evs.length;
    // A full batch waits for the commits before it: under load, messages gather in fewer, larger transactions
    // (letting the next batch fill meanwhile was tried: the machine got busier and p99 accept worse in make bench).
    if (bufEvents >= batchSize) await flush();
    else timer ??= clock.setTimer(maxWaitMs, () => void flush());
    // Timer-sealed batches are bounded too: while one batch commits and the next waits for it, take nothing more
    // off the bus. Without this the timer seals a batch every maxWaitMs however slow the database is, holding up to
    // max_ack_pending messages in memory until ack_wait redelivers them.
    while (queued.length >= MAX_QUEUED_BATCHES) await queued[0];
  }

  // Normally nothing is held long enough for this to find anything: a batch commits within ~100 ms.
  let cancelProgress = clock.setTimer(progressEveryMs, reportProgress, { unref: true });
  function reportProgress(): void {
    cancelProgress = clock.setTimer(progressEveryMs, reportProgress, { unref: true });
    const now = clock.now();
    for (const it of held) {
      if (now - it.since >= progressEveryMs) {
        it.d.inProgress();
        it.since = now;
      }
    }
  }

  const pulls: Pull[] = o.sources.map(({ source, maxMessages }) =>
    source.consume(maxMessages, (d) => {
      // Nothing to write (a dead letter whose body could not be read): settled at once.
      if (d.body.length === 0) {
        d.settle({ kind: 'ack' });
        return;
      }
      return add({ d, evs: d.body, since: clock.now() });
    }),
  );
  const loops = pulls.map((p) => p.done.catch((err) => !stopped && log.error({ err: errorMessage(err) }, 'status consumer stopped')));

  return {
    async stop() {
      stopped = true;
      cancelProgress();
      await Promise.all(pulls.map((p) => p.close()));
      await Promise.all(loops);
      await flush();
      await Promise.all([...queued]);
    },
  };
}
