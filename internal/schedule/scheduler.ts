/**
 * The scheduler: holds messages with a sendAt in JetStream (SMS_SCHEDULED) and releases each to its carrier's queue
 * (SMS_MT) when due. Nothing is held in process memory: a message not yet due is handed back with
 * nak(min(due − now, recheckMs)), so JetStream redelivers it at its time (or at the next recheck), across restarts of
 * the scheduler and of nats-server. Released with Nats-Msg-Id = message id, then acked: a release repeated after a
 * crash is deduplicated. A canceled message is never released (final `canceled`); one whose validity ended before
 * its release ends `expired`.
 */
import { acceptedFromMt, encodeEvents, encodeMt } from '../bus/codec.js';
import { TRACEPARENT } from '../core/trace-context.js';
import type { Delivery, Pull, WorkSource } from '../bus/delivery.js';
import type { Publisher } from '../bus/publisher.js';
import { Subjects } from '../bus/subjects.js';
import { systemClock, type Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import { factsOf, type FailedEvent } from '../sms/events.js';
import type { MtMessage } from '../sms/message.js';
import type { CanceledSet } from './cancellations.js';

export interface SchedulerOptions {
  source: WorkSource<MtMessage>;
  publisher: Publisher;
  canceled: CanceledSet;
  /** Stores the final state of a message that will never be released (SMS_EVENTS). */
  publishFinal(ev: FailedEvent): Promise<void>;
  recheckMs: number;
  publishDeadlineMs: number;
  log: Logger;
  clock?: Clock;
  /** Releases in flight at once (a burst of due messages is published pipelined, not one by one). */
  maxInFlight?: number;
  onReleased?: (carrier: string) => void;
}

export interface Scheduler {
  stop(): Promise<void>;
}

/** How long a release or a final event that failed waits before the message comes back. */
const RETRY_MS = 1000;

/** What to do with a held message now: pure, so the timing rules are tested without a clock. */
export type SchedulerStep =
  | { kind: 'cancel' }
  | { kind: 'expire' }
  | { kind: 'wait'; delayMs: number }
  | { kind: 'release' };

export function nextStep(mt: Pick<MtMessage, 'id' | 'sendAt' | 'validUntil'>, now: number, canceled: boolean, recheckMs: number): SchedulerStep {
  if (canceled) return { kind: 'cancel' };
  const due = mt.sendAt ?? now;
  if (due > now) return { kind: 'wait', delayMs: Math.min(due - now, recheckMs) };
  if (mt.validUntil !== undefined && mt.validUntil <= now) return { kind: 'expire' };
  return { kind: 'release' };
}

export function startScheduler(o: SchedulerOptions): Scheduler {
  const clock = o.clock ?? systemClock;
  const log = o.log.child({ component: 'scheduler' });
  const maxInFlight = o.maxInFlight ?? 256;
  let inFlight = 0;
  let freed: (() => void) | undefined;

  async function final(d: Delivery<MtMessage>, status: FailedEvent['status'], error: string): Promise<void> {
    const mt = d.body;
    try {
      const ev: FailedEvent = { kind: 'failed', id: mt.id, carrier: mt.carrier, status, message: factsOf(mt), error, at: clock.now() };
      if (d.traceparent) ev.traceparent = d.traceparent;
      await o.publishFinal(ev);
      d.settle({ kind: 'ack' });
    } catch (err) {
      log.warn({ messageId: mt.id, err: errorMessage(err) }, 'could not record the final state of a held message; retrying');
      d.settle({ kind: 'retry', delayMs: RETRY_MS });
    }
  }

  async function release(d: Delivery<MtMessage>): Promise<void> {
    const mt = d.body;
    try {
      // The held message's trace goes on with it.
      const headers = d.traceparent ? { [TRACEPARENT]: d.traceparent } : undefined;
      await o.publisher.publish(Subjects.mt(mt.carrier), encodeMt(mt), { msgID: mt.id, deadlineMs: o.publishDeadlineMs, ...(headers ? { headers } : {}) });
      d.settle({ kind: 'ack' });
      o.onReleased?.(mt.carrier);
      log.debug({ messageId: mt.id, traceparent: d.traceparent }, 'held message released');
      // Its record moves from scheduled to accepted; should this be lost, the connector's submit moves it on anyway.
      o.publisher
        .publish(Subjects.accepted, encodeEvents([acceptedFromMt(mt, false, d.traceparent)]), { msgID: '', deadlineMs: o.publishDeadlineMs })
        .catch((err: unknown) => log.warn({ messageId: mt.id, traceparent: d.traceparent, err: errorMessage(err) }, 'could not record a released message as accepted'));
    } catch (err) {
      log.warn({ messageId: mt.id, traceparent: d.traceparent, err: errorMessage(err) }, 'could not release a due message; retrying');
      d.settle({ kind: 'retry', delayMs: RETRY_MS });
    }
  }

  async function handle(d: Delivery<MtMessage>): Promise<void> {
    const step = nextStep(d.body, clock.now(), o.canceled.has(d.body.id), o.recheckMs);
    switch (step.kind) {
      case 'wait':
        d.settle({ kind: 'retry', delayMs: step.delayMs });
        return;
      case 'cancel':
        return final(d, 'canceled', 'canceled by the client before it was sent');
      case 'expire':
        return final(d, 'expired', 'the validity period ended before the message was due');
      case 'release':
        return release(d);
    }
  }

  const pull: Pull = o.source.consume(maxInFlight, async (d) => {
    while (inFlight >= maxInFlight) await new Promise<void>((r) => (freed = r));
    inFlight++;
    void handle(d).finally(() => {
      inFlight--;
      const f = freed;
      freed = undefined;
      f?.();
    });
  });
  let stopped = false;
  const loop = pull.done.catch((err: unknown) => {
    if (!stopped) log.error({ err: errorMessage(err) }, 'scheduler consumer stopped');
  });

  return {
    async stop() {
      stopped = true;
      await pull.close();
      await loop;
      for (let waited = 0; inFlight > 0 && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
