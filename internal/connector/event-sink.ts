/**
 * Where a carrier's connector reports status: submitted and receipt events are batched (what arrives in one
 * turn of the event loop, up to 200 events) into one JetStream message each (more when they would not fit in one), shared by all the carrier's binds, so the bus carries one
 * message per batch rather than one per SMS. Each report resolves only when its batch is stored.
 * Final failures are rare and go one by one.
 */
import { randomUUID } from 'node:crypto';
import { createBatcher } from '../bus/batcher.js';
import { encodeEvent, encodeEventChunks } from '../bus/codec.js';
import type { Publisher } from '../bus/publisher.js';
import { Subjects } from '../bus/subjects.js';
import type { FailedEvent, ReceiptEvent, StatusEvent, SubmittedEvent } from '../sms/events.js';

export interface EventSink {
  submitted(events: SubmittedEvent[]): Promise<void>;
  receipt(event: ReceiptEvent): Promise<void>;
  failed(event: FailedEvent): Promise<void>;
}

export interface EventSinkOptions {
  carrier: string;
  publisher: Publisher;
  deadlineMs: number;
  /** Receipts wait at most this long for the bus (the SMSC waits for our answer meanwhile); default deadlineMs. */
  receiptDeadlineMs?: number;
  maxItems?: number;
  maxDelayMs?: number;
}

export function createEventSink(o: EventSinkOptions): EventSink {
  const batch = (subject: string, deadlineMs: number) =>
    createBatcher<StatusEvent>({
      maxItems: o.maxItems ?? 200,
      maxDelayMs: o.maxDelayMs ?? 0,
      oneInFlight: true,
      // One id per batch: a retried publish of the same batch is deduplicated by JetStream. While NATS reconnects
      // the publish waits for it (within the deadline) rather than failing at once.
      flush: async (events) => {
        const id = randomUUID();
        await Promise.all(
          encodeEventChunks(events).map((data, i) => o.publisher.publish(subject, data, { msgID: `batch:${id}:${i}`, deadlineMs, waitForConnection: true })),
        );
      },
    });
  const submitted = batch(Subjects.submitted(o.carrier), o.deadlineMs);
  const receipts = batch(Subjects.receipt(o.carrier), o.receiptDeadlineMs ?? o.deadlineMs);
  return {
    submitted: (events) => Promise.all(events.map((e) => submitted.add(e))).then(() => undefined),
    receipt: (event) => receipts.add(event),
    failed: async (event) => {
      await o.publisher.publish(Subjects.failed(o.carrier), encodeEvent(event), {
        msgID: `fail:${event.id}`,
        deadlineMs: o.deadlineMs,
        waitForConnection: true,
      });
    },
  };
}
