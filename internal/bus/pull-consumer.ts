/**
 * The one owner of JetStream messages: wraps a durable pull consumer, decodes each message, hands consumers a
 * Delivery, and turns their decision into the JetStream call (ack, nak with a delay, or a dead letter then ack).
 * No other module calls ack, nak, term or working on a JetStream message.
 *
 * Delivery limits: the consumer's `max_deliver` is a server-side bound; the last DEAD_LETTER_RESERVE deliveries
 * are kept for storing the dead letter, so a message whose dead-lettering fails (the bus is briefly away) still
 * comes back to be dead-lettered rather than stopping silently at the limit. A message that comes back after its
 * last attempt (its consumer crashed on it, again and again) is dead-lettered before anyone sees it.
 */
import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { errorMessage } from '../core/errors.js';
import { TRACEPARENT } from '../core/trace-context.js';
import type { Logger } from '../log/logger.js';
import { CodecError } from './codec.js';
import { backlogReading } from './consumer-backlog.js';
import type { DeadLetterSink } from './dead-letters.js';
import { headerValue } from './wire-headers.js';
import { DeadReasons, type DeadReason, type Delivery, type Pull, type WorkSource } from './delivery.js';

export const DEAD_LETTER_RESERVE = 3;

/** How long one pull of a continuous consumer waits for messages before it is asked again. */
const CONSUME_PULL_EXPIRES_MS = 5000;

/** How long a message whose dead letter could not be stored waits before it is tried again. */
const DEAD_LETTER_RETRY_MS = 5000;

export interface PullConsumerOptions<T> {
  consumer: Consumer;
  stream: string;
  durable: string;
  /** The consumer's max_deliver (−1 or 0: unbounded). */
  maxDeliver: number;
  /** Throws CodecError for bodies it cannot read (`undecodable`); any other error marks the message `invalid`. */
  decode(m: JsMsg): T;
  /**
   * How many units of work a decoded body holds (a status event batch: its events), so that the backlog this
   * consumer reports (consumer-backlog.ts) counts work, not JetStream messages. Default: one.
   */
  weigh?(body: T): number;
  deadLetters: DeadLetterSink;
  log: Logger;
}

/** Attempts a consumer gets before it must settle for good. */
export function attemptsFor(maxDeliver: number): number {
  return maxDeliver > 0 ? Math.max(1, maxDeliver - DEAD_LETTER_RESERVE) : Number.POSITIVE_INFINITY;
}

export function createPullConsumer<T>(o: PullConsumerOptions<T>): WorkSource<T> {
  const attempts = attemptsFor(o.maxDeliver);
  const from = { stream: o.stream, consumer: o.durable };
  const log = o.log.child({ component: 'pull-consumer', stream: o.stream, consumer: o.durable });
  const backlog = backlogReading(o.stream, o.durable);
  // Units of work per message, a moving average over the last few dozen from the first weighed message on:
  // num_pending counts messages.
  let perMessage = 1;
  let weighed = false;

  function deadLetter(m: JsMsg, reason: DeadReason, detail: string): void {
    o.deadLetters(m, from, reason, detail).then(
      () => m.ack(),
      () => m.nak(DEAD_LETTER_RETRY_MS),
    );
  }

  /** The Delivery for a message, or undefined when it went straight to the dead letters. */
  function admit(m: JsMsg): Delivery<T> | undefined {
    const info = m.info;
    const deliveryCount = info.deliveryCount;
    backlog.deliveries++;
    backlog.pending = perMessage === 1 ? info.pending : Math.round(info.pending * perMessage);
    if (deliveryCount > attempts) {
      deadLetter(m, DeadReasons.maxDeliveries, `not settled after ${attempts} deliveries`);
      return undefined;
    }
    let body: T;
    try {
      body = o.decode(m);
      if (o.weigh) {
        const w = Math.max(1, o.weigh(body));
        perMessage = weighed ? perMessage + (w - perMessage) / 32 : w;
        weighed = true;
      }
    } catch (err) {
      deadLetter(m, err instanceof CodecError ? DeadReasons.undecodable : DeadReasons.invalid, errorMessage(err));
      return undefined;
    }
    const lastAttempt = deliveryCount >= attempts;
    let settled = false;
    return {
      body,
      subject: m.subject,
      seq: m.seq,
      deliveryCount,
      storedAt: m.time.getTime(),
      traceparent: headerValue(m, TRACEPARENT),
      lastAttempt,
      settle(s) {
        if (settled) return;
        settled = true;
        switch (s.kind) {
          case 'ack':
            m.ack();
            break;
          case 'retry':
            if (lastAttempt) deadLetter(m, DeadReasons.maxDeliveries, `still to be retried after ${deliveryCount} deliveries`);
            else m.nak(s.delayMs);
            break;
          case 'dead':
            deadLetter(m, s.reason, s.detail);
            break;
        }
      },
      inProgress() {
        if (!settled) m.working();
      },
    };
  }

  function pull(open: () => Promise<ConsumerMessages>, each: (m: JsMsg) => Promise<void> | void): Pull {
    let iter: ConsumerMessages | undefined;
    let closed = false;
    const done = (async () => {
      const it = await open();
      iter = it;
      if (closed) await it.close();
      for await (const m of it) await each(m);
    })();
    return {
      done,
      async close() {
        closed = true;
        await iter?.close();
      },
    };
  }

  return {
    fetch(max, expiresMs, onDelivery) {
      return pull(
        () => o.consumer.fetch({ max_messages: max, expires: expiresMs }),
        (m) => {
          const d = admit(m);
          if (d) onDelivery(d);
        },
      );
    },
    consume(maxMessages, onDelivery) {
      // A chain of bounded pulls rather than nats.js's consume(): after a stream leader change on a cluster, a
      // long-lived consume was seen to stop receiving for minutes (the drills' leader kill: the status writer's
      // accepted records stalled until it restarted), while a pull that ends by itself is simply asked again.
      let current: ConsumerMessages | undefined;
      let closed = false;
      const handle = async (m: JsMsg): Promise<void> => {
        const d = admit(m);
        if (!d) return;
        try {
          await onDelivery(d);
        } catch (err) {
          // A handler bug must not end the pull; the message comes back after ack_wait.
          log.error({ seq: m.seq, err: errorMessage(err) }, 'handler failed on a message');
        }
      };
      const done = (async () => {
        while (!closed) {
          try {
            const it = await o.consumer.fetch({ max_messages: maxMessages, expires: CONSUME_PULL_EXPIRES_MS });
            current = it;
            if (closed) {
              await it.close();
              break;
            }
            for await (const m of it) await handle(m);
          } catch (err) {
            if (closed) break;
            log.warn({ err: errorMessage(err) }, 'pull failed; asking again');
            await new Promise((r) => setTimeout(r, 500));
          } finally {
            current = undefined;
          }
        }
      })();
      return {
        done,
        async close() {
          closed = true;
          await current?.close();
        },
      };
    },
  };
}

/** Opens a durable consumer that the topology created, with its delivery limit as the server has it. */
export async function openPullConsumer<T>(
  js: JetStreamClient,
  o: Omit<PullConsumerOptions<T>, 'consumer' | 'maxDeliver'>,
): Promise<WorkSource<T>> {
  const consumer = await js.consumers.get(o.stream, o.durable);
  const info = await consumer.info(true);
  return createPullConsumer({ ...o, consumer, maxDeliver: info.config.max_deliver ?? -1 });
}
