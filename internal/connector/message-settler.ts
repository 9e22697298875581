/**
 * Records each segment's outcome and settles the message once every segment has one: ack after its
 * "submitted" events are stored, retry later, or a final failed/rejected event, then ack.
 */
import type { Delivery } from '../bus/delivery.js';
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import type { ConnectorMetrics } from '../metrics/connector.js';
import type { MtMessage } from '../sms/message.js';
import { factsOf, type FailedEvent, type SubmittedEvent } from '../sms/events.js';
import type { EventSink } from './event-sink.js';
import { decide, type RetryPolicy, type SegmentOutcome } from './outcome.js';
import type { Job, Segment } from './send-job.js';

export interface MessageSettlerDeps {
  carrier: string;
  retry: RetryPolicy;
  /** Stores status events (batched per carrier). */
  events: EventSink;
  metrics: ConnectorMetrics;
  log: Logger;
  clock: Clock;
  /** The actor's messages not yet settled; a message leaves it once settled. */
  jobs: Set<Job>;
  /** Wakes the actor's fetch loop. */
  signal(): void;
}

export interface MessageSettler {
  /** Messages whose segments are all answered but whose events are not yet stored. */
  readonly settling: number;
  /** The segment's outcome; the first one recorded counts. */
  record(seg: Segment, outcome: SegmentOutcome): void;
  /** Ends a message that was never sent with a recorded final state; acked once the event is stored. */
  fail(delivery: Delivery<MtMessage>, status: FailedEvent['status'], error: string): void;
  /** Hands a message that was not sent back for another try (on its last attempt: a recorded failure instead). */
  giveBack(delivery: Delivery<MtMessage>, delayMs: number, why: string): void;
}

export function createMessageSettler(d: MessageSettlerDeps): MessageSettler {
  const { carrier, clock, log, jobs, signal } = d;
  const labels = { carrier };
  const submittedCount = d.metrics.submitted.labels(labels);
  let settling = 0;

  function record(seg: Segment, outcome: SegmentOutcome): void {
    const job = seg.job;
    if (job.outcomes[seg.index] !== undefined) return;
    job.outcomes[seg.index] = outcome;
    job.left--;
    if (job.left === 0) void settle(job);
  }

  async function settle(job: Job): Promise<void> {
    const outcomes = job.outcomes as SegmentOutcome[];
    const { delivery } = job;
    const dec = decide(outcomes, delivery.deliveryCount, d.retry, delivery.lastAttempt);
    settling++;
    try {
      switch (dec.kind) {
        case 'ack': {
          const at = clock.now();
          const parts = outcomes.length;
          await d.events.submitted(
            outcomes.map(
              (out, i): SubmittedEvent => ({
                kind: 'submitted',
                id: job.mt.id,
                carrier,
                part: i + 1,
                parts,
                smscMessageId: (out as { smscMessageId: string }).smscMessageId,
                at,
                ...(i === 0 ? { message: factsOf(job.mt) } : {}),
                ...(delivery.traceparent ? { traceparent: delivery.traceparent } : {}),
              }),
            ),
          );
          delivery.settle({ kind: 'ack' });
          submittedCount.inc();
          break;
        }
        case 'retry':
          delivery.settle({ kind: 'retry', delayMs: dec.delayMs });
          break;
        case 'final':
          await publishFailed(job.mt, dec.status, dec.error, delivery.traceparent);
          delivery.settle({ kind: 'ack' });
          break;
      }
    } catch (err) {
      // The event could not be stored: leave the message to be redelivered (a bounded, counted duplicate
      // at the SMSC is better than a message whose state is never recorded).
      log.error({ messageId: job.mt.id, traceparent: delivery.traceparent, err: errorMessage(err) }, 'could not store status event; message will be retried');
      delivery.settle({ kind: 'retry', delayMs: 1000 });
    } finally {
      settling--;
      jobs.delete(job);
      signal();
    }
  }

  async function publishFailed(mt: MtMessage, status: FailedEvent['status'], error: string, traceparent: string | undefined): Promise<void> {
    const ev: FailedEvent = { kind: 'failed', id: mt.id, carrier, status, message: factsOf(mt), error, at: clock.now() };
    if (traceparent) ev.traceparent = traceparent;
    await d.events.failed(ev);
    d.metrics.finalFailures.inc({ ...labels, status });
    log.warn({ messageId: mt.id, status, error, traceparent }, 'message ended without delivery');
  }

  function fail(delivery: Delivery<MtMessage>, status: FailedEvent['status'], error: string): void {
    publishFailed(delivery.body, status, error, delivery.traceparent).then(
      () => delivery.settle({ kind: 'ack' }),
      (err: unknown) => {
        log.error({ messageId: delivery.body.id, traceparent: delivery.traceparent, err: errorMessage(err) }, 'could not store status event; message will be retried');
        delivery.settle({ kind: 'retry', delayMs: 5000 });
      },
    );
  }

  function giveBack(delivery: Delivery<MtMessage>, delayMs: number, why: string): void {
    if (delivery.lastAttempt) fail(delivery, 'failed', `${why} on delivery ${delivery.deliveryCount}, the last one permitted`);
    else delivery.settle({ kind: 'retry', delayMs });
  }

  return {
    get settling() {
      return settling;
    },
    record,
    fail,
    giveBack,
  };
}
