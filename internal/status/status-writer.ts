/**
 * The DLR / status writer: consumes accepted messages (SMS_MT) and status events (SMS_EVENTS), applies
 * them to the StatusStore in batches (many events per transaction), and acks only after the commit.
 * A receipt that matches no submitted message yet is retried with backoff and, after many tries, kept
 * as an orphan. A failed transaction naks the whole batch: nothing is acked that is not stored.
 */
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { errorMessage } from '../core/errors.js';
import { acceptedFromMt, decodeEvents, decodeMt } from '../bus/codec.js';
import type { Logger } from '../log/logger.js';
import type { StatusMetrics } from '../metrics/status.js';
import type { ReceiptEvent, StatusEvent } from '../sms/events.js';
import type { StatusStore } from './status-store.js';

export interface StatusWriterOptions {
  store: StatusStore;
  accepted: Consumer;
  events: Consumer;
  metrics: StatusMetrics;
  log: Logger;
  /** Events per transaction. */
  batchSize?: number;
  /** How long the first event of a batch may wait for company. */
  maxWaitMs?: number;
  /** Deliveries of an unmatched receipt before it is stored as an orphan. */
  orphanAfter?: number;
}

export interface StatusWriter {
  stop(): Promise<void>;
}

/** One bus message and the events it carried (connectors batch many events into one message). */
interface Item {
  m: JsMsg;
  evs: StatusEvent[];
}

/** One batch committing and one sealed behind it. */
const MAX_QUEUED_BATCHES = 2;

export function unmatchedDelayMs(deliveryCount: number): number {
  return Math.min(30_000, 250 * 2 ** Math.min(10, deliveryCount - 1));
}

export async function startStatusWriter(o: StatusWriterOptions): Promise<StatusWriter> {
  const batchSize = o.batchSize ?? 2500;
  const maxWaitMs = o.maxWaitMs ?? 50;
  const orphanAfter = o.orphanAfter ?? 20;
  const log = o.log.child({ component: 'status-writer' });
  const buf: Item[] = [];
  let bufEvents = 0;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  /** Batches handed to the chain and not yet committed, oldest first. */
  const queued: Promise<void>[] = [];
  let stopped = false;

  async function commit(batch: Item[]): Promise<void> {
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
      const orphanMsgs: JsMsg[] = [];
      const stored: Record<string, number> = {};
      for (let i = 0; i < batch.length; i++) {
        const it = batch[i]!;
        const waiting = unmatchedBy.get(i);
        if (!waiting) {
          it.m.ack();
          for (const ev of it.evs) stored[ev.kind] = (stored[ev.kind] ?? 0) + 1;
        } else if (it.m.info.deliveryCount >= orphanAfter) {
          orphans.push(...waiting);
          orphanMsgs.push(it.m);
        } else {
          // Replaying the rest of the message later is harmless: applying events is idempotent.
          o.metrics.unmatched.inc(waiting.length);
          it.m.nak(unmatchedDelayMs(it.m.info.deliveryCount));
        }
      }
      if (orphans.length > 0) {
        await o.store.recordOrphanReceipts(orphans);
        for (const m of orphanMsgs) m.ack();
        o.metrics.orphans.inc(orphans.length);
        log.warn({ count: orphans.length }, 'receipts matched no message after retries; stored as orphans');
      }
      for (const [kind, n] of Object.entries(stored)) o.metrics.events.inc({ kind }, n);
      for (const [status, n] of Object.entries(res.finals)) if (n) o.metrics.persisted.inc({ status }, n);
      o.metrics.batchSize.observe(events.length);
    } catch (err) {
      o.metrics.batchFailures.inc();
      log.error({ err: errorMessage(err), events: events.length }, 'status batch failed; events will be redelivered');
      for (const it of batch) it.m.nak(2000);
    } finally {
      end();
    }
  }

  /** Batches commit one after another, in arrival order. */
  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (buf.length > 0) {
      const batch = buf.splice(0, buf.length);
      bufEvents = 0;
      const done = chain.then(() => commit(batch));
      chain = done;
      queued.push(done);
      void done.then(() => queued.splice(queued.indexOf(done), 1));
    }
    return chain;
  }

  async function add(it: Item): Promise<void> {
    buf.push(it);
    bufEvents += it.evs.length;
    // A full batch waits for the commits before it: under load, messages gather in fewer, larger transactions
    // (letting the next batch fill meanwhile was tried: the machine got busier and p99 accept worse in make bench).
    if (bufEvents >= batchSize) await flush();
    else timer ??= setTimeout(() => void flush(), maxWaitMs);
    // Timer-sealed batches are bounded too: while one batch commits and the next waits for it, take nothing more
    // off the bus. Without this the timer seals a batch every maxWaitMs however slow the database is, holding up to
    // max_ack_pending messages in memory until ack_wait redelivers them.
    while (queued.length >= MAX_QUEUED_BATCHES) await queued[0];
  }

  async function drain(iter: ConsumerMessages, decode: (m: JsMsg) => StatusEvent[]): Promise<void> {
    for await (const m of iter) {
      let evs: StatusEvent[];
      try {
        evs = decode(m);
      } catch (err) {
        log.error({ seq: m.seq, subject: m.subject, err: errorMessage(err) }, 'undecodable status event terminated');
        m.term(`undecodable: ${errorMessage(err)}`);
        continue;
      }
      await add({ m, evs });
    }
  }

  // Client-side buffering is kept to a few batches: anything pulled waits its turn, and a message that
  // waits longer than ack_wait is redelivered and written twice — under load that snowballs. Event
  // messages carry up to 200 events each, so only a few of them are pulled at a time.
  const acceptedIter = await o.accepted.consume({ max_messages: Math.max(batchSize, 100) });
  const eventsIter = await o.events.consume({ max_messages: 16 });
  const loops = [
    drain(acceptedIter, (m) => [acceptedFromMt(decodeMt(m.data))]),
    drain(eventsIter, (m) => decodeEvents(m.data)),
  ].map((p) => p.catch((err) => !stopped && log.error({ err: errorMessage(err) }, 'status consumer stopped')));

  return {
    async stop() {
      stopped = true;
      await acceptedIter.close();
      await eventsIter.close();
      await Promise.all(loops);
      await flush();
    },
  };
}
